// The live progress display rendered into fake terminals of several widths: every line of the live
// block fits, steps count within the epoch, and the ETA is "…" until it can be estimated, never negative.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { describeParams, ProgressDisplay, truncateMiddle, truncationWarning } from '../../src/cli/progress.js';
import type { JournalEvent, JournalEventBody } from '../../src/store/events.js';
import type { SweepProgress } from '../../src/sweep/options.js';

/** A terminal of `columns` columns: records what is written; `screen()` replays cursor-up + clear. */
class FakeTerminal extends Writable {
  text = '';
  readonly isTTY = true;
  constructor(readonly columns: number) {
    super();
  }
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += String(chunk);
    done();
  }
  /** Every live block drawn, as its lines: each clear (cursor up N lines, erase below) says how
   * many lines the block before it had; printed lines above a block are not part of it. */
  liveBlocks(): string[][] {
    const parts = this.text.split(/\x1b\[(\d+)A\x1b\[0J/);
    const blocks: string[][] = [];
    for (let k = 0; k + 1 < parts.length; k += 2) {
      const lines = parts[k].split('\n').filter(Boolean);
      blocks.push(lines.slice(lines.length - Number(parts[k + 1])));
    }
    return blocks;
  }
}

let seq = 0;
const journal = (body: JournalEventBody): SweepProgress => ({ type: 'journal', event: { ...body, seq: ++seq, time: '2026-01-01T00:00:00Z' } as JournalEvent });
const params = { learning_rate: 0.00031622776601683794, batch_size: 32, epochs: 3, weight_decay: 0.01, warmup_ratio: 0.1 };

/** A sweep of 12 trials on two slots, three 50-step epochs each, redrawn at every step. */
async function drive(term: FakeTerminal, clock: { t: number }, hook?: (display: ProgressDisplay) => void): Promise<void> {
  const display = new ProgressDisplay(term, { now: () => clock.t, redrawMs: 0 });
  const p = display.onProgress;
  const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 1));
  p({ type: 'plan', dir: 'results/spam-grid', name: 'spam-grid', total: 12, done: 0, slots: [{ id: 0 }, { id: 1 }], resumed: false, metric: 'val_accuracy' });
  for (const slot of [0, 1]) {
    p(journal({ type: 'trial_started', trial_id: `t00${slot}-1a2b3c4d`, index: slot, params, slot, attempt: 1, from_epoch: 0 }));
  }
  await settle();
  for (let step = 1; step <= 150; step += 7) {
    clock.t += 700;
    const epoch = Math.ceil(step / 50);
    for (const slot of [0, 1]) {
      p({ type: 'trial', trialId: `t00${slot}-1a2b3c4d`, slot, params, event: { type: 'step', epoch, step, stepsPerEpoch: 50, loss: 0.693 - step / 1000 } });
    }
    if (step % 50 < 7 && step > 7) {
      p(journal({ type: 'epoch_ended', trial_id: 't000-1a2b3c4d', metrics: { epoch: epoch - 1, train_loss: 0.5, val_loss: 0.45, val_accuracy: 0.8123, seconds: 35 } }));
    }
    await settle();
  }
  hook?.(display);
  p(journal({ type: 'trial_completed', trial_id: 't000-1a2b3c4d', seconds: 105 }));
  await settle();
  display.finish();
}

describe('live progress in a terminal', () => {
  it.each([60, 80, 120, 200])('at %i columns, every line of the live block fits and the bar stays on one line', async (columns) => {
    const term = new FakeTerminal(columns);
    await drive(term, { t: 0 });
    const blocks = term.liveBlocks();
    expect(blocks.length).toBeGreaterThan(10);
    for (const block of blocks) {
      for (const line of block) expect([...line].length, line).toBeLessThan(columns);
      // The bar is one line: done/total, elapsed and ETA together.
      expect(block.filter((l) => / trials, /.test(l))).toHaveLength(1);
    }
    const bars = blocks.flat().filter((l) => / trials, /.test(l));
    expect(bars.some((l) => /^\[[#.]+\] \d+\/12 trials, /.test(l))).toBe(true);
  });

  it('counts steps within the epoch and never shows a negative ETA', async () => {
    const term = new FakeTerminal(200);
    await drive(term, { t: 0 });
    const slotLines = term.liveBlocks().flat().filter((l) => l.startsWith('  slot 0 '));
    const steps = slotLines.map((l) => /epoch (\d)\/3 step (\d+)\/50/.exec(l)).filter((m) => m !== null);
    expect(steps.length).toBeGreaterThan(10);
    for (const m of steps) expect(Number(m![2])).toBeLessThanOrEqual(50);
    // Trial step 148 is step 48 of epoch 3.
    expect(slotLines.some((l) => l.includes('epoch 3/3 step 48/50'))).toBe(true);
    for (const l of term.liveBlocks().flat()) expect(l).not.toMatch(/ETA -/);
    // Before the second step there is nothing to estimate from: "…"; after it, a time.
    expect(slotLines[0]).toMatch(/ETA …$/);
    expect(slotLines.at(-1)).toMatch(/ETA \d+\.\d s$/);
    // The sweep's ETA waits for a finished trial.
    expect(term.liveBlocks()[0].at(-1)).toMatch(/0\/12 trials, 0\.0 s ETA …$/);
  });

  it('estimates a max_steps trial without epochs: its budget in steps, and the epochs it enters', async () => {
    const term = new FakeTerminal(200);
    const clock = { t: 0 };
    const display = new ProgressDisplay(term, { now: () => clock.t, redrawMs: 0 });
    const p = display.onProgress;
    const stepParams = { learning_rate: 0.001, max_steps: 120 };
    p({ type: 'plan', dir: 'results/steps', name: 'steps', total: 1, done: 0, slots: [{ id: 0 }], resumed: false, metric: 'val_loss' });
    p(journal({ type: 'trial_started', trial_id: 't000-5e5e5e5e', index: 0, params: stepParams, slot: 0, attempt: 1, from_epoch: 0 }));
    for (const step of [1, 11, 21]) {
      clock.t += 1000;
      p({ type: 'trial', trialId: 't000-5e5e5e5e', slot: 0, params: stepParams, event: { type: 'step', epoch: 1, step, stepsPerEpoch: 50, loss: 0.5 } });
      await new Promise((r) => setTimeout(r, 1));
    }
    const lines = term.liveBlocks().flat().filter((l) => l.startsWith('  slot 0 '));
    // At step 11: 10 steps in 1 s since the first one seen, 109 to go: 10.9 s; 120 steps of 50 enter 3 epochs.
    const at11 = lines.find((l) => l.includes('step 11/50'));
    expect(at11, lines.join('\n')).toMatch(/epoch 1\/3 step 11\/50 .*ETA 10\.9 s$/);
    display.finish();
  });

  it('keeps the start and end of a slot line that is too wide', async () => {
    const term = new FakeTerminal(60);
    await drive(term, { t: 0 });
    const slot = term.liveBlocks().flat().find((l) => l.startsWith('  slot 1 '))!;
    expect(slot).toContain('…');
    expect(slot).toMatch(/ETA (…|\d+\.\d s)$/);
    expect(term.liveBlocks().at(-1)!.at(-1)).toMatch(/1\/12 trials, /);
  });
});

describe('pieces of the display', () => {
  it('truncates the middle to exactly the width', () => {
    expect(truncateMiddle('abcdefghij', 20)).toBe('abcdefghij');
    expect(truncateMiddle('abcdefghij', 5)).toBe('ab…ij');
    expect([...truncateMiddle('x'.repeat(300), 59)]).toHaveLength(59);
  });

  it("names a trial by the engine's short labels, or by a command program's own parameters", () => {
    expect(describeParams({ learning_rate: 0.001, batch_size: 16, epochs: 3 })).toBe('lr 1e-3 batch 16 epochs 3');
    expect(describeParams({ lr: 0.01, epochs: 4 })).toBe('lr 0.01 epochs 4');
    expect(describeParams({ rank: 8, lr: 0.01, alpha: 16, dropout: 0.1 })).toBe('alpha 16 dropout 0.1 lr 0.01');
    expect(describeParams({ learning_rate: 0.01, rank: 4, max_steps: 60 })).toBe('max_steps 60 rank 4 lr 1e-2');
    expect(describeParams({ rank: 8 })).not.toMatch(/undefined/);
  });

  it('says truncation once per sweep, with its share, and not again in each trial\'s data line', () => {
    const out = new FakeTerminal(80);
    const display = new ProgressDisplay(out, { now: () => 0, redrawMs: 0, live: false });
    display.onProgress({ type: 'plan', dir: 'results/x', name: 'x', total: 2, done: 0, slots: [{ id: 0 }], resumed: false, metric: 'val_accuracy' });
    const split = (file: string, count: number, truncated: number) => ({ file, count, emptyTexts: 0, duplicates: 0, truncated });
    for (const id of ['t000-1a2b3c4d', 't001-1a2b3c4d']) {
      const report = {
        train: split('train.jsonl', 960, 955),
        validation: split('train.jsonl', 240, 240),
        leakage: { count: 0, examples: [] },
        warnings: ['train: 955 text(s) longer than the context were truncated', 'validation: 240 text(s) longer than the context were truncated', 'train: 3 exact duplicate(s) (normalized text)'],
      };
      display.onProgress(journal({ type: 'data_report', trial_id: id, backend: 'wasm', report }));
    }
    expect(out.text.match(/longer than the (model's )?context/g)).toHaveLength(1);
    expect(out.text).toContain('train 955 of 960 (99.5 %), validation 240 of 240 (100.0 %)');
    // The trial's other warnings stay on its line.
    expect(out.text.match(/t00\d-1a2b3c4d data: 960 train, 240 validation, backend wasm; train: 3 exact duplicate/g)).toHaveLength(2);
  });

  it('says the share of truncated texts, once', () => {
    expect(truncationWarning(960, 0, 240, 0)).toBeUndefined();
    expect(truncationWarning(960, 955, 240, 239)).toBe(
      "warning: texts longer than the model's context are truncated: train 955 of 960 (99.5 %), validation 239 of 240 (99.6 %); the model sees only their start (finesweep data <file> for details)",
    );
  });
});
