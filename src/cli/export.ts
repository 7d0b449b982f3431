// `finesweep export <sweep-dir> [--trial ID | --best] --out DIR`: a trial's kept best-epoch weights
// as a self-contained model directory with a model card (exported.ts), for `finesweep predict`.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { selectBackend } from '../engine/backend.js';
import { exportModel, TASK_FILE } from '../engine/exported.js';
import { bestWeightsPath } from '../engine/kept.js';
import { InputError } from '../errors.js';
import { buildLeaderboard } from '../report/view/leaderboard.js';
import { fmtPoint } from '../report/format.js';
import type { ResolvedSpec } from '../spec/types.js';
import { TRIALS_DIR } from '../store/layout.js';
import { readSweep } from '../store/read.js';

interface ExportFlags {
  trial?: string;
  best?: boolean;
  out: string;
  adapters?: boolean;
}

/** An --out that would be replaced must be missing, empty, or an earlier export. */
function checkOut(out: string): void {
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory()) throw new InputError(`--out: ${out} is a file; expected a new directory (or an earlier export)`);
  if (readdirSync(out).length > 0 && !existsSync(join(out, TASK_FILE))) {
    throw new InputError(`--out: ${out} is a non-empty directory that is not an exported model; choose a new directory`);
  }
}

export async function exportCommand(dir: string, flags: ExportFlags): Promise<string> {
  if (flags.trial !== undefined && flags.best) throw new InputError('--trial and --best: give one of them (--best is the default)');
  const out = resolve(flags.out);
  checkOut(out);
  const sweep = await readSweep(dir);
  const spec = sweep.spec as ResolvedSpec;
  // A command trial's weights are its program's, in its own format: finesweep cannot package them.
  if (spec.task.type === 'command') throw new InputError(`${dir}: sweep "${spec.name}" ran a command task; export packages only the built-in engine's fine-tunes (the program's own checkpoints are in each trial's checkpoint/ directory)`);
  const task = spec.task;
  const lb = buildLeaderboard({ spec, state: sweep.state, planned: [] });
  let id: string;
  if (flags.trial !== undefined) {
    if (!sweep.state.trials.has(flags.trial)) {
      const known = [...sweep.state.trials.keys()];
      throw new InputError(`--trial: no trial ${JSON.stringify(flags.trial)} in ${dir} (its trials: ${known.slice(0, 8).join(', ')}${known.length > 8 ? ', ...' : ''})`);
    }
    id = flags.trial;
  } else {
    const best = lb.rows.find((r) => r.rank === 1);
    if (!best) throw new InputError(`${dir}: no ranked trial to export yet (no trial has completed); name one with --trial`);
    id = best.id;
  }
  const row = lb.rows.find((r) => r.id === id)!;
  const trialDir = join(resolve(dir), TRIALS_DIR, id);
  const kept = bestWeightsPath(trialDir);
  if (!existsSync(kept)) {
    const removed = sweep.events.find((e) => e.type === 'trial_files_removed' && e.trial_id === id && e.what === 'weights');
    const why = removed?.type === 'trial_files_removed' ? `the retention policy removed them (${removed.reason})` : 'it finished no epoch, or ran before finesweep kept weights';
    throw new InputError(`trial ${id}: its best-epoch weights were not kept: ${why} (${kept} is missing)`);
  }
  const specDir = sweep.events.find((e) => e.type === 'sweep_started' && e.spec_dir !== undefined);
  const base = specDir?.type === 'sweep_started' && specDir.spec_dir ? specDir.spec_dir : resolve(dir);
  const modelDir = isAbsolute(task.model) ? task.model : resolve(base, task.model);
  const trial = sweep.state.trials.get(id)!;
  const epoch = trial.epochs.find((m) => m.epoch === row.best?.epoch);
  const report = trial.dataReport;
  // wasm: a forward pass needs no GPU, and loading native tfjs prints kernel warnings on stderr.
  await selectBackend('wasm');
  const { meta, files } = await exportModel({
    baseModelDir: modelDir,
    keptPath: kept,
    outDir: out,
    adapters: flags.adapters,
    ...(task.data.max_length !== undefined ? { maxLength: task.data.max_length } : {}),
    card: {
      name: `${spec.name}-${id}`,
      sweep: spec.name,
      sweepDir: resolve(dir),
      specHash: sweep.hash,
      trial: id,
      status: trial.status,
      rank: row.rank,
      params: trial.params,
      objective: lb.objective,
      bestEpoch: row.best?.epoch,
      metrics: epoch ? Object.fromEntries(Object.entries(epoch).filter(([k]) => k !== 'steps')) : undefined,
      flags: row.flags.map((f) => ({ name: f.name, detail: f.detail })),
      data: report
        ? {
            train: { file: report.train.file, count: report.train.count, labels: report.train.labels },
            validation: { file: report.validation.file, count: report.validation.count, labels: report.validation.labels },
            leakage: report.leakage.count,
            warnings: report.warnings,
            ...(report.shots ? { shots: report.shots } : {}),
            ...(report.training ? { training: report.training } : {}),
          }
        : undefined,
    },
  });
  const value = meta.value;
  return `exported trial ${id} (${meta.metric} ${Number.isFinite(value) ? value.toPrecision(4) : value} at ${fmtPoint(meta)}) to ${flags.out}: ${files.join(', ')}\n`;
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description("write a trial's best-epoch model (the best trial by default) as a self-contained model directory with a model card")
    .argument('<sweep-dir>', 'the sweep directory (results/<sweep-name>)')
    .option('--trial <id>', 'the trial to export (default: the best-ranked one)')
    .option('--best', 'export the best-ranked trial (the default)')
    .option('--adapters', 'LoRA: keep the adapters apart (adapters.fsw) instead of merging them into the weights')
    .requiredOption('--out <dir>', 'the model directory to write (new, empty, or an earlier export)')
    .addHelpText(
      'after',
      `
Examples:
  $ finesweep export results/spam-grid --out models/spam
  $ finesweep export results/spam-lora --trial t003-lr1e-3 --adapters --out models/spam-lora
  $ finesweep predict models/spam emails.jsonl
`,
    )
    .action(async (dir: string, flags: ExportFlags) => {
      process.stdout.write(await exportCommand(dir, flags));
    });
}
