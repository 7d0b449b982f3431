// An out-of-memory trial retried smaller: the pure rule (sweep/oom.ts), then a real sweep through
// the built CLI whose Python program fails the way PyTorch does above a batch size (or is killed
// by SIGKILL, as by the kernel's OOM killer) and completes below it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { attemptParams, decideFailure, halved, shapeOfParams } from '../../src/sweep/oom.js';
import { run } from '../e2e/helpers.js';
import { tempDir } from '../pool/helpers.js';
import { journal, ofType } from './sweep-helpers.js';

const OOM = { outOfMemory: true, input: false };
const OTHER = { outOfMemory: false, input: false };

describe('the out-of-memory rule', () => {
  it('halves the batch and doubles grad_accum, keeping the effective batch, down to batch 1', () => {
    const shapes = [shapeOfParams({ batch_size: 16, learning_rate: 0.1 })!];
    for (let next = halved(shapes[0]!); next; next = halved(next)) shapes.push(next);
    expect(shapes.map((s) => [s.batch_size, s.grad_accum])).toEqual([[16, 1], [8, 2], [4, 4], [2, 8], [1, 16]]);
    expect(shapes.every((s) => s.batch_size * s.grad_accum === 16)).toBe(true);
    // An odd batch rounds up: the effective batch never shrinks.
    expect(halved({ batch_size: 3, grad_accum: 2 })).toEqual({ batch_size: 2, grad_accum: 4 });
    // A swept grad_accum is the starting point.
    expect(shapeOfParams({ batch_size: 8, grad_accum: 4 })).toEqual({ batch_size: 8, grad_accum: 4 });
    expect(shapeOfParams({ learning_rate: 0.1 })).toBeUndefined();
  });

  it('retries an OOM smaller beside max_retries; at the floor (or without a batch_size) it uses max_retries', () => {
    const params = { batch_size: 4 };
    expect(decideFailure({ attempt: 1, maxRetries: 0, error: OOM, params, oomRetries: 0 })).toEqual({ willRetry: true, retryWith: { batch_size: 2, grad_accum: 2 } });
    expect(decideFailure({ attempt: 2, maxRetries: 0, error: OOM, params, retryWith: { batch_size: 2, grad_accum: 2 }, oomRetries: 1 })).toEqual({ willRetry: true, retryWith: { batch_size: 1, grad_accum: 4 } });
    // At batch 1: an ordinary failure, retried while max_retries lasts (the OOM retries not counted).
    const atFloor = { params, retryWith: { batch_size: 1, grad_accum: 4 }, oomRetries: 2 };
    expect(decideFailure({ attempt: 3, maxRetries: 0, error: OOM, ...atFloor })).toEqual({ willRetry: false });
    expect(decideFailure({ attempt: 3, maxRetries: 1, error: OOM, ...atFloor })).toEqual({ willRetry: true });
    expect(decideFailure({ attempt: 4, maxRetries: 1, error: OOM, ...atFloor })).toEqual({ willRetry: false });
    // Another failure after an OOM retry keeps the smaller shape (no retry_with) and spends max_retries.
    expect(decideFailure({ attempt: 2, maxRetries: 1, error: OTHER, params, retryWith: { batch_size: 2, grad_accum: 2 }, oomRetries: 1 })).toEqual({ willRetry: true });
    expect(decideFailure({ attempt: 1, maxRetries: 1, error: OOM, params: { learning_rate: 0.1 }, oomRetries: 0 })).toEqual({ willRetry: true });
    // Bad input is never retried, out of memory or not.
    expect(decideFailure({ attempt: 1, maxRetries: 3, error: { outOfMemory: true, input: true }, params, oomRetries: 0 })).toEqual({ willRetry: false });
  });

  it("an attempt's params carry the smaller shape; the spec's stay as they were", () => {
    const spec = { batch_size: 32, learning_rate: 0.01 };
    expect(attemptParams(spec, { batch_size: 8, grad_accum: 4 })).toEqual({ batch_size: 8, grad_accum: 4, learning_rate: 0.01 });
    expect(spec).toEqual({ batch_size: 32, learning_rate: 0.01 });
    expect(attemptParams(spec, undefined)).toBe(spec);
  });
});

const PROGRAM = fileURLToPath(new URL('../fixtures/oom/train.py', import.meta.url));

describe('a command sweep whose program runs out of memory above batch 8', () => {
  it('retries it at 16×2, then 8×4, where it completes; the journal, the progress and the leaderboard show it; the params ranked are the spec\'s', async () => {
    const dir = tempDir('finesweep-oom-');
    const spec = {
      name: 'oom',
      seed: 1,
      task: { type: 'command', command: ['/usr/bin/python3', PROGRAM, '--batch-size', '{batch_size}', '--grad-accum', '{grad_accum}', '--fits', '8', '--mode', '{mode}', '--epochs', '{epochs}'] },
      parameters: { batch_size: { values: [32, 8] }, mode: { values: ['cuda', 'killed'] }, epochs: { value: 2 } },
      // No ordinary retries: the smaller attempts are beside max_retries.
      resources: { gpus: 0, workers: 2, max_retries: 0 },
    };
    writeFileSync(join(dir, 'oom.json'), JSON.stringify(spec, null, 2));
    const r = await run(['run', 'oom.json'], dir);
    expect(r.stderr).toMatch(/will retry at batch_size 16, grad_accum 2/);
    expect(r.code).toBe(0);
    const sweepDir = join(dir, 'results', 'oom');
    const events = journal(sweepDir);
    expect(ofType(events, 'trial_completed')).toHaveLength(4);
    const started = ofType(events, 'trial_started');
    const big = started.filter((s) => s.params.batch_size === 32 && s.attempt === 1);
    expect(big).toHaveLength(2);
    for (const { trial_id: id, params } of big) {
      const failed = ofType(events, 'trial_failed').filter((f) => f.trial_id === id);
      expect(failed.map((f) => [f.attempt, f.will_retry, f.out_of_memory, f.retry_with])).toEqual([
        [1, true, true, { batch_size: 16, grad_accum: 2 }],
        [2, true, true, { batch_size: 8, grad_accum: 4 }],
      ]);
      expect(failed[0]!.error).toMatch(params.mode === 'cuda' ? /torch\.cuda\.OutOfMemoryError: CUDA out of memory/ : /killed by SIGKILL, which finesweep did not send: out of memory/);
      // Every attempt is journaled with the spec's params; the program saw the smaller shapes, in argv and environment.
      expect(started.filter((s) => s.trial_id === id).map((s) => s.params.batch_size)).toEqual([32, 32, 32]);
      const seen = readFileSync(join(sweepDir, 'trials', id, 'attempts.log'), 'utf8').trim().split('\n');
      expect(seen).toEqual(['32 1 1', '16 2 2', '8 4 4']);
    }

    const board = JSON.parse((await run(['report', sweepDir, '--format', 'json'], dir)).stdout) as {
      rows: Array<{ id: string; params: Record<string, unknown>; status: string; oomRetry?: { batch_size: number; grad_accum: number }; best?: { value: number } }>;
    };
    const rows = board.rows.filter((row) => row.params.batch_size === 32);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.status).toBe('completed');
      expect(row.params).toEqual({ batch_size: 32, mode: row.params.mode, epochs: 2 });
      expect(row.oomRetry).toEqual({ batch_size: 8, grad_accum: 4 });
      // The program's loss depends on the effective batch: 32 both ways.
      expect(row.best!.value).toBeCloseTo(1 / 3 + 0.032, 6);
    }
    for (const row of board.rows.filter((x) => x.params.batch_size === 8)) expect(row.oomRetry).toBeUndefined();
    const table = await run(['report', sweepDir, '--format', 'table'], dir);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('completed (oom→bs 8×4)');
  });
});
