// `finesweep validate` and `finesweep plan` as a user runs them: a spawned process on real files.
// Needs `npm run build` first (npm test does it).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'finesweep-cli-'));
function finesweep(...args: string[]) {
  return spawnSync(process.execPath, ['bin/finesweep.js', ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}
function specFile(name: string, spec: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof spec === 'string' ? spec : JSON.stringify(spec, null, 2));
  return path;
}
const base = {
  name: 'cli',
  task: { type: 'classification', model: 'm', data: { train: 't.jsonl' } },
  parameters: { learning_rate: { values: [1e-4, 1e-3] }, batch_size: { values: [8, 16, 32] }, epochs: { value: 1 } },
};
const noStack = /\n\s+at /;

describe('finesweep validate', () => {
  it.each(['spam-grid.json', 'spam-random.yaml', 'domain-lm.json', 'transfer-methods.json', 'spam-pytorch.json', 'spam-lora.json', 'spam-shots.json'])(
    'accepts sweeps/%s with "ok" and a summary',
    (f) => {
      const r = finesweep('validate', `sweeps/${f}`);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout.split('\n')[0]).toBe(`ok: sweeps/${f}`);
      expect(r.stdout).toMatch(/\n {2}name {6}\S+/);
      expect(r.stdout).toMatch(/\n {2}trials {4}\d+/);
    },
  );

  it('prints every problem on its own line, with its line and column, and exits 2, without a stack trace', () => {
    const path = specFile(
      'bad.yaml',
      [
        'name: bad',
        'seed: -3',
        'task:',
        '  type: classification',
        '  model: m',
        '  methd: head',
        '  data: { train: t.jsonl }',
        'parameters:',
        '  learning_rate: { values: [1.0e-4, 1.0e-3] }',
        '  batch_size: { values: [8, 16] }',
        '  epochs: { value: 0 }',
        'objective: { metric: val_perplexity }',
      ].join('\n'),
    );
    const r = finesweep('validate', path);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(noStack);
    const lines = r.stderr.trimEnd().split('\n').map((l) => l.replace(/^finesweep: /, ''));
    expect(lines).toEqual([
      `${path}:2:7: /seed: must be >= 0, got -3`,
      `${path}:6:3: /task/methd: unknown key "methd" (did you mean "method"?)`,
      `${path}:11:20: /parameters/epochs/value: epochs must be an integer >= 1, got 0`,
      `${path}:12:22: /objective/metric: val_perplexity needs task type "causal-lm"; a "classification" task cannot produce it`,
    ]);
  });

  it('names the line and column of a YAML syntax error', () => {
    const path = specFile('broken.yaml', 'name: x\ntask: [unclosed\n');
    const r = finesweep('validate', path);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^finesweep: ${path}:\\d+:\\d+: invalid YAML: `));
    expect(r.stderr).not.toMatch(noStack);
  });

  it('names a missing file', () => {
    const r = finesweep('validate', join(dir, 'missing.json'));
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`finesweep: ${join(dir, 'missing.json')}: file not found\n`);
  });

  it('has --help with an example', () => {
    const r = finesweep('validate', '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('$ finesweep validate sweeps/spam-grid.json');
  });
});

describe('finesweep plan', () => {
  it('prints the grid as a table whose count is the product of the value counts', () => {
    const r = finesweep('plan', 'sweeps/spam-grid.json');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/│ #\s+│ id\s+│ learning_rate │ batch_size │ epochs │/);
    expect(r.stdout).toMatch(/│ 0\s+│ t000-[0-9a-f]{8} │ 1e-6\s+│ 16\s+│ 1\s+│/);
    const rows = r.stdout.split('\n').filter((l) => /^│ \d+/.test(l));
    expect(rows).toHaveLength(3 * 2 * 2);
    expect(r.stdout).toContain('\n12 trials (grid)\n');
  });

  it('prints the same random trials every time', () => {
    const a = finesweep('plan', 'sweeps/spam-random.yaml');
    const b = finesweep('plan', 'sweeps/spam-random.yaml');
    expect(a.status).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toContain('12 trials (random)');
  });

  it('prints JSON for machines with --json', () => {
    const r = finesweep('plan', 'sweeps/transfer-methods.json', '--json');
    expect(r.status).toBe(0);
    const plan = JSON.parse(r.stdout) as { count: number; specHash: string; trials: Array<{ params: Record<string, unknown> }> };
    expect(plan.count).toBe(8);
    expect(plan.specHash).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(plan.trials.map((t) => t.params.method))).toEqual(new Set(['head', 'top_k', 'full', 'lora']));
  });

  it('refuses a grid over 10,000 trials, naming its size and --max-trials, and runs it when allowed', () => {
    const values = (n: number) => ({ values: Array.from({ length: n }, (_, i) => i + 1) });
    const path = specFile('huge.json', { ...base, parameters: { learning_rate: { values: [1e-4, 1e-3] }, batch_size: values(101), epochs: values(50) } });
    const r = finesweep('plan', path);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      `finesweep: ${path}: /parameters: the grid has 10,100 trials, more than the limit of 10,000; pass --max-trials 10100 to run it anyway, or use strategy "random"\n`,
    );
    const ok = finesweep('plan', path, '--json', '--max-trials', '10100');
    expect(ok.status).toBe(0);
    expect((JSON.parse(ok.stdout) as { count: number }).count).toBe(10_100);
  });

  it('refuses a --max-trials that is not a positive integer', () => {
    const r = finesweep('plan', 'sweeps/spam-grid.json', '--max-trials', 'lots');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('finesweep: --max-trials: expected a positive integer, got "lots"\n');
  });

  it('has --help with an example', () => {
    const r = finesweep('plan', '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('$ finesweep plan sweeps/spam-grid.json');
  });
});
