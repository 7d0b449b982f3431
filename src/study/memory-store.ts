// A study kept in memory only (createStudy without `storage`): the Store port with nothing on disk,
// as Optuna's InMemoryStorage. Its events are folded and ranked like a journal's; they end with
// the process.
import type { JournalEvent, JournalEventBody } from '../store/events.js';
import type { LockInfo, Store, StoreLock } from '../store/store.js';
import { hostname } from 'node:os';

export class MemoryStore implements Store {
  readonly location = '(in memory)';
  readonly shared = false;
  /** No trial files: a trial's directory is its own business (fineTune takes one). */
  readonly dir = '';
  readonly #events: JournalEvent[] = [];
  #spec: { spec: unknown; hash: string } | undefined;

  async append(event: JournalEventBody): Promise<JournalEvent> {
    const written = { ...event, seq: this.#events.length + 1, time: new Date().toISOString() } as JournalEvent;
    this.#events.push(written);
    return written;
  }

  async events(fromSeq = 1): Promise<JournalEvent[]> {
    return this.#events.slice(Math.max(0, fromSeq - 1));
  }

  async waitForEvents(): Promise<void> {
    // One writer, this process: nothing arrives from elsewhere.
  }

  async readSpec(): Promise<{ spec: unknown; hash: string } | undefined> {
    return this.#spec;
  }

  async writeSpec(spec: unknown, hash: string): Promise<void> {
    this.#spec = { spec, hash };
  }

  async lock(): Promise<StoreLock> {
    const info: LockInfo = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
    return { info, lost: new AbortController().signal, release: async () => {} };
  }

  trialDir(): string {
    return '';
  }

  async log(): Promise<void> {}

  async close(): Promise<void> {}
}
