// `finesweep plan <spec>`: the trials a sweep would run, as a table or (--json) for machines.
import type { Command } from 'commander';
import type { ParamValue } from '../trial/types.js';
import { specHash } from '../spec/hash.js';
import { toSpace } from '../search/space.js';
import { DEFAULT_MAX_TRIALS } from '../sweep/expand.js';
import { parseMaxTrials, planSpec } from './spec-input.js';
import { boxTable } from '../report/render/box.js';

/** Learning rates span decades, so they read best in scientific notation; other floats keep 4 digits. */
export function formatParam(name: string, value: ParamValue | undefined): string {
  if (typeof value !== 'number') return value === undefined ? '' : String(value);
  if (Number.isInteger(value) && name !== 'learning_rate') return String(value);
  if (name === 'learning_rate' || (value !== 0 && Math.abs(value) < 1e-3)) {
    return value.toExponential(2).replace(/\.?0+e/, 'e');
  }
  return String(Number(value.toPrecision(4)));
}

export function registerPlan(program: Command): void {
  program
    .command('plan')
    .description('show the trials a sweep spec expands into, without running them')
    .argument('<spec>', 'path of the sweep spec (.json, .yaml or .yml)')
    .option('--json', 'print the plan as JSON (name, strategy, specHash, trials)')
    .option('--max-trials <n>', 'largest grid accepted', parseMaxTrials, DEFAULT_MAX_TRIALS)
    .addHelpText(
      'after',
      `
Examples:
  $ finesweep plan sweeps/spam-grid.json
  $ finesweep plan sweeps/spam-random.yaml --json
  $ finesweep plan big-grid.json --max-trials 20000
`,
    )
    .action(async (file: string, opts: { json?: boolean; maxTrials: number }) => {
      const { spec, trials } = await planSpec(file, opts.maxTrials);
      const strategy = spec.strategy;
      if (opts.json) {
        const plan = { name: spec.name, strategy: strategy.type, specHash: specHash(spec), count: trials.length, trials };
        process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
        return;
      }
      const names = toSpace(spec.parameters).map((d) => d.name);
      const table = boxTable(['#', 'id', ...names], trials.map((t) => [String(t.index), t.id, ...names.map((n) => formatParam(n, t.params[n]))]));
      const tail =
        strategy.type === 'tpe'
          ? `${trials.length} random startup trials; TPE proposes the other ${(strategy.trials ?? 0) - trials.length} at run time`
          : `${trials.length} trials (${strategy.type})`;
      process.stdout.write(`${table}\n${tail}\n`);
    });
}
