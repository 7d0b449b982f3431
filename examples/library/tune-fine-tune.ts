// Tunes the built-in TensorFlow.js fine-tune in-process: learning rate × batch size, with ASHA
// stopping the weak trials after their first epochs. Every epoch is reported to the study (so
// ASHA, the diagnosis and `finesweep report` see it) and a stopped trial's training is aborted.
//
//   npm run build && node dist/examples/library/tune-fine-tune.js            # 8 trials on the spam data
//   node bin/finesweep.js report results/library-finetune                      # the same leaderboard, from the CLI
//
// Options: --storage <dir> --trials <n> --epochs <n> --max-examples <n> --model <dir> --data <file.jsonl>
import { parseArgs } from 'node:util';
import { BASE_MODEL, createStudy, fineTune, type Trial } from 'finesweep';

const { values: args } = parseArgs({
  options: {
    storage: { type: 'string', default: 'results/library-finetune' },
    trials: { type: 'string', default: '8' },
    epochs: { type: 'string', default: '4' },
    'max-examples': { type: 'string', default: '400' },
    model: { type: 'string', default: BASE_MODEL },
    data: { type: 'string', default: 'sweeps/data/spam.jsonl' },
    backend: { type: 'string', default: 'auto' },
  },
});
const epochs = Number(args.epochs);

const study = await createStudy({
  name: 'library-finetune',
  storage: args.storage,
  seed: 7,
  objective: 'val_f1',
  strategy: { type: 'tpe', n_startup_trials: 4 },
  early_stopping: { type: 'asha', min_steps: 1, reduction_factor: 2, max_steps: epochs },
});

async function objective(trial: Trial): Promise<void> {
  const stop = new AbortController();
  await fineTune(
    {
      trialId: trial.id,
      seed: trial.seed,
      task: { type: 'classification', model: args.model, data: { train: args.data, split: 0.25, maxExamples: Number(args['max-examples']) }, method: 'top_k', topK: 1 },
      params: {
        learning_rate: trial.suggestFloat('learning_rate', 1e-4, 1e-2, { log: true }),
        batch_size: trial.suggestCategorical('batch_size', [8, 16, 32]),
        epochs,
      },
      backend: args.backend as 'auto',
      dir: study.trialDir(trial),
    },
    {
      signal: stop.signal,
      // This study counts epochs: the engine's optimizer `step` is left out (report it as the
      // step instead, with min_steps in optimizer steps, to count those).
      onEvaluation: async ({ step: _optimizerSteps, ...metrics }) => {
        await trial.report(metrics.epoch, metrics);
        if (await trial.shouldStop()) stop.abort();
      },
    },
  );
  // Returning nothing: the trial's objective is the best val_f1 it reported.
}

await study.optimize(objective, { trials: Number(args.trials) });
const best = study.bestTrial;
console.log(`best: ${best?.id} val_f1 ${best?.value?.toFixed(4)} with ${JSON.stringify(best?.params)}`);
for (const line of study.leaderboard().advice) console.log(`${line.flag} (${line.trials.join(', ')}): ${line.advice}`);
await study.close();
