// A Store: one sweep's event log and its trial files, together. What it has read and appended is
// kept as an incremental feed (feed.ts); appending an epoch refreshes the trial's metrics.jsonl view
// from the feed's fold. A shared log (a database: other workers append too) is read on from the last
// seq read, never from the first, and the same append path serves the controller of a local sweep
// and every worker of a shared one (worker/leased-store.ts adds only the lease fencing).
import type { JournalEvent, JournalEventBody } from './events.js';
import { EventFeed } from './feed.js';
import type { TrialState } from './state.js';
import type { AppendOptions, EventLog, LeaseOptions, Store, StoreLock } from './store.js';
import type { LocalTrialFiles } from './trial-files.js';

export class SweepStore implements Store {
  readonly eventLog: EventLog;
  readonly files: LocalTrialFiles;
  /**
   * The events known here: a single-writer log's, read once on the first append and followed by
   * our own appends; a shared log's, read incrementally (catchUp: the whole log on the first
   * append, then what a caller asks for), seq 1..#seen without a gap, plus our own appends.
   */
  #feed: EventFeed | undefined;
  #opening: Promise<EventFeed> | undefined;
  #seen = 0;
  #reading: Promise<unknown> = Promise.resolve();

  constructor(log: EventLog, files: LocalTrialFiles) {
    this.eventLog = log;
    this.files = files;
  }

  get dir(): string {
    return this.files.dir;
  }

  get location(): string {
    return this.eventLog.location;
  }

  get shared(): boolean {
    return this.eventLog.shared;
  }

  async append(event: JournalEventBody, opts?: AppendOptions): Promise<JournalEvent> {
    const feed = await this.#known();
    const written = await this.eventLog.append(event, opts);
    feed.add(written);
    if (written.type === 'epoch_ended') {
      const id = written.trial_id;
      this.files.writeMetrics(id, feed.state.trials.get(id)?.epochs ?? []);
    }
    return written;
  }

  /**
   * Every event with seq >= fromSeq. A shared log is read on from the last seq read and answered
   * from memory; a single-writer log is read from where it is kept (the journal file is the record).
   */
  async events(fromSeq = 1): Promise<JournalEvent[]> {
    if (!this.eventLog.shared) return this.eventLog.events(fromSeq);
    await this.catchUp();
    return this.#feed!.eventsBetween(fromSeq, this.#seen);
  }

  /**
   * A shared log's events appended since the last read (every writer's), added to what is known.
   * One read at a time (two slots asking together share the order), and only a gap-free prefix is
   * taken: seqs become visible in order (each append holds the sweep's sequence until it commits).
   */
  catchUp(): Promise<JournalEvent[]> {
    if (!this.eventLog.shared) return Promise.resolve([]);
    const read = this.#reading.then(async () => {
      const feed = (this.#feed ??= new EventFeed());
      const fresh: JournalEvent[] = [];
      for (const e of await this.eventLog.events(this.#seen + 1)) {
        if (e.seq !== this.#seen + 1) break;
        this.#seen = e.seq;
        feed.add(e);
        fresh.push(e);
      }
      return fresh;
    });
    this.#reading = read.catch(() => {});
    return read;
  }

  /** One trial's state as the events known here fold (every attempt's, read or written here). */
  trialState(trialId: string): TrialState | undefined {
    return this.#feed?.state.trials.get(trialId);
  }

  waitForEvents(afterSeq: number, signal?: AbortSignal): Promise<void> {
    return this.eventLog.waitForEvents(afterSeq, signal);
  }

  trialDir(trialId: string): string {
    return this.files.trialDir(trialId);
  }

  log(trialId: string, line: string): Promise<void> {
    return this.files.log(trialId, line);
  }

  readSpec(): Promise<{ spec: unknown; hash: string } | undefined> {
    return this.eventLog.readSpec();
  }

  writeSpec(spec: unknown, hash: string): Promise<void> {
    return this.eventLog.writeSpec(spec, hash);
  }

  lock(opts?: LeaseOptions): Promise<StoreLock> {
    return this.eventLog.lock(opts);
  }

  async close(): Promise<void> {
    await this.eventLog.close();
  }

  async #known(): Promise<EventFeed> {
    if (this.#opening === undefined) {
      const open = async () => {
        if (!this.eventLog.shared) return (this.#feed = new EventFeed(await this.eventLog.events()));
        await this.catchUp();
        return this.#feed!;
      };
      // A failed first read (corrupt journal, server down) must not stick: the next append reads again.
      this.#opening = open().catch((err: unknown) => {
        this.#opening = undefined;
        throw err;
      });
    }
    return this.#opening;
  }
}
