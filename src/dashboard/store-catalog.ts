// The sweeps of a database (`finesweep dashboard --storage postgresql://…`), or the one sweep
// named: each opened with openStore and followed live by a StoreTail through the Store port. The
// list of names and whether anyone works on each comes from the database's sweep listing (the
// port has no list of sweeps: a log is one sweep's).
import { InputError } from '../errors.js';
import type { Store } from '../store/store.js';
import { openStore } from '../store/open.js';
import { listPgSweeps, type PgSweepEntry } from '../store/postgres/list.js';
import { LiveSweep, NAME, type Catalog } from './sweeps.js';
import { StoreTail } from './store-tail.js';

export interface StoreCatalogOptions {
  /** Only this sweep (unknown: a one-line InputError naming those the database holds). */
  sweep?: string;
  /** That sweep's trial files (trials/<id>/, for log tails), as given to its workers; default results/<name>. */
  trialFiles?: string;
}

interface Followed {
  live: LiveSweep;
  store: Store;
}

export class StoreCatalog implements Catalog {
  readonly emptyHtml = '<p class="sub">No sweep in this database yet. Start one with <code>finesweep run --storage URL &lt;spec&gt;</code>.</p>';
  error: string | undefined;
  private readonly sweeps = new Map<string, Followed>();
  private readonly listeners = new Set<(sweep: LiveSweep) => void>();
  private active = new Map<string, boolean>();
  private scanning: Promise<boolean> | undefined;
  private stopped = false;

  private constructor(
    private readonly location: string,
    readonly where: string,
    private readonly opts: StoreCatalogOptions,
  ) {}

  /** Lists the database once (an unreachable server or a wrong password: a one-line InputError), then opens its sweeps. */
  static async open(location: string, opts: StoreCatalogOptions = {}): Promise<StoreCatalog> {
    const first = await listPgSweeps(location);
    if (opts.sweep !== undefined && !first.sweeps.some((e) => e.name === opts.sweep)) {
      // Said here, before any store is opened: opening one would create finesweep's tables.
      const names = first.sweeps.map((e) => e.name);
      throw new InputError(
        `unknown sweep ${JSON.stringify(opts.sweep)} in ${first.location}` + (names.length ? ` (it holds: ${names.join(', ')})` : ' (it holds no sweep yet; start one with finesweep run --storage)'),
      );
    }
    const catalog = new StoreCatalog(location, first.location, opts);
    try {
      await catalog.apply(first.sweeps);
    } catch (err) {
      await catalog.stop();
      throw err;
    }
    return catalog;
  }

  get size(): number {
    return this.sweeps.size;
  }

  subscribe(fn: (sweep: LiveSweep) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  async list(): Promise<LiveSweep[]> {
    return Promise.all([...this.sweeps.values()].map((f) => withSpec(f.live)));
  }

  async get(name: string): Promise<LiveSweep | undefined> {
    const f = this.sweeps.get(name);
    return f && withSpec(f.live);
  }

  /** The database's listing again: sweeps created since are followed, dropped ones let go. */
  rescan(): Promise<boolean> {
    this.scanning ??= (async () => {
      try {
        const { sweeps } = await listPgSweeps(this.location);
        this.error = undefined;
        return await this.apply(sweeps);
      } catch (err) {
        const was = this.error;
        this.error = err instanceof Error ? err.message : String(err);
        return was !== this.error;
      } finally {
        this.scanning = undefined;
      }
    })();
    return this.scanning;
  }

  async state(sweep: LiveSweep): Promise<string> {
    if (sweep.state.completed) return 'finished';
    if (this.active.get(sweep.name)) return 'running';
    return sweep.state.trials.size === 0 ? 'not started' : 'interrupted';
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.scanning; // a listing in flight opens nothing after this
    const all = [...this.sweeps.values()];
    this.sweeps.clear();
    for (const f of all) {
      await f.live.tail.stop();
      await f.store.close();
    }
  }

  /** Follow what the listing has (names a URL segment can carry); true if the list page changed. */
  private async apply(entries: PgSweepEntry[]): Promise<boolean> {
    const shown = entries.filter((e) => NAME.test(e.name) && (this.opts.sweep === undefined || e.name === this.opts.sweep));
    let changed = false;
    const names = new Set(shown.map((e) => e.name));
    for (const [name, f] of this.sweeps) {
      if (names.has(name) || name === this.opts.sweep) continue;
      this.sweeps.delete(name);
      await f.live.tail.stop();
      await f.store.close();
      changed = true;
    }
    for (const e of shown) if (!this.sweeps.has(e.name) && (await this.follow(e.name))) changed = true;
    const active = new Map(shown.map((e) => [e.name, e.active]));
    if (shown.some((e) => (this.active.get(e.name) ?? false) !== e.active)) changed = true;
    this.active = active;
    return changed;
  }

  private async follow(name: string): Promise<boolean> {
    if (this.sweeps.has(name) || this.stopped) return false;
    const store = await openStore(this.location, { sweep: name, ...(this.opts.trialFiles && name === this.opts.sweep ? { trialFiles: this.opts.trialFiles } : {}) });
    const tail = new StoreTail(store);
    const live = new LiveSweep(name, store.dir, tail, () => store.readSpec());
    this.sweeps.set(name, { live, store });
    tail.subscribe(() => {
      for (const fn of this.listeners) fn(live);
    });
    await live.refresh();
    tail.start();
    return true;
  }
}

/** A sweep listed between its row's creation and its spec's writing: read the spec again. */
async function withSpec(live: LiveSweep): Promise<LiveSweep> {
  if (live.spec === undefined) await live.refresh().catch(() => {});
  return live;
}
