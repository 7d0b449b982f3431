// `finesweep validate <spec>`: "ok" and a summary, or the problems one per line (exit 2).
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { renderDataTable } from '../data/render.js';
import { deriveSeed } from '../rng.js';
import type { EngineSpec, ResolvedSpec } from '../spec/types.js';
import { DEFAULT_MAX_TRIALS } from '../sweep/expand.js';
import { planFromSpecFile } from '../sweep/plan.js';
import { errorLines, explainMissingField, runDataCheck } from './data.js';
import { parseMaxTrials, planSpec } from './spec-input.js';


/** What the trials run, in one or two summary rows. */
function taskRows(spec: ResolvedSpec): Array<[string, string]> {
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

/** The dataset check on the data a spec's trials would read (same paths, split, seed and sample). */
function checkSpecData(file: string, spec: EngineSpec, coerceLabels: boolean) {
  const at = (p: string): string => {
    // Named as the user would type them from here (relative to the working directory when inside it).
    const abs = isAbsolute(p) ? p : resolve(dirname(file), p);
    const rel = relative(process.cwd(), abs);
    return rel.startsWith('..') || rel === '' ? abs : rel;
  };
  const { data } = spec.task;
  return runDataCheck({
    task: spec.task.type,
    model: at(spec.task.model),
    coerceLabels,
    data: {
      train: at(data.train),
      ...(data.validation !== undefined ? { validation: at(data.validation) } : {}),
      split: data.split,
      // As sweep/trial-config.ts derives it: the check sees the split the trials train on.
      seed: deriveSeed(spec.seed, 'data'),
      textField: data.text_field,
      labelField: data.label_field,
      ...(data.max_examples !== undefined ? { maxExamples: data.max_examples } : {}),
      ...(data.max_length !== undefined ? { maxLength: data.max_length } : {}),
    },
  });
}

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check a sweep spec (JSON or YAML) against the schema and the semantic rules')
    .argument('<spec>', 'path of the sweep spec (.json, .yaml or .yml)')
    .option('--max-trials <n>', 'largest grid accepted', parseMaxTrials, DEFAULT_MAX_TRIALS)
    .option('--no-data', "skip the dataset check of the spec's data (finesweep data)")
    .option('--coerce-labels', 'dataset check: compare labels of mixed JSON types as strings instead of refusing them')
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

Then the spec's data gets the dataset check of \`finesweep data\` (--no-data to skip it): its
findings are printed under the summary, and an error finding (a sweep on this data would be
meaningless) refuses the spec.

Exit codes: 0 valid, 2 invalid (one line per problem: file:line:col: /json/pointer: what was expected).
`,
    )
    .action(async (file: string, opts: { maxTrials: number; data: boolean; coerceLabels?: boolean }) => {
      const { spec, trials } = await planSpec(file, opts.maxTrials);
      // What `run` checks before it records anything (a command's program on PATH and executable,
      // the engine's model and data paths, the step axis): validate says "ok" only if run would
      // start. --no-data leaves the engine's files alone (a spec written for another machine).
      if (opts.data || spec.task.type === 'command') await planFromSpecFile(file, { maxTrials: opts.maxTrials });
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
      // A command's program reads its own data; only the engine's data files can be checked here.
      const report =
        opts.data && task.type !== 'command'
          ? explainMissingField(() => checkSpecData(file, spec as EngineSpec, opts.coerceLabels === true), { text: 'task.data.text_field', label: 'task.data.label_field' })
          : undefined;
      const errors = report ? errorLines(report) : [];
      const head = errors.length ? `data errors: ${file}` : `ok: ${file}`;
      process.stdout.write(`${head}\n${rows.map(([k, v]) => `  ${k.padEnd(10)}${v}`).join('\n')}\n`);
      if (report) process.stdout.write(renderDataTable(report, { color: process.stdout.isTTY === true && !process.env.NO_COLOR }));
      if (errors.length) throw new InputError(errors.map((e) => `${file}: data: ${e}`));
    });
}
