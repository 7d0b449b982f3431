// A Store: one sweep's event log and its trial files, together. Appending an epoch also refreshes
// the trial's metrics.jsonl view from a live fold of the log.
import type { JournalEvent, JournalEventBody } from './events.js';
import { applyEvent, foldTrials } from './fold.js';
import type { SweepState } from './state.js';
import type { AppendOptions, EventLog, LeaseOptions, Store, StoreLock } from './store.js';
import type { LocalTrialFiles } from './trial-files.js';

export class SweepStore implements Store {
  readonly eventLog: EventLog;
  readonly files: LocalTrialFiles;
  /** Live fold of the log, built on the first append, for the per-trial metrics view. */
  private state: Promise<SweepState> | undefined;
  /** A shared log's events read so far (seq order), and the last seq read. */
  readonly known: JournalEvent[] = [];
  private seen = 0;

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
    if (this.eventLog.shared) return this.appendShared(event, opts);
    const state = await this.liveState();
    const written = await this.eventLog.append(event);
    applyEvent(state, written);
    if (written.type === 'epoch_ended') {
      const id = written.trial_id;
      await this.files.writeMetrics(id, () => state.trials.get(id)?.epochs ?? []);
    }
    return written;
  }

  events(fromSeq?: number): Promise<JournalEvent[]> {
    return this.eventLog.events(fromSeq);
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
    await this.files.flush();
  }

  private liveState(): Promise<SweepState> {
    this.state ??= this.eventLog.events().then(foldTrials);
    // A failed first read (corrupt journal) must not stick: the next append reads again.
    this.state.catch(() => (this.state = undefined));
    return this.state;
  }

  /**
   * A shared log's events appended since the last call (every writer's), read incrementally: a
   * worker learns what others recorded without reading the whole log again.
   */
  async catchUp(): Promise<JournalEvent[]> {
    if (!this.eventLog.shared) return none();
    const fresh = await this.eventLog.events(this.seen + 1);
    for (const e of fresh) {
      insertBySeq(this.known, e);
      this.seen = Math.max(this.seen, e.seq);
    }
    return fresh;
  }

  /**
   * A shared log: other processes append too (a trial's earlier attempt on another worker), so the
   * view of a trial is folded from the log read up to now. Seqs become visible in order (each
   * append holds the sweep's sequence until it commits), so reading from the last seq seen misses
   * nothing.
   */
  private async appendShared(event: JournalEventBody, opts?: AppendOptions): Promise<JournalEvent> {
    const written = await this.eventLog.append(event, opts);
    if (written.type !== 'epoch_ended') return written;
    await this.catchUp();
    const id = written.trial_id;
    await this.files.writeMetrics(id, () => {
      const mine = this.known.filter((e) => (e as { trial_id?: string }).trial_id === id);
      return foldTrials(mine).trials.get(id)?.epochs ?? [];
    });
    return written;
  }
}

/** Nothing: a single-writer log needs no catching up. */
function none(): JournalEvent[] {
  return [];
}

function insertBySeq(list: JournalEvent[], event: JournalEvent): void {
  let i = list.length;
  while (i > 0 && list[i - 1].seq >= event.seq) {
    if (list[i - 1].seq === event.seq) return;
    i--;
  }
  list.splice(i, 0, event);
}
