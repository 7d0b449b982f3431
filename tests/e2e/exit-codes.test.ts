// Exit codes as the README documents them, and bad input as a user meets it through the compiled
// CLI: exit 2, one line per problem naming the file or field, no stack trace, nothing on disk
// changed. (0 and 1 are exercised in journey.test.ts, 130 and 143 in interrupt.test.ts.)
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/errors.js';
import { journal, ofType, run, snapshot, STACK, workspace, writeSweep } from './helpers.js';

let dir: string;
let sweepDir: string;

beforeAll(async () => {
  // One finished sweep (1 trial, ~150 examples) for the commands that take a sweep directory.
  dir = workspace(40);
  writeSweep(dir, { name: 'done', learning_rate: [1e-3], workers: 1 });
  sweepDir = join(dir, 'results', 'done');
  const r = await run(['run', 'done.json'], dir);
  expect(r.code, r.stderr).toBe(0);
});

describe('exit codes', () => {
  it('the README documents every exit code the CLI uses', () => {
    const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');
    const table = [...readme.matchAll(/^\| (\d+) \| \S.*\|$/gm)].map((m) => Number(m[1]));
    expect(table).toEqual(Object.values(EXIT).sort((a, b) => a - b));
    const summary = readme.slice(readme.indexOf('## Commands and exit codes'));
    for (const code of Object.values(EXIT)) expect(summary).toContain(`**${code}**`);
  });

  it.each([
    [['run', 'done.json', '--frobnicate'], /^error: unknown option '--frobnicate'\n/],
    [['resume'], /^error: missing required argument 'sweep-dir'\n/],
    [['run', 'missing.json'], /^finesweep: missing\.json: file not found\n$/],
    [['validate', 'missing.json'], /^finesweep: missing\.json: file not found\n$/],
    [['run', 'done.json', '--workers', '0'], /^finesweep: --workers: expected a whole number >= 1, got "0"\n$/],
    [['run', 'done.json', '--backend', 'tpu'], /^finesweep: --backend: expected one of auto, tensorflow-gpu, tensorflow, wasm, cpu, got "tpu"\n$/],
    [['resume', 'results/done', '--workers', '0'], /^finesweep: --workers: expected a whole number >= 1, got "0"\n$/],
    [['report', 'results/done', '--format', 'xml'], /^finesweep: --format: expected one of table, md, csv, json, html, got "xml"\n$/],
    [['report', 'results/done', '--top', '0'], /^finesweep: --top: expected a whole number >= 1, got "0"\n$/],
    [['report', 'results/nothing'], /^finesweep: not a sweep directory: results\/nothing \(it does not exist\)\n$/],
  ])('finesweep %j: exit 2, one line naming the problem, nothing on disk changed', async (args, stderr) => {
    const before = snapshot(dir);
    const r = await run(args, dir);
    expect(r.code).toBe(EXIT.badInput);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(stderr);
    expect(r.stderr).not.toMatch(STACK);
    expect(snapshot(dir)).toEqual(before);
  });

  it('a bad spec: one line per problem, each naming the file, line, column and field; no sweep directory made', async () => {
    const spec = JSON.parse(readFileSync(join(dir, 'done.json'), 'utf8')) as { name: string; task: { data: Record<string, unknown> }; parameters: Record<string, unknown>; resources: Record<string, unknown> };
    spec.name = 'bad';
    spec.task.data.max_lenght = 32; // a typo of max_length
    spec.parameters.learning_rate = { values: [-1, 1e-3] };
    spec.resources.workers = 0;
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(spec, null, 2));
    const before = snapshot(dir);
    const r = await run(['run', 'bad.json'], dir);
    expect(r.code).toBe(EXIT.badInput);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(STACK);
    const lines = r.stderr.trimEnd().split('\n').map((l) => l.replace(/^finesweep: /, ''));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^bad\.json:\d+:\d+: \/task\/data\/max_lenght: unknown key "max_lenght" \(did you mean "max_length"\?\)$/);
    expect(lines[1]).toMatch(/^bad\.json:\d+:\d+: \/parameters\/learning_rate\/values\/0: .*-1/);
    expect(lines[2]).toMatch(/^bad\.json:\d+:\d+: \/resources\/workers: .*0/);
    expect(existsSync(join(dir, 'results', 'bad'))).toBe(false);
    expect(snapshot(dir)).toEqual(before);
  });

  it('a missing data file: exit 2 naming the field and the file before any sweep directory exists; once the file is there, run completes the sweep', async () => {
    writeSweep(dir, { name: 'nodata', learning_rate: [1e-3], workers: 1 });
    const spec = JSON.parse(readFileSync(join(dir, 'nodata.json'), 'utf8')) as { task: { data: { train: string } } };
    spec.task.data.train = 'later.jsonl';
    writeFileSync(join(dir, 'nodata.json'), JSON.stringify(spec, null, 2));
    const nodataDir = join(dir, 'results', 'nodata');
    const r = await run(['run', 'nodata.json'], dir);
    expect(r.code).toBe(EXIT.badInput);
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe(`finesweep: nodata.json: /task/data/train: file ${join(dir, 'later.jsonl')} does not exist`);
    expect(existsSync(nodataDir)).toBe(false);

    copyFileSync(join(dir, 'spam.jsonl'), join(dir, 'later.jsonl'));
    const again = await run(['run', 'nodata.json'], dir);
    expect(again.code).toBe(EXIT.ok);
    expect(ofType(journal(nodataDir), 'trial_completed')).toHaveLength(1);
  });

  it('a data file with a broken JSON line: the sweep stops at once with exit 2, naming the file and line, and the trial is not retried', async () => {
    writeSweep(dir, { name: 'broken', learning_rate: [1e-3, 3e-3], workers: 1 });
    const spec = JSON.parse(readFileSync(join(dir, 'broken.json'), 'utf8')) as { task: { data: { train: string } }; resources: Record<string, unknown> };
    spec.task.data.train = 'broken.jsonl';
    spec.resources.max_retries = 2;
    writeFileSync(join(dir, 'broken.json'), JSON.stringify(spec, null, 2));
    const lines = readFileSync(join(dir, 'spam.jsonl'), 'utf8').split('\n');
    lines[6] = '{"text": "cut short';
    writeFileSync(join(dir, 'broken.jsonl'), lines.join('\n'));
    const r = await run(['run', 'broken.json'], dir);
    expect(r.code).toBe(EXIT.badInput);
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stderr).toMatch(/broken\.jsonl:7/);
    expect(r.stderr + r.stdout).not.toMatch(/will retry/);
    const events = journal(join(dir, 'results', 'broken'));
    expect(ofType(events, 'trial_started')).toHaveLength(1);
    expect(ofType(events, 'trial_failed')).toEqual([expect.objectContaining({ attempt: 1, bad_input: true })]);
  });
});
