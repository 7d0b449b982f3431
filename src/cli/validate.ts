// `finesweep validate <spec>`: "ok" and a summary, or the problems one per line (exit 2).
import type { Command } from 'commander';
import { DEFAULT_MAX_TRIALS } from '../sweep/expand.js';
import type { AnyResolvedSpec } from '../spec/types.js';
import { parseMaxTrials, planSpec } from './spec-input.js';

/** What the trials run, in one or two summary rows. */
function taskRows(spec: AnyResolvedSpec): Array<[string, string]> {
  const { task } = spec;
  if (task.type === 'command') {
    const cwd = task.cwd !== undefined ? ` (in ${task.cwd})` : '';
    return [['task', `command ${JSON.stringify(task.command.join(' '))}${cwd}`]];
  }
  const data = task.data.validation !== undefined ? `validation ${task.data.validation}` : `split ${task.data.split}`;
  return [
    ['task', `${task.type}, method ${spec.parameters.method !== undefined ? 'swept' : task.method}, model ${task.model}`],
    ['data', `${task.data.train} (${data})`],
  ];
}

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check a sweep spec (JSON or YAML) against the schema and the semantic rules')
    .argument('<spec>', 'path of the sweep spec (.json, .yaml or .yml)')
    .option('--max-trials <n>', 'largest grid accepted', parseMaxTrials, DEFAULT_MAX_TRIALS)
    .addHelpText(
      'after',
      `
Examples:
  $ finesweep validate sweeps/spam-grid.json
  ok: sweeps/spam-grid.json
    name      spam-grid
    ...

  $ finesweep validate bad.yaml
  finesweep: bad.yaml:11:20: /parameters/epochs/value: epochs must be an integer >= 1, got 0

Exit codes: 0 valid, 2 invalid (one line per problem: file:line:col: /json/pointer: what was expected).
`,
    )
    .action(async (file: string, opts: { maxTrials: number }) => {
      const { spec, trials } = await planSpec(file, opts.maxTrials);
      const { task, strategy } = spec;
      const count =
        strategy.type === 'tpe'
          ? `${strategy.trials} (${trials.length} random startup trials, then TPE proposals)`
          : String(trials.length);
      const rows: Array<[string, string]> = [
        ['name', spec.name],
        ...taskRows(spec),
        ['strategy', strategy.type],
        ['trials', count],
        ['objective', `${spec.objective.goal} ${spec.objective.metric}`],
        ['seed', String(spec.seed)],
      ];
      process.stdout.write(`ok: ${file}\n${rows.map(([k, v]) => `  ${k.padEnd(10)}${v}`).join('\n')}\n`);
    });
}
