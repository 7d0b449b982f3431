// Types of the sweep spec, derived from the one JSON schema so the validator and the types agree.
import type { FromSchema } from 'json-schema-to-ts';
import type { Goal, NATURAL_GOAL, Objective as DomainObjective } from '../trial/objective.js';
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

/** The metrics the built-in engine reports (a command's objective may name any other). */
export type EngineMetric = keyof typeof NATURAL_GOAL;
/** The metric an objective names: one of the engine's, or any a command's program reports. */
export type ObjectiveMetric = string;
/** A metric of a two-metric objective: a per-epoch metric, `forgetting` or `seconds`. */
export type TermMetric = (typeof sweepSchema)['definitions']['objective_term']['properties']['metric']['enum'][number];
export type ObjectiveGoal = Goal;
/** The spec's objective: a metric and its goal (trial/objective.ts). */
export type Objective = DomainObjective<ObjectiveMetric>;
/** One metric of a two-metric (Pareto) objective. */
export type ObjectiveTerm = DomainObjective<TermMetric | ObjectiveMetric>;

/**
 * The spec after validation: defaults filled, the objective's goal resolved to the metric's natural
 * direction, and every parameter typed (the schema's open `parameters` map types extras as unknown).
 * A two-metric objective is resolved to `objective` = its first metric (the one scalar that early
 * stopping, TPE and the best epoch need) and `objectives` = both terms (the reporter's Pareto ranking).
 * Validation guarantees learning_rate and batch_size for an engine task (`EngineSpec`); a command
 * task needs only epochs.
 */
export type ResolvedSpec = Omit<Defaulted, 'objective' | 'parameters' | '$comment'> & {
  $comment?: string | string[];
  objective: Objective;
  objectives?: [ObjectiveTerm, ObjectiveTerm];
  parameters: {
    epochs: ParameterSpec;
    [name: string]: ParameterSpec;
  };
};

/** A validated spec of the built-in engine. */
export type EngineSpec = ResolvedSpec & {
  task: EngineTaskSpec;
  parameters: { learning_rate: ParameterSpec; batch_size: ParameterSpec };
};

export type StrategyType = ResolvedSpec['strategy']['type'];
