// The names of the Trainer port and the trial domain that the command trainer uses, in one place.
export type { EndedBy, Params, EpochMetrics, TrialEvent, TrialOutcome, TrialResult } from '../../trial/types.js';
export type { Trainer, TrainerContext, TrainerRunOptions, TrialPlace, TrialRequest } from '../trainer.js';
