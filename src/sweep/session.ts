// A sweep session: open the sweep's store, check the spec against the one it started with (its
// hash), take the lock, and hand the plan to the supervisor. `runSweep` starts a sweep from a
// spec; `resumeSweep` continues one from its directory.
import { resolve } from 'node:path';
import { InputError } from '../errors.js';
import { specHash } from '../spec/hash.js';
import type { ResolvedSpec } from '../spec/types.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/store.js';
import type { RunOptions, SweepOutcome, SweepRunOptions } from './options.js';
import { firstStart, planFromSpecFile, planOf, specChanged, trainerOf } from './plan.js';
import { withStopWhen } from './budget.js';
import { runWithRepeats, withRepeats } from './rerun-session.js';
import type { RerunAsk } from './rerun.js';

/** Start a sweep from its spec file. Refuses a directory that already holds a sweep. */
export async function runSweep(specPath: string, opts: RunOptions = {}): Promise<SweepOutcome> {
  // Inputs the trainer can check (paths, programs) are checked before the sweep directory exists.
  const plan = await planFromSpecFile(specPath, opts);
  const dir = resolve(opts.resultsDir ?? 'results', plan.spec.name);
  const store = await openStore(dir, { create: true });
  await refuseExisting(store, plan.hash);
  const lock = await store.lock();
  try {
    // Checked again under the lock: another controller may have started it meanwhile.
    await refuseExisting(store, plan.hash);
    await store.writeSpec(plan.spec, plan.hash);
    const origin = { specDir: plan.baseDir, backend: opts.backend, resumed: false };
    return await runWithRepeats(store, plan, [], plan.trainer, origin, opts);
  } finally {
    await lock.release();
    await store.close();
  }
}

/**
 * Continue a sweep from its directory: finished trials stay finished, interrupted ones continue.
 * `rerun` (finesweep rerun): first plan the repeats of its best configurations (rerun.ts).
 */
export async function resumeSweep(dir: string, opts: SweepRunOptions & { rerun?: RerunAsk } = {}): Promise<SweepOutcome> {
  const store = await openStore(dir, { create: false });
  try {
    // Checked before the lock is taken: a refused resume leaves the directory exactly as it was.
    const saved = await store.readSpec();
    if (!saved) throw new InputError(`${dir}: no spec.resolved.json; start the sweep with \`finesweep run <spec>\``);
    const spec = withStopWhen(saved.spec as ResolvedSpec, opts.stopWhen);
    const hash = specHash(spec);
    if (hash !== saved.hash) throw specChanged(saved.hash, hash, resumeAdvice(dir));
    const trainer = await trainerOf(spec, opts.trainer);
    const lock = await store.lock({ takeOver: opts.takeOver, wait: opts.wait });
    try {
      let events = await store.events();
      const first = firstStart(events);
      if (first && first.spec_hash !== hash) throw specChanged(first.spec_hash, hash, resumeAdvice(dir));
      // The same plan as the first run: the same spec, and no more trials than it counted.
      const plan = planOf(spec, { recorded: first?.trials });
      // A new budget is recorded with the spec, so that the next resume keeps it.
      if (opts.stopWhen && Object.keys(opts.stopWhen).length > 0) await store.writeSpec(spec, saved.hash);
      const origin = { specDir: first?.spec_dir ?? dir, backend: opts.backend ?? first?.backend, resumed: true };
      if (opts.rerun) events = await withRepeats(store, plan, events, opts.rerun);
      return await runWithRepeats(store, plan, events, trainer, origin, opts);
    } finally {
      await lock.release();
    }
  } finally {
    await store.close();
  }
}

async function refuseExisting(store: Store, hash: string): Promise<void> {
  const existing = await store.readSpec();
  if (!existing) return;
  if (existing.hash === hash) {
    throw new InputError(`${store.dir} already holds this sweep; continue it with: finesweep resume ${store.dir}`);
  }
  throw specChanged(existing.hash, hash, resumeAdvice(store.dir));
}

function resumeAdvice(dir: string): string {
  return `resume ${dir} with its original spec, or give the changed sweep a new name`;
}
