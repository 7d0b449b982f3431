import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ProgressDisplay } from '../../src/cli/progress.js';
import type { JournalEvent, JournalEventBody } from '../../src/store/events.js';
import type { SweepProgress } from '../../src/sweep/options.js';

class Capture extends Writable {
  text = '';
  isTTY: boolean;
  columns = 120;
  constructor(tty: boolean) {
    super();
    this.isTTY = tty;
  }
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += String(chunk);
    done();
  }
}

let seq = 0;
const journal = (body: JournalEventBody): SweepProgress => ({ type: 'journal', event: { ...body, seq: ++seq, time: '2026-01-01T00:00:00Z' } as JournalEvent });
const params = { learning_rate: 0.001, batch_size: 16, epochs: 2 };

function feed(display: ProgressDisplay, clock: { t: number }): void {
  const p = display.onProgress;
  p({ type: 'plan', dir: '/r/s', name: 's', total: 3, done: 1, slots: [{ id: 0 }, { id: 1 }], resumed: true, metric: 'val_accuracy' });
  p(journal({ type: 'trial_started', trial_id: 't1', index: 1, params, slot: 0, attempt: 1, from_epoch: 0 }));
  p(journal({ type: 'trial_started', trial_id: 't2', index: 2, params, slot: 1, attempt: 2, from_epoch: 1 }));
  clock.t += 2000;
  p({ type: 'trial', trialId: 't1', slot: 0, params, event: { type: 'step', epoch: 1, step: 5, stepsPerEpoch: 10, loss: 0.6931 } });
  p(journal({ type: 'epoch_ended', trial_id: 't1', metrics: { epoch: 1, train_loss: 0.6, val_loss: 0.55, val_accuracy: 0.8, seconds: 4 } }));
  clock.t += 2000;
  p(journal({ type: 'trial_completed', trial_id: 't1', seconds: 8 }));
  p(journal({ type: 'trial_failed', trial_id: 't2', attempt: 2, error: 'boom', will_retry: false }));
  p(journal({ type: 'sweep_completed', completed: 2, failed: 1, diverged: 0, stopped_early: 0 }));
  display.finish();
}

describe('sweep progress', () => {
  it('writes one plain line per event without a TTY', () => {
    const out = new Capture(false);
    const clock = { t: 0 };
    feed(new ProgressDisplay(out, { now: () => clock.t }), clock);
    expect(out.text.split('\n').filter(Boolean)).toEqual([
      'resuming sweep s: 3 trials (1 already done), 2 CPU slots, in /r/s',
      '[slot 0] t1 started: lr 1e-3 batch 16 epochs 2',
      '[slot 1] t2 started: lr 1e-3 batch 16 epochs 2 (attempt 2, from epoch 1)',
      't1 epoch 1/2: train_loss 0.6000, val_loss 0.5500, val_accuracy 0.8000 (4.0 s)',
      't1 completed in 8.0 s [2/3]',
      't2 failed (attempt 2): boom [3/3]',
      'sweep s done: 2 completed, 1 failed, 0 diverged, 0 stopped early (4.0 s)',
    ]);
    expect(out.text).not.toContain('\x1b[');
  });

  it('on a TTY draws a line per slot and an overall bar, redrawn in place', async () => {
    const out = new Capture(true);
    const clock = { t: 0 };
    const display = new ProgressDisplay(out, { now: () => clock.t, redrawMs: 0 });
    const p = display.onProgress;
    p({ type: 'plan', dir: '/r/s', name: 's', total: 4, done: 0, slots: [{ id: 0, gpu: 0 }, { id: 1, gpu: 1 }], resumed: false, metric: 'val_loss' });
    p(journal({ type: 'trial_started', trial_id: 't1', index: 0, params, slot: 0, gpu: 0, attempt: 1, from_epoch: 0 }));
    p(journal({ type: 'epoch_ended', trial_id: 't1', metrics: { epoch: 1, train_loss: 0.6, val_loss: 0.55, seconds: 4 } }));
    clock.t += 1000;
    p({ type: 'trial', trialId: 't1', slot: 0, params, event: { type: 'step', epoch: 2, step: 11, stepsPerEpoch: 10, loss: 0.5 } });
    clock.t += 3000;
    p({ type: 'trial', trialId: 't1', slot: 0, params, event: { type: 'step', epoch: 2, step: 14, stepsPerEpoch: 10, loss: 0.45 } });
    // The step redraw is throttled onto a timer: wait for the text it writes.
    await new Promise<void>((resolve) => {
      const check = (): void => (out.text.includes('step 4/10') ? resolve() : void setImmediate(check));
      check();
    });
    expect(out.text).toContain('running sweep s: 4 trials, 2 slots on GPU 0, 1, in /r/s');
    // The engine counts steps across the trial (step 14 is step 4 of epoch 2); 3 steps took 3 s, 6 are left: ETA 6 s.
    expect(out.text).toMatch(/slot 0 t1 lr 1e-3 batch 16 epoch 2\/2 step 4\/10 loss 0\.4500 val_loss 0\.5500 ETA 6\.0 s/);
    expect(out.text).toMatch(/\[\.+\] 0\/4 trials, 4\.0 s/);
    p(journal({ type: 'trial_completed', trial_id: 't1', seconds: 8 }));
    // The live block (slot line + bar) is erased in place, the finished trial printed above, the bar redrawn.
    expect(out.text).toMatch(/\x1b\[2A\x1b\[0Jt1 completed in 8\.0 s \[1\/4\]\n\[#+\.+\] 1\/4 trials, 4\.0 s ETA 12\.0 s/);
    display.finish();
  });
});
