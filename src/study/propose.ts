// One parameter's value for one trial, drawn by the study's strategy through src/search/ as the
// trial suggests it: random draws from the dimension, TPE is univariate (independent per
// parameter, Optuna's default) on the finished trials that suggested that name. Pure: the same
// (seed, name, index, history) always gives the same value.
import { deriveSeed, Sfc32 } from '../rng.js';
import { sampleDimension } from '../search/random.js';
import type { FinishedTrial } from '../search/sampler.js';
import { TpeSampler } from '../search/tpe.js';
import type { Goal } from '../trial/objective.js';
import type { ParamValue } from '../trial/types.js';
import { dimensionOf, valueOf, type Distribution } from './space.js';
import type { StrategyName } from './options.js';

export interface ProposeContext {
  strategy: StrategyName;
  seed: number;
  goal: Goal;
  nStartup: number;
}

/** `history`: the finished trials in journal order, read only by the strategies that learn from them. */
type Proposer = (ctx: ProposeContext, name: string, d: Distribution, index: number, history: () => readonly FinishedTrial[]) => ParamValue;

/** The strategies a study takes: a new one is one line here. */
const PROPOSERS: Record<StrategyName, Proposer> = {
  random: (ctx, name, d, index) => sampleDimension(dimensionOf(name, d), new Sfc32(deriveSeed(ctx.seed, 'param', name, index))),
  tpe: (ctx, name, d, index, history) => {
    const sampler = new TpeSampler([dimensionOf(name, d)], { seed: deriveSeed(ctx.seed, 'param', name), goal: ctx.goal, nStartup: ctx.nStartup });
    // Only the trials that suggested this name tell anything about it.
    return sampler.propose(index, history().filter((h) => Object.hasOwn(h.params, name)))[name];
  },
};

export function proposeValue(ctx: ProposeContext, name: string, d: Distribution, index: number, history: () => readonly FinishedTrial[]): ParamValue {
  return valueOf(d, PROPOSERS[ctx.strategy](ctx, name, d, index, history));
}
