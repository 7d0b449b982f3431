// The sweeps a dashboard shows, from a Catalog: here the sweep directories directly under the
// results directory (or the one sweep directory it was given), each followed live by a
// JournalTail; store-catalog.ts has those of a database. A request names a sweep by its name and is
// served only if that name is in the listing: no client string is ever joined into a path.
import { readdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { buildLeaderboard, type Leaderboard } from '../report/view/leaderboard.js';
import { withNextSweep } from '../report/view/next-sweep.js';
import type { PlannedTrial } from '../trial/types.js';
import type { ResolvedSpec } from '../spec/types.js';
import { errnoOf } from '../store/fs-errors.js';
import { inspectDir, readSpecFile } from '../store/layout.js';
import { LOCK_FILE, readLock } from '../store/lock.js';
import type { SweepState } from '../store/state.js';
import { expandTrials } from '../sweep/expand.js';
import { JournalTail } from './tail.js';

/** Names a URL can carry as one path segment (and a directory may have). */
export const NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

/** One sweep's events, followed live: a journal file's tail or a store's. */
export interface SweepFeed {
  readonly state: SweepState;
  /** Why the feed is stuck (a corrupt journal line, an unreachable database), if it is. */
  readonly error: string | undefined;
  /** Calls `fn` after each read that brought new events; returns the unsubscribe function. */
  subscribe(fn: (state: SweepState) => void): () => void;
  /** Read what is new now; resolves true if new events were folded. */
  poll(): Promise<boolean>;
  start(): void;
  stop(): void | Promise<void>;
}

/** The sweeps of one place (a results directory, a database), followed live. */
export interface Catalog {
  /** The place, for the page and the banner (a database's URL with its password redacted). */
  readonly where: string;
  /** What the list page says when there is no sweep yet (HTML). */
  readonly emptyHtml: string;
  readonly size: number;
  /** Why the last listing failed, if it did (the list shown is the one before). */
  readonly error: string | undefined;
  /** Calls `fn` whenever a followed sweep has new events. */
  subscribe(fn: (sweep: LiveSweep) => void): () => void;
  /** The sweeps, each read once before it is listed. */
  list(): Promise<LiveSweep[]>;
  /** Look again for new and vanished sweeps (and liveness); true if the list page changed. */
  rescan(): Promise<boolean>;
  /** The sweep of that name, if the listing has it. */
  get(name: string): Promise<LiveSweep | undefined>;
  /** running, finished, interrupted or not started. */
  state(sweep: LiveSweep): Promise<string>;
  stop(): Promise<void>;
}

export class LiveSweep {
  spec: unknown;
  private planned: PlannedTrial[] = [];
  private cached: { seq: number; lb: Leaderboard } | undefined;

  /** `dir`: where trials/<id>/ (logs) are; `readSpec`: the resolved spec, once written. */
  constructor(
    readonly name: string,
    readonly dir: string,
    readonly tail: SweepFeed,
    private readonly readSpec: () => Promise<{ spec: unknown } | undefined> = () => readSpecFile(dir),
  ) {}

  get state(): SweepState {
    return this.tail.state;
  }

  /** Read the spec (once it exists) and what is new in the journal. */
  async refresh(): Promise<void> {
    if (this.spec === undefined) {
      const resolved = await this.readSpec().catch(() => undefined);
      if (resolved) {
        this.spec = resolved.spec;
        try {
          this.planned = expandTrials(resolved.spec as ResolvedSpec);
        } catch {
          this.planned = []; // a spec this version cannot expand: the journal's trials alone
        }
        this.cached = undefined;
      }
    }
    await this.tail.poll();
  }

  /** The full leaderboard (every row), built once per journal position. */
  leaderboard(): Leaderboard {
    const seq = this.state.lastSeq;
    if (!this.cached || this.cached.seq !== seq) {
      this.cached = { seq, lb: withNextSweep(buildLeaderboard({ spec: this.spec, state: this.state, dir: this.dir, planned: this.planned }), this.spec) };
    }
    return this.cached.lb;
  }
}

/** The sweeps of a results directory (or the one sweep directory it is). */
export class SweepCatalog implements Catalog {
  readonly where: string;
  readonly emptyHtml = '<p class="sub">No sweep in this directory yet. Start one with <code>finesweep run &lt;spec&gt;</code>.</p>';
  readonly error = undefined;
  private readonly sweeps = new Map<string, LiveSweep>();
  private readonly root: string;
  private single: boolean | undefined;
  private readonly listeners = new Set<(sweep: LiveSweep) => void>();

  constructor(root: string) {
    this.root = resolve(root);
    this.where = root;
  }

  /** How many sweeps are followed. */
  get size(): number {
    return this.sweeps.size;
  }

  /** Calls `fn` whenever a followed sweep's journal grew. */
  subscribe(fn: (sweep: LiveSweep) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Rescan the directory: new sweeps are followed, vanished ones dropped. */
  async list(): Promise<LiveSweep[]> {
    if (this.single === undefined) this.single = (await inspectDir(this.root)) === 'sweep';
    const found = new Map<string, string>();
    if (this.single) {
      found.set(basename(this.root), this.root);
    } else {
      let names: string[] = [];
      try {
        names = (await readdir(this.root, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
      } catch {
        names = [];
      }
      for (const name of names.sort()) {
        if (!NAME.test(name)) continue;
        const dir = join(this.root, name);
        if ((await inspectDir(dir).catch(() => 'missing')) === 'sweep') found.set(name, dir);
      }
    }
    for (const [name, sweep] of this.sweeps) {
      if (!found.has(name)) {
        sweep.tail.stop();
        this.sweeps.delete(name);
      }
    }
    for (const [name, dir] of found) {
      if (this.sweeps.has(name)) continue;
      const sweep = new LiveSweep(name, dir, new JournalTail(dir));
      this.sweeps.set(name, sweep);
      sweep.tail.subscribe(() => {
        for (const fn of this.listeners) fn(sweep);
      });
      await sweep.refresh();
      sweep.tail.start();
    }
    const out = [...this.sweeps.values()];
    await Promise.all(out.map((s) => (s.spec === undefined ? s.refresh() : undefined)));
    return out;
  }

  /** The sweep of that name, if the directory lists it. */
  async get(name: string): Promise<LiveSweep | undefined> {
    if (!NAME.test(name)) return undefined;
    return this.sweeps.get(name) ?? (await this.list()).find((s) => s.name === name);
  }

  async rescan(): Promise<boolean> {
    const before = this.size;
    await this.list();
    return this.size !== before;
  }

  /** running (a live controller holds the lock), finished, or interrupted. */
  async state(sweep: LiveSweep): Promise<string> {
    if (sweep.state.completed) return 'finished';
    const lock = await readLock(join(sweep.dir, LOCK_FILE)).catch(() => undefined);
    if (lock) {
      if (lock.host !== hostname()) return 'running';
      try {
        process.kill(lock.pid, 0);
        return 'running';
      } catch (err) {
        if (errnoOf(err) === 'EPERM') return 'running';
      }
    }
    return sweep.state.trials.size === 0 ? 'not started' : 'interrupted';
  }

  async stop(): Promise<void> {
    for (const s of this.sweeps.values()) await s.tail.stop();
  }
}
