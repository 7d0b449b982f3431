// export and predict through the compiled CLI (`npm run build` first): a small real sweep, its best
// trial exported, predict on that trial's validation split giving back its best val_accuracy
// exactly; and the bad inputs, each one line and exit 2.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSplit } from '../../src/engine/data/dataset.js';
import { deriveSeed } from '../../src/rng.js';
import { run, STACK, workspace, writeSweep } from './helpers.js';

let dir: string;
let exported: Awaited<ReturnType<typeof run>>;

beforeAll(async () => {
  dir = workspace(25);
  writeSweep(dir, { name: 'ep', learning_rate: [1e-3, 3e-3], batch_size: [16], epochs: [1] });
  const r = await run(['run', 'ep.json'], dir);
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(/\ndisk: [\d.]+ [kM]?B in results\/ep \(kept weights of 2 trials: /);
  exported = await run(['export', 'results/ep', '--out', 'model'], dir);
});

function lines(text: string): unknown[] {
  return text.trim().split('\n').map((l) => JSON.parse(l) as unknown);
}

describe('export and predict', () => {
  it('export writes the best trial; predict on its validation split reproduces its best val_accuracy', async () => {
    const report = await run(['report', 'results/ep', '--format', 'json'], dir);
    const best = (JSON.parse(report.stdout) as { rows: Array<{ rank?: number; id: string; best: { value: number } }> }).rows.find((r) => r.rank === 1)!;
    const e = exported;
    expect(e.code).toBe(0);
    expect(e.stdout).toMatch(new RegExp(`^exported trial ${best.id} \\(`));
    // The validation split every trial was scored on: the sweep's data seed, the spec's split.
    const validation = loadSplit({ train: join(dir, 'spam.jsonl'), split: 0.2, textField: 'text', labelField: 'label', seed: deriveSeed(5, 'data') }, 'classification', 0).validation;
    writeFileSync(join(dir, 'val.jsonl'), validation.map((v) => JSON.stringify({ text: v.text })).join('\n') + '\n');
    const p = await run(['predict', 'model', 'val.jsonl'], dir);
    expect(p.code).toBe(0);
    const predictions = lines(p.stdout) as Array<{ label: string; probabilities: Record<string, number> }>;
    expect(predictions).toHaveLength(validation.length);
    const correct = predictions.filter((x, i) => x.label === validation[i].label).length;
    expect(correct / validation.length).toBe(best.best.value);
    const one = await run(['predict', 'model', '--text', 'WIN a FREE prize now', '--format', 'csv'], dir);
    expect(one.stdout).toMatch(/^label,p_ham,p_spam\n(ham|spam),0\.\d+,0\.\d+\n$/);
  });

  it.each([
    [['export', 'results/ep', '--trial', 'nope', '--out', 'm2'], /^finesweep: --trial: no trial "nope" in results\/ep \(its trials: t000-/],
    [['export', 'results/ep', '--out', '.'], /^finesweep: --out: .* is a non-empty directory that is not an exported model/],
    [['predict', 'results', 'val.jsonl'], /^finesweep: .*results: not an exported model directory \(no task\.json/],
    [['predict', 'model', 'val.jsonl', '--text-field', 'body'], /^finesweep: val\.jsonl:1: missing text field 'body'\n$/],
    [['predict', 'model', 'missing.jsonl'], /^finesweep: missing\.jsonl: cannot read data file \(ENOENT\)\n$/],
    [['predict', 'model', '--text', 'x', '--generate', '5'], /^finesweep: --generate: model is a classification model/],
  ])('refuses %j in one line, exit 2', async (args, message) => {
    const r = await run(args, dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(STACK);
  });
});
