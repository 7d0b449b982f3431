// A sweep session: open the sweep's store, check the spec against the one it started with (its
// hash), take the lock, and hand the trials to the supervisor. `runSweep` starts a sweep from a
// spec; `resumeSweep` continues one from its directory.
import { resolve } from 'node:path';
import { InputError } from '../errors.js';
import { specHash } from '../spec/hash.js';
import { loadSpec } from '../spec/load.js';
import type { ResolvedSpec } from '../spec/types.js';
import type { JournalEvent } from '../store/events.js';
import { JournalStore } from '../store/journal-store.js';
import type { Store } from '../store/store.js';
import { loadTrainer, trainerModule } from '../trainers/registry.js';
import { stepAxisProblem } from '../schedule/index.js';
import { expandTrials } from './expand.js';
import { withStopWhen } from './budget.js';
import type { RunOptions, SweepOutcome, SweepRunOptions } from './options.js';
import { Supervisor } from './supervisor.js';

export type { RunOptions, SweepOutcome, SweepProgress, SweepRunOptions } from './options.js';

/** Start a sweep from its spec file. Refuses a directory that already holds a sweep. */
export async function runSweep(specPath: string, opts: RunOptions = {}): Promise<SweepOutcome> {
  const { spec, baseDir } = await loadSpec(specPath);
  const hash = specHash(spec);
  const dir = resolve(opts.resultsDir ?? 'results', spec.name);
  const planned = expandTrials(spec, { maxTrials: opts.maxTrials });
  const trainerUrl = opts.trainer ?? trainerModule(spec.task.type);
  const trainer = await loadTrainer(trainerUrl);
  // Inputs the trainer can check (paths, programs) are checked before the sweep directory exists.
  await trainer.check?.(spec.task, { specDir: baseDir, specPath, backend: opts.backend ?? spec.resources.backend });
  const stepProblem = stepAxisProblem(spec, trainer.reportsSteps?.(spec.task) ?? false);
  if (stepProblem !== undefined) throw new InputError(`${specPath}: ${stepProblem}`);
  const store = await JournalStore.open(dir, { create: true });
  await refuseExisting(store, hash);
  const lock = await store.lock();
  try {
    // Checked again under the lock: another controller may have started it meanwhile.
    await refuseExisting(store, hash);
    await store.writeSpec(spec, hash);
    const origin = { specDir: baseDir, backend: opts.backend, resumed: false };
    return await new Supervisor(store, spec, planned, [], { trainerUrl, trainer }, origin, opts).run();
  } finally {
    await lock.release();
    await store.close();
  }
}

/** Continue a sweep from its directory: finished trials stay finished, interrupted ones continue. */
export async function resumeSweep(dir: string, opts: SweepRunOptions = {}): Promise<SweepOutcome> {
  const store = await JournalStore.open(dir, { create: false });
  try {
    // Checked before the lock is taken: a refused resume leaves the directory exactly as it was.
    const saved = await store.readSpec();
    if (!saved) throw new InputError(`${dir}: no spec.resolved.json; start the sweep with \`finesweep run <spec>\``);
    const spec = withStopWhen(saved.spec as ResolvedSpec, opts.stopWhen);
    const hash = specHash(spec);
    if (hash !== saved.hash) throw specChanged(saved.hash, hash, dir);
    const trainerUrl = opts.trainer ?? trainerModule(spec.task.type);
    const trainer = await loadTrainer(trainerUrl);
    const lock = await store.lock({ takeOver: opts.takeOver });
    try {
      const events = await store.events();
      const first = events.find((e): e is Extract<JournalEvent, { type: 'sweep_started' }> => e.type === 'sweep_started');
      if (first && first.spec_hash !== hash) throw specChanged(first.spec_hash, hash, dir);
      // The same plan as the first run: the same spec, and no more trials than it counted.
      const planned = expandTrials(spec, { maxTrials: first?.trials }).slice(0, first?.trials);
      // A new budget is recorded with the spec, so that the next resume keeps it.
      if (opts.stopWhen && Object.keys(opts.stopWhen).length > 0) await store.writeSpec(spec, saved.hash);
      const origin = { specDir: first?.spec_dir ?? dir, backend: opts.backend ?? first?.backend, resumed: true };
      return await new Supervisor(store, spec, planned, events, { trainerUrl, trainer }, origin, opts).run();
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
  throw specChanged(existing.hash, hash, store.dir);
}

function specChanged(was: string, now: string, dir: string): InputError {
  return new InputError(
    `spec changed since the sweep started (hash ${was} ≠ ${now}); ` +
      `resume ${dir} with its original spec, or give the changed sweep a new name`,
  );
}
