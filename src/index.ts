// finesweep as a library: the one public entry (package.json "exports"). Everything it does not
// export is internal and may change; the CLI (bin/finesweep.js) is unaffected by this file.
//
//   import { createStudy } from 'finesweep';
//   const study = await createStudy({ name: 'lr', storage: 'results/lr', objective: 'val_loss', early_stopping: { type: 'asha' } });
//   await study.optimize(async (trial) => { … await trial.report(step, { val_loss }); … }, { trials: 20 });
//   console.log(study.bestTrial, study.leaderboard().rows);
//   await study.close();
//
// A study records what a CLI sweep records (the same journal or PostgreSQL events), so
// `finesweep report | dashboard | export-optuna` read a study's storage as a sweep's.
import { Study } from './study/study.js';
import type { StudyOptions } from './study/options.js';

/**
 * Opens a study: a new one, or — same name and storage — the one recorded there, its finished
 * trials kept and a trial left running by a process that ended recorded failed and asked again.
 * Bad options throw an InputError naming the field (`/objective/metric: …`).
 */
export function createStudy(options: StudyOptions): Promise<Study> {
  return Study.open(options);
}

export { Study, type StudyTrial, type TellResult } from './study/study.js';
export { Trial, type Metrics } from './study/trial.js';
export type { OptimizeOptions, ObjectiveResult } from './study/optimize.js';
export type { StudyOptions, ObjectiveOption, EarlyStoppingOption, DiagnosisOption, StrategyName, ResolvedStudyOptions } from './study/options.js';
export type { NumericOptions } from './study/space.js';
export { fineTune, BASE_MODEL, type FineTuneConfig, type FineTuneOptions } from './study/fine-tune.js';
export type { Leaderboard, LeaderboardRow } from './report/view/leaderboard.js';
export type { Params, ParamValue, EpochMetrics, TrialResult, TrialEvent, TrialOutcome, DataReport } from './trial/types.js';
export type { TrialStatus } from './trial/status.js';
export type { Goal } from './trial/objective.js';
export { FinesweepError, InputError, SweepError } from './errors.js';
