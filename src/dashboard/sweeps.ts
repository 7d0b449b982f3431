// The sweeps a dashboard shows: the sweep directories directly under the results directory (or the
// one sweep directory it was given), each followed live by a JournalTail. A request names a sweep
// by its directory name and is served only if that name is in the listing: no client string is
// ever joined into a path.
import { readdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { buildLeaderboard, type Leaderboard } from '../report/leaderboard.js';
import type { PlannedTrial } from '../search/space.js';
import type { ResolvedSpec } from '../spec/types.js';
import { inspectDir, readSpecFile } from '../store/layout.js';
import type { SweepState } from '../store/state.js';
import { expandTrials } from '../sweep/expand.js';
import { JournalTail } from './tail.js';

/** Directory names a URL can carry as one path segment. */
const NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

export class LiveSweep {
  readonly tail: JournalTail;
  spec: unknown;
  private planned: PlannedTrial[] = [];
  private cached: { seq: number; lb: Leaderboard } | undefined;

  constructor(
    readonly name: string,
    readonly dir: string,
  ) {
    this.tail = new JournalTail(dir);
  }

  get state(): SweepState {
    return this.tail.state;
  }

  /** Read the spec (once it exists) and what is new in the journal. */
  async refresh(): Promise<void> {
    if (this.spec === undefined) {
      const resolved = await readSpecFile(this.dir).catch(() => undefined);
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
      this.cached = { seq, lb: buildLeaderboard({ spec: this.spec, state: this.state, dir: this.dir, planned: this.planned }) };
    }
    return this.cached.lb;
  }
}

export class SweepCatalog {
  private readonly sweeps = new Map<string, LiveSweep>();
  private readonly root: string;
  private single: boolean | undefined;
  private readonly listeners = new Set<(sweep: LiveSweep) => void>();

  constructor(root: string) {
    this.root = resolve(root);
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
      const sweep = new LiveSweep(name, dir);
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

  stop(): void {
    for (const s of this.sweeps.values()) s.tail.stop();
  }
}
