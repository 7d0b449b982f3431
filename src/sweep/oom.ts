// An attempt that ran out of memory is retried smaller: half the batch size, twice the gradient
// accumulation, so the effective batch (batch_size × grad_accum) stays the one the spec asked for.
// Pure, beside willRetry (decide.ts): the journal records each shape (trial_failed.retry_with), so a
// resumed sweep runs the same attempts. The trial's params as ranked stay the spec's.
import type { Params } from '../trial/types.js';
import { willRetry } from './decide.js';

/** The micro-batch and the micro-batches per optimizer step an attempt runs at. */
export interface BatchShape {
  batch_size: number;
  grad_accum: number;
}

/** The smallest batch an out-of-memory retry goes down to; at it, an OOM counts as an ordinary failure. */
export const OOM_MIN_BATCH = 1;

/** The shape of a trial's params (undefined: it has no numeric batch_size, so it cannot be made smaller). */
export function shapeOfParams(params: Params): BatchShape | undefined {
  const b = params.batch_size;
  if (typeof b !== 'number' || !Number.isInteger(b) || b < 1) return undefined;
  const a = params.grad_accum;
  return { batch_size: b, grad_accum: typeof a === 'number' && Number.isInteger(a) && a >= 1 ? a : 1 };
}

/**
 * The next smaller shape: batch halved (rounded up: the effective batch is kept exactly while the
 * batch is even, and never gets smaller), grad_accum doubled. Undefined at the floor.
 */
export function halved(shape: BatchShape, minBatch = OOM_MIN_BATCH): BatchShape | undefined {
  if (shape.batch_size <= minBatch) return undefined;
  return { batch_size: Math.max(minBatch, Math.ceil(shape.batch_size / 2)), grad_accum: shape.grad_accum * 2 };
}

/** The params an attempt is given: the spec's, with the last out-of-memory retry's shape over them. */
export function attemptParams(params: Params, retryWith: BatchShape | undefined): Params {
  return retryWith === undefined ? params : { ...params, batch_size: retryWith.batch_size, grad_accum: retryWith.grad_accum };
}

export interface FailureFacts {
  /** 1-based attempt that failed. */
  attempt: number;
  maxRetries: number;
  error: { outOfMemory: boolean; input: boolean };
  /** The spec's params of the trial. */
  params: Params;
  /** The shape the failed attempt ran at, when an earlier OOM retry set it. */
  retryWith?: BatchShape;
  /** Out-of-memory retries made smaller so far (they do not count against max_retries). */
  oomRetries: number;
}

export interface FailureDecision {
  willRetry: boolean;
  /** Set when the retry runs smaller (the journal's trial_failed.retry_with). */
  retryWith?: BatchShape;
}

/**
 * Whether a failed attempt is retried, and at which shape. An out-of-memory failure above the
 * floor is retried smaller, beside max_retries (at most log2(batch_size) such retries); any other
 * failure, and an OOM at the floor, uses the max_retries budget (attempts less OOM retries).
 */
export function decideFailure(f: FailureFacts): FailureDecision {
  if (f.error.input) return { willRetry: false };
  if (f.error.outOfMemory) {
    const current = f.retryWith ?? shapeOfParams(f.params);
    const next = current === undefined ? undefined : halved(current);
    if (next !== undefined) return { willRetry: true, retryWith: next };
  }
  return { willRetry: willRetry(f.attempt - f.oomRetries, f.maxRetries, false) };
}

