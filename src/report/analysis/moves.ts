// The moves a flag proposes: which parameter to change and which way ("more epochs", "lower LR",
// "freeze more"), in the words every format prints. One table, read by the flags' own advice
// (diagnose.ts) and by the one recommendation chosen from the sweep's evidence (advice.ts).
import type { FlagName } from './flag.js';

export type Direction = 'up' | 'down';

/** What a move changes: a swept parameter, the trainable share of the model, or the data. */
export type MoveTarget = 'learning_rate' | 'epochs' | 'capacity' | 'data';

export interface Move {
  target: MoveTarget;
  direction: Direction;
}

/**
 * The trainable share of the model, by method: "unfreeze more" means a higher `top_k` or a larger
 * LoRA rank, or another method (head < top_k < full). A full fine-tune cannot unfreeze more, a
 * head-only one cannot freeze more. `undefined`: a trainer whose method finesweep does not know.
 */
export const METHOD_ORDER: Readonly<Record<string, number>> = { head: 0, top_k: 1, full: 2 };

/** The parameter a capacity move changes for a trial of this method. */
export function capacityParameter(method: string | undefined): string {
  return method === 'top_k' ? 'top_k' : method === 'lora' ? 'lora_rank' : 'method';
}

/** Whether the move can apply to a trial of this method (no "unfreeze" for a full fine-tune, no "freeze more" head-only). */
export function fits(move: Move, method: string | undefined): boolean {
  if (move.target !== 'capacity') return true;
  if (method === 'full') return move.direction === 'down';
  if (method === 'head') return move.direction === 'up';
  return true;
}

/** A move in words: "more epochs", "lower LR", "unfreeze more layers". */
export function moveWords(move: Move, method: string | undefined, flag?: FlagName): string {
  const up = move.direction === 'up';
  switch (move.target) {
    case 'learning_rate':
      return flag === 'diverged' ? 'lower the learning rate' : up ? 'higher LR' : 'lower LR';
    case 'epochs':
      return up ? 'more epochs' : 'fewer epochs';
    case 'data':
      return 'more data or more regularization';
    case 'capacity':
      if (method === 'lora') return up ? 'a larger LoRA rank' : 'a smaller LoRA rank';
      if (method === 'head') return 'train more layers (method top_k or full)';
      if (method === 'full') return 'freeze more (method top_k or head)';
      return up ? 'unfreeze more layers' : 'freeze more';
  }
}

/** Each flag's moves, in the order the flag prefers them (leakage is about the data, no move). */
export const FLAG_MOVES: Readonly<Record<FlagName, readonly Move[]>> = {
  diverged: [{ target: 'learning_rate', direction: 'down' }],
  leakage: [],
  overfitting: [
    { target: 'epochs', direction: 'down' },
    { target: 'learning_rate', direction: 'down' },
    { target: 'data', direction: 'up' },
  ],
  underfitting: [
    { target: 'learning_rate', direction: 'up' },
    { target: 'epochs', direction: 'up' },
    { target: 'capacity', direction: 'up' },
  ],
  still_improving: [{ target: 'epochs', direction: 'up' }],
  forgetting: [
    { target: 'learning_rate', direction: 'down' },
    { target: 'epochs', direction: 'down' },
    { target: 'capacity', direction: 'down' },
  ],
};
