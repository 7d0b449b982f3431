// Helpers of the run/resume tests: a spec file for synthetic trials, and journal reading.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JournalEvent } from '../../src/store/events.js';

export interface SpecOptions {
  name?: string;
  learningRates?: number[];
  batchSizes?: number[];
  epochs?: number;
  resources?: Record<string, unknown>;
  extra?: Record<string, { value: number | string | boolean }>;
}

/** A grid spec (|lr| × |batch| trials). The model and data paths are never read by synthetic trials. */
export function writeSpec(dir: string, o: SpecOptions = {}): string {
  const spec = {
    name: o.name ?? 'synthetic',
    seed: 7,
    task: { type: 'classification', model: 'model', data: { train: 'train.jsonl' } },
    parameters: {
      learning_rate: { values: o.learningRates ?? [1e-4, 1e-3, 1e-2] },
      batch_size: { values: o.batchSizes ?? [8, 16] },
      epochs: { value: o.epochs ?? 1 },
      ...(o.extra ?? {}),
    },
    resources: { gpus: 0, workers: 2, ...(o.resources ?? {}) },
  };
  const path = join(dir, `${spec.name}.json`);
  writeFileSync(path, JSON.stringify(spec, null, 2));
  return path;
}

export function journal(sweepDir: string): JournalEvent[] {
  let text: string;
  try {
    text = readFileSync(join(sweepDir, 'journal.jsonl'), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line.trim())
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as JournalEvent];
      } catch {
        return []; // a torn last line
      }
    });
}

export function ofType<T extends JournalEvent['type']>(events: JournalEvent[], type: T): Extract<JournalEvent, { type: T }>[] {
  return events.filter((e): e is Extract<JournalEvent, { type: T }> => e.type === type);
}

export function countBy<T>(items: T[], key: (item: T) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const item of items) out.set(key(item), (out.get(key(item)) ?? 0) + 1);
  return out;
}
