// The storage interface: what is recorded. The journal in the sweep directory is the embedded
// default (journal-store.ts); a database store for multi-machine sweeps can implement the same.
import type { JournalEvent, JournalEventBody } from './events.js';

export interface LockInfo {
  pid: number;
  host: string;
  since: string;
}

/** A held one-controller lock. */
export interface StoreLock {
  readonly info: LockInfo;
  /** The stale lock (its pid dead) this one replaced, if any: worth a line to the user. */
  readonly tookOverFrom?: LockInfo;
  /** Remove the lock if it is still ours. */
  release(): Promise<void>;
}

export interface Store {
  /** The sweep directory (results/<sweep-name>/). */
  readonly dir: string;
  /**
   * Append one event: assigns seq and time, makes it durable (fsync) before resolving. Concurrent
   * appends are recorded in the order they were called; no need to chain them.
   */
  append(event: JournalEventBody): Promise<JournalEvent>;
  /** Every event in order. A torn last line is ignored; a corrupt middle line throws (line, offset). */
  events(): Promise<JournalEvent[]>;
  /** The directory of one trial (checkpoint/, metrics.jsonl, log.txt), created on demand. */
  trialDir(trialId: string): string;
  /** Append one line to the trial's log.txt. */
  log(trialId: string, line: string): Promise<void>;
  /** The resolved spec as written at the sweep's first run, with its hash; undefined if none. */
  readSpec(): Promise<{ spec: unknown; hash: string } | undefined>;
  /** Write the resolved spec atomically (first run only). */
  writeSpec(spec: unknown, hash: string): Promise<void>;
  /** Take the one-controller lock; throws SweepError naming the holder (pid, host) if it is alive. */
  lock(): Promise<StoreLock>;
  /** Finish pending writes and release open files (the lock is released separately). */
  close(): Promise<void>;
}
