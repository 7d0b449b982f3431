// Types of the sweep spec, derived from the one JSON schema so the validator and the types agree.
import type { Objective as DomainObjective, Goal } from '../trial/objective.js';
import type { FromSchema } from 'json-schema-to-ts';
import { sweepSchema } from './schema.generated.js';

export { sweepSchema };

/** A spec as a user writes it: every field that has a default is optional. */
export type SweepSpec = FromSchema<typeof sweepSchema, { keepDefaultedPropertiesOptional: true }>;

/** The spec after ajv filled the defaults (json-schema-to-ts makes defaulted fields required). */
type Defaulted = FromSchema<typeof sweepSchema>;

/** One entry of `parameters`: `{ value }`, `{ values }` or a distribution. */
export type ParameterSpec = FromSchema<(typeof sweepSchema)['definitions']['parameter']>;

/** A per-epoch metric: what the schedulers, TPE and the best epoch read. */
export type ObjectiveMetric = (typeof sweepSchema)['properties']['objective']['properties']['metric']['enum'][number];
/** A metric of a two-metric objective: a per-epoch metric, `forgetting` or `seconds`. */
export type TermMetric = (typeof sweepSchema)['definitions']['objective_term']['properties']['metric']['enum'][number];
export type ObjectiveGoal = Goal;
/** The spec's objective: a metric the schema knows, and its goal (trial/objective.ts). */
export type Objective = DomainObjective<ObjectiveMetric>;
/** One metric of a two-metric (Pareto) objective. */
export type ObjectiveTerm = DomainObjective<TermMetric>;

/**
 * The spec after validation: defaults filled, the objective's goal resolved to the metric's natural
 * direction, and every parameter typed (the schema's open `parameters` map types extras as unknown).
 * A two-metric objective is resolved to `objective` = its first metric (the one scalar that early
 * stopping, TPE and the best epoch need) and `objectives` = both terms (the reporter's Pareto ranking).
 */
export type ResolvedSpec = Omit<Defaulted, 'objective' | 'parameters' | '$comment'> & {
  $comment?: string | string[];
  objective: Objective;
  objectives?: [ObjectiveTerm, ObjectiveTerm];
  parameters: {
    learning_rate: ParameterSpec;
    batch_size: ParameterSpec;
    epochs: ParameterSpec;
    [name: string]: ParameterSpec;
  };
};

export type StrategyType = ResolvedSpec['strategy']['type'];
export type TaskType = ResolvedSpec['task']['type'];
