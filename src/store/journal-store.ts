// The embedded default Store: a sweep directory holding the resolved spec, the journal, the lock
// (a lease, lock.ts) and one directory per trial. The journal is the truth; trials/<id>/ holds
// the trial files (trial-files.ts).
import { mkdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { JournalEvent, JournalEventBody } from './events.js';
import { storeError } from './fs-errors.js';
import { atomicWrite, fsyncDir } from './fs-util.js';
import { Journal } from './journal.js';
import { JOURNAL_FILE, SPEC_FILE, inspectDir, notASweep, readSpecFile } from './layout.js';
import { acquireLock, type SweepLock } from './lock.js';
import type { EventLog, LeaseOptions } from './store.js';
import { SweepStore } from './sweep-store.js';
import { LocalTrialFiles } from './trial-files.js';
import { sleep } from './sleep.js';

/** How often waitForEvents looks at the journal's size (one process writes it; no notifications). */
const POLL_MS = 100;

/** The event log of the file journal: journal.jsonl, spec.resolved.json and lock.json in one directory. */
export class JournalLog implements EventLog {
  readonly location: string;
  readonly shared = false;
  readonly journal: Journal;

  constructor(readonly dir: string) {
    this.location = dir;
    this.journal = new Journal(join(dir, JOURNAL_FILE));
  }

  append(event: JournalEventBody): Promise<JournalEvent> {
    return this.journal.append(event);
  }

  async events(fromSeq = 1): Promise<JournalEvent[]> {
    const all = await this.journal.events();
    return fromSeq <= 1 ? all : all.filter((e) => e.seq >= fromSeq);
  }

  async waitForEvents(afterSeq: number, signal?: AbortSignal): Promise<void> {
    let size = -1;
    while (!signal?.aborted) {
      // Parse only when the file grew: an idle wait costs one stat a poll.
      const now = await stat(this.journal.path).then((s) => s.size, () => 0);
      if (now !== size) {
        size = now;
        if (((await this.journal.events()).at(-1)?.seq ?? 0) > afterSeq) return;
      }
      await sleep(POLL_MS, signal);
    }
  }

  readSpec(): Promise<{ spec: unknown; hash: string } | undefined> {
    return readSpecFile(this.dir);
  }

  async writeSpec(spec: unknown, hash: string): Promise<void> {
    await atomicWrite(join(this.dir, SPEC_FILE), JSON.stringify({ hash, spec }, null, 2) + '\n');
  }

  lock(opts?: LeaseOptions): Promise<SweepLock> {
    return acquireLock(this.dir, opts);
  }

  close(): Promise<void> {
    return this.journal.close();
  }
}

export class JournalStore extends SweepStore {
  readonly journal: Journal;

  private constructor(dir: string) {
    const log = new JournalLog(dir);
    super(log, new LocalTrialFiles(dir));
    this.journal = log.journal;
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
}
