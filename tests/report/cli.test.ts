// `finesweep report` on sweep directories on disk: an interrupted sweep, bad arguments.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportCommand } from '../../src/cli/report.js';
import { InputError } from '../../src/errors.js';
import { interruptedSweep, writeSweep } from './sweep-fixture.js';

async function interruptedDir() {
  const sweep = interruptedSweep();
  const root = await mkdtemp(join(tmpdir(), 'finesweep-report-'));
  return { sweep, dir: await writeSweep(root, sweep), root };
}

describe('finesweep report', () => {
  it('lists the finished, running and pending trials of an interrupted sweep', async () => {
    const { sweep, dir } = await interruptedDir();
    const text = await reportCommand(dir, { format: 'table' });
    const line = (id: string) => text.split('\n').find((l) => l.includes(id)) ?? '';
    for (const id of sweep.ids.completed) expect(line(id)).toMatch(/│ +\d │ .*completed/);
    expect(line(sweep.ids.running)).toMatch(/│ +– │ .*│ +2\/5 │.*running/);
    expect(line(sweep.ids.pending[0])).toMatch(/│ +– │ .*pending/);
    expect(line(sweep.ids.failed)).toMatch(/failed/);
    expect(line(sweep.ids.diverged)).toMatch(/diverged/);
    expect(text).toMatch(/8 trials: 4 completed, 1 running, 1 pending, 1 diverged, 1 failed · sweep in progress or interrupted/);
  });

  it('reads a journal whose last line is half-written, as a live sweep leaves it', async () => {
    const { sweep, dir } = await interruptedDir();
    await writeFile(join(dir, 'journal.jsonl'), (await readFile(join(dir, 'journal.jsonl'), 'utf8')) + '{"seq":999,"type":"epoch_en');
    const lb = JSON.parse(await reportCommand(dir, { format: 'json' }));
    expect(lb.rows.length).toBe(8);
    expect(lb.rows.find((r: { id: string }) => r.id === sweep.ids.running).epochsDone).toBe(2);
  });

  it('writes each format to --out, and html to <sweep-dir>/report.html by default', async () => {
    const { dir, root } = await interruptedDir();
    for (const format of ['md', 'csv', 'json', 'table']) {
      const out = join(root, `report.${format}`);
      expect(await reportCommand(dir, { format, out })).toBe(`wrote ${out}\n`);
      expect((await readFile(out, 'utf8')).length).toBeGreaterThan(100);
    }
    expect(await reportCommand(dir, { format: 'html' })).toBe(`wrote ${join(dir, 'report.html')}\n`);
    expect(await readFile(join(dir, 'report.html'), 'utf8')).toMatch(/^<!doctype html>/);
  });

  it('keeps the first N trials with --top', async () => {
    const { dir } = await interruptedDir();
    const lb = JSON.parse(await reportCommand(dir, { format: 'json', top: '3' }));
    expect(lb.rows.map((r: { rank: number }) => r.rank)).toEqual([1, 2, 3]);
    expect(lb.hidden).toBe(5);
  });

  it('refuses a missing or non-sweep directory and bad flags with an InputError naming them', async () => {
    const { dir, root } = await interruptedDir();
    await expect(reportCommand(join(root, 'nope'), { format: 'table' })).rejects.toThrow(new InputError(`not a sweep directory: ${join(root, 'nope')} (it does not exist)`));
    await expect(reportCommand(root, { format: 'table' })).rejects.toThrow(/not a sweep directory: .*finesweep-report-/);
    await expect(reportCommand(dir, { format: 'xml' })).rejects.toThrow(/^--format: expected one of table, md, csv, json, html, got "xml"$/);
    await expect(reportCommand(dir, { format: 'table', top: '0' })).rejects.toThrow(/^--top: expected a whole number >= 1, got "0"$/);
    await expect(reportCommand(dir, { format: 'md', out: join(root, 'no', 'such', 'dir', 'r.md') })).rejects.toThrow(/^--out: cannot write .*r\.md \(ENOENT\)$/);
  });

  it('exits 2 with a one-line error for a directory that is not a sweep (built CLI)', () => {
    const r = spawnSync(process.execPath, ['bin/finesweep.js', 'report', 'definitely/not/here'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('finesweep: not a sweep directory: definitely/not/here (it does not exist)\n');
  });
});
