// Types of the sweep spec, derived from the one JSON schema so the validator and the types agree.
import type { FromSchema } from 'json-schema-to-ts';
import { sweepSchema } from './schema.generated.js';

export { sweepSchema };

/** A spec as a user writes it: every field that has a default is optional. */
export type SweepSpec = FromSchema<typeof sweepSchema, { keepDefaultedPropertiesOptional: true }>;

/** The spec after ajv filled the defaults (json-schema-to-ts makes defaulted fields required). */
type Defaulted = FromSchema<typeof sweepSchema>;

/** One entry of `parameters`: `{ value }`, `{ values }` or a distribution. */
export type ParameterSpec = FromSchema<(typeof sweepSchema)['definitions']['parameter']>;

/** The spec's `task`, one of the schema's branches (keyed by `type`). */
export type TaskSpec = Defaulted['task'];
/** A task of the built-in TensorFlow.js engine. */
export type EngineTaskSpec = Exclude<TaskSpec, { type: 'command' }>;
/** A task that runs the user's program (the command trainer). */
export type CommandTaskSpec = Extract<TaskSpec, { type: 'command' }>;
export type TaskType = TaskSpec['type'];

/** The metrics the built-in engine reports, which its objective may name. */
export type ObjectiveMetric = 'val_loss' | 'val_accuracy' | 'val_f1' | 'val_perplexity' | 'train_loss';
export type ObjectiveGoal = 'minimize' | 'maximize';
export interface Objective {
  metric: ObjectiveMetric;
  goal: ObjectiveGoal;
}

type Shared = Omit<Defaulted, 'objective' | 'parameters' | 'task'>;

/**
 * A validated spec of the built-in engine: defaults filled, the objective's goal resolved to the
 * metric's natural direction, and every parameter typed (the schema's open `parameters` map types
 * extras as unknown).
 */
export type ResolvedSpec = Shared & {
  task: EngineTaskSpec;
  objective: Objective;
  parameters: {
    learning_rate: ParameterSpec;
    batch_size: ParameterSpec;
    epochs: ParameterSpec;
    [name: string]: ParameterSpec;
  };
};

/** A validated spec of a command task: its objective may name any metric its program reports. */
export type ResolvedCommandSpec = Shared & {
  task: CommandTaskSpec;
  objective: { metric: string; goal: ObjectiveGoal };
  parameters: { epochs: ParameterSpec; [name: string]: ParameterSpec };
};

/** What validation returns: a spec of either kind of task. */
export type AnyResolvedSpec = ResolvedSpec | ResolvedCommandSpec;

export type StrategyType = ResolvedSpec['strategy']['type'];
