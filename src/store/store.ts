// The Store port: what is recorded about a sweep, in two parts.
// (a) The event log: events with a per-sweep sequence number, the resolved spec, and the lease of
//     the one controller. Implementations: the journal file in the sweep directory
//     (journal-store.ts over journal.ts) and PostgreSQL (postgres/pg-log.ts) for sweeps across machines.
// (b) Trial files: checkpoints, logs and the per-epoch metrics view, in a directory that may be
//     local or on a shared disk (trial-files.ts).
// A Store is the two together (sweep-store.ts); openStore(location) picks the log by scheme.
import type { JournalEvent, JournalEventBody } from './events.js';

/** Who holds a lease, and when it last proved to be alive. */
export interface LockInfo {
  pid: number;
  host: string;
  since: string;
  /** ISO time of the holder's last heartbeat (a lock file of an older finesweep: its `since`). */
  heartbeat?: string;
  /** Random per holder: tells two holders with the same pid and host apart (a reused pid). */
  token?: string;
}

/** A held lease of the one controller of a sweep, renewed by heartbeat until released. */
export interface StoreLock {
  readonly info: LockInfo;
  /** The stale lease (heartbeat expired, or its pid dead on this host) this one replaced. */
  readonly tookOverFrom?: LockInfo;
  /** Aborted if the lease is lost (another holder took it over while this one was frozen). */
  readonly lost: AbortSignal;
  /** Stop the heartbeat and remove the lease if it is still ours. */
  release(): Promise<void>;
}

export interface LeaseOptions {
  /** How often the holder renews its heartbeat (default 10 s). */
  heartbeatMs?: number;
  /** A heartbeat older than this is stale, whoever wrote it (default 60 s). */
  expiryMs?: number;
  /**
   * Take over a lease whose holder is known dead (`resume --take-over`) without waiting for its
   * expiry; still refused while its heartbeat is fresh (younger than two heartbeats).
   */
  takeOver?: boolean;
  /**
   * `resume --wait`: where the holder looks alive, wait until its lease would expire (`onWait` is
   * told how long first) and take it then; a holder that renewed its heartbeat meanwhile is alive,
   * and refused. `signal` ends the wait (refused). The file journal's lock only.
   */
  wait?: { onWait?: (ms: number, holder: LockInfo) => void; signal?: AbortSignal };
}

export const DEFAULT_HEARTBEAT_MS = 10_000;
export const DEFAULT_EXPIRY_MS = 60_000;

/** `lease`: the trial lease an event is fenced by (a shared log refuses it once the lease is another's). */
export interface AppendOptions {
  lease?: string;
}

/** (a) The event log of one sweep. */
export interface EventLog {
  /** Where it is, for messages: a path, or a URL with its password redacted. */
  readonly location: string;
  /** True where other processes may append to the same sweep at the same time (a database). */
  readonly shared: boolean;
  /**
   * Append one event: assigns seq and time, makes it durable before resolving. Concurrent appends
   * are recorded in the order they were called; an append retried after a dropped connection is
   * written once.
   */
  append(event: JournalEventBody, opts?: AppendOptions): Promise<JournalEvent>;
  /** Every event with seq >= fromSeq (default: all), in order. */
  events(fromSeq?: number): Promise<JournalEvent[]>;
  /** Resolve once an event with seq > afterSeq exists, or when the signal aborts. */
  waitForEvents(afterSeq: number, signal?: AbortSignal): Promise<void>;
  /** The resolved spec as written at the sweep's first run, with its hash; undefined if none. */
  readSpec(): Promise<{ spec: unknown; hash: string } | undefined>;
  /** Write the resolved spec (first run only). */
  writeSpec(spec: unknown, hash: string): Promise<void>;
  /** Take the one-controller lease; throws SweepError naming a live holder (pid, host, heartbeat age). */
  lock(opts?: LeaseOptions): Promise<StoreLock>;
  /** Finish pending writes and release connections or files. */
  close(): Promise<void>;
}

/** (b) The files of a sweep's trials. */
export interface TrialFiles {
  /** The directory holding trials/<id>/ (the sweep directory of the file journal). */
  readonly dir: string;
  /** The directory of one trial (checkpoint/, metrics.jsonl, log.txt): its path; made by the first write there. */
  trialDir(trialId: string): string;
  /** Append one line to the trial's log.txt. */
  log(trialId: string, line: string): Promise<void>;
}

export interface Store extends EventLog, TrialFiles {
  /** Every event in order. A torn last line is ignored; a corrupt middle line throws (line, offset). */
  events(fromSeq?: number): Promise<JournalEvent[]>;
}
