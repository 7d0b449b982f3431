// `finesweep data` and `finesweep validate`'s dataset check as a user runs them: the built CLI on
// real files (npm run build first; npm test does it).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'finesweep-data-'));
const STACK = /\n\s+at /;

function finesweep(...args: string[]) {
  return spawnSync(process.execPath, [resolve('bin/finesweep.js'), ...args], { encoding: 'utf8', cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
}

function jsonl(name: string, rows: unknown[], tail = ''): string {
  writeFileSync(join(dir, name), rows.map((r) => `${JSON.stringify(r)}\n`).join('') + tail);
  return name;
}

const rows = (n: number, label: (i: number) => unknown) =>
  Array.from({ length: n }, (_, i) => ({ text: `message ${i} about the topic number ${i * 7} and item ${i * 13} in the list`, label: label(i) }));

describe('finesweep data', () => {
  it('checks the shipped spam set: the main job\'s truncation and near-duplicate leakage, exit 0', () => {
    const r = finesweep('data', resolve('sweeps/data/spam.jsonl'), '--split', '0.2', '--seed', '42', '--max-examples', '1200', '--format', 'json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as { train: { count: number }; findings: Array<{ code: string; severity: string; message: string; examples: string[]; advice: string }> };
    expect(report.train.count).toBe(960);
    const cut = report.findings.find((f) => f.code === 'truncated_train')!;
    expect(cut.severity).toBe('warning');
    expect(cut.message).toMatch(/^train: 955 of 960 texts \(99\.5 %\) exceed the 64-token context/);
    for (const f of report.findings) {
      expect(f.examples.length).toBeLessThanOrEqual(5);
      expect(f.advice).not.toContain('\n');
    }
  });

  it('refuses labels of mixed JSON types: the report on stdout, one line on stderr, exit 2', () => {
    const file = jsonl('mixed.jsonl', rows(60, (i) => [1, '1', true, 0][i % 4]));
    const r = finesweep('data', file);
    expect(r.status).toBe(2);
    expect(r.stdout).toMatch(/^ERROR +labels of 3 JSON types \(.*\); the first label is a number, mixed\.jsonl:2 has the string "1" \[mixed_label_types\]$/m);
    expect(r.stderr).toMatch(/^finesweep: mixed\.jsonl: 1 data error\(s\): labels of 3 JSON types/);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(STACK);
    expect(finesweep('data', file, '--coerce-labels').status).toBe(0);
  });

  it('exits 1 on warnings with --strict, 0 without', () => {
    const file = jsonl('small.jsonl', rows(40, (i) => (i % 2 ? 'a' : 'b')));
    expect(finesweep('data', file).status).toBe(0);
    const strict = finesweep('data', file, '--strict');
    expect(strict.status).toBe(1);
    expect(strict.stderr).toMatch(/^finesweep: small\.jsonl: \d+ data warning\(s\) \(--strict\)\n$/);
  });

  it('refuses unreadable input with the reader\'s one line: a broken JSON line, invalid UTF-8, a bad flag', () => {
    const broken = jsonl('broken.jsonl', rows(10, (i) => i % 2), '{not json\n');
    const r = finesweep('data', broken);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^finesweep: broken\.jsonl:11: not a JSON line/);
    writeFileSync(join(dir, 'latin1.jsonl'), Buffer.concat([Buffer.from('{"text":"caf'), Buffer.from([0xe9]), Buffer.from('","label":"a"}\n')]));
    expect(finesweep('data', 'latin1.jsonl').stderr).toBe('finesweep: latin1.jsonl:1: not valid UTF-8\n');
    expect(finesweep('data', broken, '--split', '2').stderr).toMatch(/^finesweep: --split: expected a fraction between 0 and 1/);
    expect(finesweep('data', broken, '--validation', 'x.jsonl', '--split', '0.1').stderr).toBe('finesweep: --validation and --split: give one, not both\n');
  });

  it('writes Markdown with one row per finding', () => {
    const file = jsonl('dups.jsonl', [...rows(60, (i) => i % 2), ...rows(6, (i) => i % 2)]);
    const r = finesweep('data', file, '--format', 'md', '--model', resolve('models/base'));
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\| severity \| finding \| count \| what \| where \| advice \|$/m);
    expect(r.stdout).toMatch(/^\| warning \| exact_duplicates_train \| \d+ \|/m);
  });
});

describe('finesweep validate runs the dataset check', () => {
  const spec = (train: string) => ({
    name: 'checked',
    task: { type: 'classification', model: resolve('models/base'), data: { train } },
    parameters: { learning_rate: { value: 1e-3 }, batch_size: { value: 8 }, epochs: { value: 1 } },
  });

  it('refuses a spec whose data has an error finding, and --no-data skips the check', () => {
    jsonl('mixed2.jsonl', rows(60, (i) => [1, '1', 0, '0'][i % 4]));
    writeFileSync(join(dir, 'mixed.json'), JSON.stringify(spec('mixed2.jsonl')));
    const r = finesweep('validate', 'mixed.json');
    expect(r.status).toBe(2);
    expect(r.stdout.split('\n')[0]).toBe('data errors: mixed.json');
    expect(r.stderr).toMatch(/^finesweep: mixed\.json: data: labels of 2 JSON types \(number 30, string 30\); the first label is a number, mixed2\.jsonl:2 has the string "1"\n$/);
    const skip = finesweep('validate', 'mixed.json', '--no-data');
    expect(skip.status).toBe(0);
    expect(skip.stdout).not.toContain('data check');
  });

  it('prints the findings of clean-enough data under the summary and says ok', () => {
    jsonl('ok.jsonl', rows(200, (i) => (i % 2 ? 'a' : 'b')));
    writeFileSync(join(dir, 'ok.json'), JSON.stringify(spec('ok.jsonl')));
    const r = finesweep('validate', 'ok.json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('ok: ok.json');
    expect(r.stdout).toMatch(/\ndata check \(classification, context 64 tokens\)\n {2}train ok\.jsonl: 160 examples/);
  });
});
