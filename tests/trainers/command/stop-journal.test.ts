// The cooperative stop through the run loop: ASHA stops a worse trial of a Python program that
// reads its stop file (finesweep.HFCallback, driven as transformers' Trainer drives it); the
// program saves and exits 0, and the journal's stop event says the stop file ended it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runSweep } from '../../../src/sweep/session.js';
import { PYTHON } from '../../examples/python.js';
import { journal, ofType } from '../../sweep/sweep-helpers.js';
import { tempDir } from './helpers.js';

const DRIVER = fileURLToPath(new URL('../../fixtures/python/drive_hf_callback.py', import.meta.url));

describe('a stop that the program hears', () => {
  it('ASHA stops the worse trial: it saves at its next step and exits 0; the journal says ended_by stop_file', async () => {
    const dir = tempDir('finesweep-stop-');
    const spec = join(dir, 'spec.json');
    writeFileSync(
      spec,
      JSON.stringify({
        name: 'stop',
        task: { type: 'command', command: [PYTHON, DRIVER], stop_grace_s: 120 },
        // One slot: the better trial (higher learning rate, lower loss) runs first and completes; the
        // worse one, after its evaluation at step 6 (epoch 1.5, past rung 1), waits for its stop file.
        parameters: {
          behaviour: { values: [JSON.stringify({ learning_rate: 0.5 }), JSON.stringify({ learning_rate: 0.01, wait_for_stop_at: 6 })] },
          max_steps: { value: 24 },
          steps_per_epoch: { value: 4 },
          eval_steps: { value: 3 },
        },
        objective: { metric: 'val_loss', goal: 'minimize' },
        early_stopping: { type: 'asha', min_epochs: 1, reduction_factor: 2 },
        resources: { gpus: 0, workers: 1 },
      }),
    );
    const out = await runSweep(spec, { resultsDir: join(dir, 'results') });
    const events = journal(out.dir);
    expect(ofType(events, 'trial_completed')).toHaveLength(1);
    const stopped = ofType(events, 'trial_stopped_early');
    expect(stopped).toHaveLength(1);
    expect(stopped[0]!.ended_by).toBe('stop_file');
    expect(stopped[0]!.reason).toMatch(/\(it saved and exited [\d.]+ s after its stop file\)$/);
    const evaluations = ofType(events, 'epoch_ended').filter((e) => e.trial_id === stopped[0]!.trial_id);
    expect(evaluations.map((e) => [e.metrics.step, e.metrics.epoch])).toEqual([[3, 0.75], [6, 1.5]]);
  });
});
