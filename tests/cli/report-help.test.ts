// `finesweep report --help` says in which order a narrow terminal's table leaves columns out: the
// order it says is the order the table really uses, on a leaderboard that has every optional column
// (forgetting measured, a Pareto front, the training report's sizes and kept weights).
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildLeaderboard } from '../../src/report/view/leaderboard.js';
import { renderTable } from '../../src/report/render/table.js';
import { CURVES, dataReport, params, sweep, trial } from '../report/curves.js';

const ROOT = resolve(import.meta.dirname, '../..');

const spec = {
  name: 'narrow',
  task: { type: 'classification' },
  objective: { metric: 'val_loss', goal: 'minimize' },
  parameters: { learning_rate: { values: [1e-5, 3e-4, 1e-3] }, batch_size: { values: [8, 16] }, epochs: { value: 4 } },
};

function state() {
  const curves = [CURVES.healthy, CURVES.overfit, CURVES.improving, CURVES.underfit];
  return sweep(
    Array.from({ length: 6 }, (_, i) =>
      trial(`t00${i}-${(0x10000000 + i).toString(16)}`, curves[i % curves.length]!, {
        params: params([1e-5, 3e-4, 1e-3][i % 3]!, [8, 16][i % 2]!, 4),
        forgetting: { basePerplexity: 100, finalPerplexity: 100 + 7 * i },
        dataReport: { ...dataReport(), training: { method: 'full', trainableParameters: 370_000 + i, totalParameters: 370_000, checkpointBytes: 4_440_000, weightsBytes: 1_480_000, batchSize: 8 } },
      }),
    ),
  );
}

/** The headers the table names as left out at `width`, parameters left out for being constant excepted. */
function leftOut(width: number): string[] {
  const text = renderTable(buildLeaderboard({ spec, state: state() }), { width });
  const said = /^left out to fit \d+ columns: (.*) \(--wide/m.exec(text)?.[1];
  return said === undefined ? [] : said.split(', ').filter((h) => !h.includes(' in every trial)'));
}

describe('finesweep report --help', () => {
  it('names the columns a narrow table leaves out in the order the table leaves them out', () => {
    const r = spawnSync(process.execPath, [resolve(ROOT, 'bin/finesweep.js'), 'report', '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const help = r.stdout.replace(/\s*\n\s*/g, ' ');
    const said = /leaves out, as far as needed and in this order: (.*?) \(of those the sweep has\)/.exec(help)?.[1]?.split(', ');
    expect(said).toBeDefined();
    // The longest list the table gives, narrowing one column at a time, is its whole order.
    let order: string[] = [];
    for (let width = 200; width >= 40; width--) {
      const now = leftOut(width);
      if (now.length > order.length) order = now;
    }
    expect(order).toContain('ppl rise');
    expect(order).toContain('kept');
    expect(said).toEqual(order);
  });
});
