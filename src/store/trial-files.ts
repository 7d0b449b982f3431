// Trial files: trials/<id>/ under a directory that may be local or on a shared disk — the
// engine's checkpoints, log.txt, and metrics.jsonl, a view of the trial's epochs in the event log
// kept for people and tools that read one trial. Nothing here is the truth: the event log is.
import { appendFile, mkdir } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { EpochMetrics } from '../trial/types.js';
import { storeError } from './fs-errors.js';
import { atomicWrite } from './fs-util.js';
import { LOG_FILE, METRICS_FILE, TRIALS_DIR, checkTrialId } from './layout.js';
import type { TrialFiles } from './store.js';

export class LocalTrialFiles implements TrialFiles {
  readonly dir: string;
  /** Per-trial chain so that metrics.jsonl rewrites of one trial land in order. */
  private metricsWrites = new Map<string, Promise<void>>();

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  trialDir(trialId: string): string {
    checkTrialId(trialId);
    const dir = join(this.dir, TRIALS_DIR, trialId);
    try {
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw storeError('create trial directory', dir, err);
    }
    return dir;
  }

  async log(trialId: string, line: string): Promise<void> {
    const path = join(this.trialDir(trialId), LOG_FILE);
    try {
      await appendFile(path, line.endsWith('\n') ? line : line + '\n');
    } catch (err) {
      throw storeError('write log', path, err);
    }
  }

  /** Rewrite the trial's metrics.jsonl from `epochs()`, read when the write runs (the latest wins). */
  writeMetrics(trialId: string, epochs: () => readonly EpochMetrics[]): Promise<void> {
    checkTrialId(trialId);
    const previous = this.metricsWrites.get(trialId) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(async () => {
      const text = epochs().map((m) => JSON.stringify(m) + '\n').join('');
      const dir = join(this.dir, TRIALS_DIR, trialId);
      await mkdir(dir, { recursive: true }).catch((err: unknown) => {
        throw storeError('create trial directory', dir, err);
      });
      await atomicWrite(join(dir, METRICS_FILE), text, { durable: false });
    });
    this.metricsWrites.set(trialId, next);
    void next.finally(() => {
      if (this.metricsWrites.get(trialId) === next) this.metricsWrites.delete(trialId);
    }).catch(() => {});
    return next;
  }

  /** Wait for the metrics views being written. */
  async flush(): Promise<void> {
    await Promise.all([...this.metricsWrites.values()].map((p) => p.catch(() => {})));
  }
}
