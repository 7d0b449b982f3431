// Types of the sweep spec, derived from the one JSON schema so the validator and the types agree.
import type { FromSchema } from 'json-schema-to-ts';
import type { Objective as DomainObjective } from '../trial/objective.js';
import { sweepSchema } from './schema.generated.js';

export { sweepSchema };

/** A spec as a user writes it: every field that has a default is optional. */
export type SweepSpec = FromSchema<typeof sweepSchema, { keepDefaultedPropertiesOptional: true }>;

/** The spec after ajv filled the defaults (json-schema-to-ts makes defaulted fields required). */
type Defaulted = FromSchema<typeof sweepSchema>;

/** One entry of `parameters`: `{ value }`, `{ values }` or a distribution. */
export type ParameterSpec = FromSchema<(typeof sweepSchema)['definitions']['parameter']>;

export type ObjectiveMetric = Defaulted['objective']['metric'];
/** The spec's objective: a metric the schema knows, and its goal (trial/objective.ts). */
export type Objective = DomainObjective<ObjectiveMetric>;

/**
 * The spec after validation: defaults filled, the objective's goal resolved to the metric's natural
 * direction, and every parameter typed (the schema's open `parameters` map types extras as unknown).
 */
export type ResolvedSpec = Omit<Defaulted, 'objective' | 'parameters'> & {
  objective: Objective;
  parameters: {
    learning_rate: ParameterSpec;
    batch_size: ParameterSpec;
    epochs: ParameterSpec;
    [name: string]: ParameterSpec;
  };
};

export type StrategyType = ResolvedSpec['strategy']['type'];
export type TaskType = ResolvedSpec['task']['type'];
