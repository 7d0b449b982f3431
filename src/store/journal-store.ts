// The embedded default Store: a sweep directory holding the resolved spec, the journal, the lock
// and one directory per trial. The journal is the truth; trials/<id>/metrics.jsonl is a view of it
// kept for people and tools that read one trial.
import { appendFile, mkdir } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { JournalEvent, JournalEventBody } from './events.js';
import { foldTrials, applyEvent } from './fold.js';
import { storeError } from './fs-errors.js';
import { atomicWrite, fsyncDir } from './fs-util.js';
import { Journal } from './journal.js';
import {
  JOURNAL_FILE, LOG_FILE, METRICS_FILE, SPEC_FILE, TRIALS_DIR, checkTrialId, inspectDir, notASweep, readSpecFile,
} from './layout.js';
import { acquireLock, type SweepLock } from './lock.js';
import type { SweepState } from './state.js';
import type { Store } from './store.js';

export class JournalStore implements Store {
  readonly dir: string;
  readonly journal: Journal;
  /** Live fold of the journal, built on the first append, for the per-trial metrics view. */
  private state: Promise<SweepState> | undefined;
  /** Per-trial chain so that metrics.jsonl rewrites of one trial land in order. */
  private metricsWrites = new Map<string, Promise<void>>();

  private constructor(dir: string) {
    this.dir = dir;
    this.journal = new Journal(join(dir, JOURNAL_FILE));
  }

  /**
   * Open a sweep directory. Without `create`, it must exist and hold a spec or a journal
   * (InputError otherwise); with it, a missing directory is created.
   */
  static async open(dir: string, opts: { create?: boolean } = {}): Promise<JournalStore> {
    const abs = resolve(dir);
    const kind = await inspectDir(abs);
    if (opts.create && kind === 'missing') {
      try {
        await mkdir(abs, { recursive: true });
        await fsyncDir(dirname(abs));
      } catch (err) {
        throw storeError('create sweep directory', abs, err);
      }
    } else {
      const problem = opts.create && kind === 'empty' ? undefined : notASweep(dir, kind);
      if (problem) throw problem;
    }
    return new JournalStore(abs);
  }

  async append(event: JournalEventBody): Promise<JournalEvent> {
    const state = await this.liveState();
    const written = await this.journal.append(event);
    applyEvent(state, written);
    if (written.type === 'epoch_ended') await this.writeMetrics(state, written.trial_id);
    return written;
  }

  events(): Promise<JournalEvent[]> {
    return this.journal.events();
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

  readSpec(): Promise<{ spec: unknown; hash: string } | undefined> {
    return readSpecFile(this.dir);
  }

  async writeSpec(spec: unknown, hash: string): Promise<void> {
    await atomicWrite(join(this.dir, SPEC_FILE), JSON.stringify({ hash, spec }, null, 2) + '\n');
  }

  lock(): Promise<SweepLock> {
    return acquireLock(this.dir);
  }

  /** Finish queued appends and close the journal file. */
  async close(): Promise<void> {
    await this.journal.close();
    await Promise.all(this.metricsWrites.values());
  }

  private liveState(): Promise<SweepState> {
    this.state ??= this.journal.events().then(foldTrials);
    // A failed first read (corrupt journal) must not stick: the next append reads again.
    this.state.catch(() => (this.state = undefined));
    return this.state;
  }

  private writeMetrics(state: SweepState, trialId: string): Promise<void> {
    checkTrialId(trialId);
    const previous = this.metricsWrites.get(trialId) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(async () => {
      // The state at write time, not at queue time: the last write always shows every epoch.
      const epochs = state.trials.get(trialId)?.epochs ?? [];
      const text = epochs.map((m) => JSON.stringify(m) + '\n').join('');
      await mkdir(join(this.dir, TRIALS_DIR, trialId), { recursive: true }).catch((err: unknown) => {
        throw storeError('create trial directory', join(this.dir, TRIALS_DIR, trialId), err);
      });
      await atomicWrite(join(this.dir, TRIALS_DIR, trialId, METRICS_FILE), text, { durable: false });
    });
    this.metricsWrites.set(trialId, next);
    return next;
  }
}
