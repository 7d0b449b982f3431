// examples/pytorch/lora_lm.py as a command trial (the real trainer, Debian's python3 with torch):
// LoRA on the base causal LM over the domain text, an evaluation every N steps reported through
// import finesweep, a stop through the stop file (it saves and exits 0, no signal), and a resume
// that continues from its checkpoint after the journaled step.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { commandTrainer } from '../../src/trainers/command/trainer.js';
import type { TrialEvent, TrialResult } from '../../src/trial/types.js';
import { request, tempDir } from '../trainers/command/helpers.js';
import { PYTHON, requireTorch } from './python.js';

const ROOT = resolve(import.meta.dirname, '../..');
// Small for a loaded 2-core machine: 30 texts, 8 steps, an evaluation every 4 over 8 windows.
const TASK = {
  type: 'command' as const,
  command: [PYTHON, 'examples/pytorch/lora_lm.py', '--lr', '{learning_rate}', '--rank', '{lora_rank}', '--max-steps', '{max_steps}', '--eval-every', '4', '--max-examples', '30', '--val-windows', '8', '--batch-size', '8'],
  stop_grace_s: 120,
};

function attempt(dir: string, over: Parameters<typeof request>[1] = {}, onEvent: (e: TrialEvent, stop: AbortController) => void = () => undefined): Promise<TrialResult> {
  const req = request({ learning_rate: 3e-3, lora_rank: 4, max_steps: 8 }, { dir, ...over });
  delete (req.params as Record<string, unknown>).epochs;
  const config = commandTrainer.configure(TASK, req, { specDir: ROOT });
  const stop = new AbortController();
  return commandTrainer.run(config, { signal: stop.signal, onEvent: (e) => onEvent(e, stop) });
}

beforeAll(() => requireTorch());

describe('examples/pytorch/lora_lm.py', () => {
  it('evaluates every 4 steps through import finesweep; stopped, it saves and exits; resumed, it goes on from its checkpoint', async () => {
    const dir = tempDir('fs-lora-');
    const first = await attempt(dir, {}, (e, stop) => e.type === 'epoch' && stop.abort('asha: below rung 0'));
    expect(first.outcome).toBe('stopped');
    expect(first.termination?.endedBy).toBe('stop_file');
    expect(first.epochs.map((m) => m.step)).toEqual([4]);
    const [e4] = first.epochs;
    expect(e4!.epoch).toBeGreaterThan(0);
    expect(e4!.epoch).toBeLessThan(4);
    expect(e4!.val_perplexity).toBeCloseTo(Math.exp(e4!.val_loss as number), 6);
    expect(readFileSync(join(dir, 'output.log'), 'utf8')).toMatch(/stopped at step [45], checkpoint saved/);

    const second = await attempt(dir, { resumeEpoch: e4!.epoch, resumeFrom: e4! });
    expect(second.outcome).toBe('completed');
    expect(second.epochs.map((m) => m.step)).toEqual([8]);
    expect(second.epochs[0]!.epoch).toBeCloseTo(2 * e4!.epoch, 9);
    expect(readFileSync(join(dir, 'output.log'), 'utf8')).toMatch(/resumed at step [45] \(finesweep journaled step 4\)/);
  });
});
