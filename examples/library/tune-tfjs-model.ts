// Tunes your own TensorFlow.js model: a few lines of tf.sequential on a synthetic two-class
// problem, its hidden units, learning rate and dropout drawn by TPE, each epoch reported so that
// the median rule stops trials that fall behind.
//
//   npm run build && node dist/examples/library/tune-tfjs-model.js
//   node bin/finesweep.js report results/library-tfjs
//
// Options: --storage <dir> --trials <n>
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { createStudy, type Trial } from 'finesweep';

const { values: args } = parseArgs({ options: { storage: { type: 'string', default: 'results/library-tfjs' }, trials: { type: 'string', default: '12' } } });

// Two noisy interleaved half-moons: 400 points, 300 to train and 100 to validate.
function moons(n: number, seed: number): { x: number[][]; y: number[] } {
  let s = seed;
  const rand = (): number => ((s = (s * 1664525 + 1013904223) % 2 ** 32) / 2 ** 32);
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    const t = Math.PI * rand();
    x.push([label ? 1 - Math.cos(t) : Math.cos(t), (label ? 0.5 - Math.sin(t) : Math.sin(t)) + 0.2 * (rand() - 0.5)]);
    y.push(label);
  }
  return { x, y };
}
const data = moons(400, 1);
const [xTrain, xVal] = [tf.tensor2d(data.x.slice(0, 300)), tf.tensor2d(data.x.slice(300))];
const [yTrain, yVal] = [tf.tensor2d(data.y.slice(0, 300), [300, 1]), tf.tensor2d(data.y.slice(300), [100, 1])];

const study = await createStudy({
  name: 'library-tfjs',
  storage: args.storage,
  seed: 1,
  objective: 'val_loss',
  strategy: 'tpe',
  early_stopping: { type: 'median', min_steps: 5, min_trials: 3 },
});

async function objective(trial: Trial): Promise<void> {
  const units = trial.suggestInt('units', 4, 64, { log: true });
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [2], units, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: trial.seed }) }),
      tf.layers.dropout({ rate: trial.suggestFloat('dropout', 0, 0.5), seed: trial.seed }),
      tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: trial.seed + 1 }) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(trial.suggestFloat('learning_rate', 1e-3, 1e-1, { log: true })), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  try {
    for (let epoch = 1; epoch <= 20; epoch++) {
      const h = await model.fit(xTrain, yTrain, { epochs: 1, batchSize: 32, shuffle: false, validationData: [xVal, yVal], verbose: 0 });
      const at = (...keys: string[]): number => Number(keys.map((k) => h.history[k]?.[0]).find((v) => v !== undefined));
      await trial.report(epoch, { val_loss: at('val_loss'), train_loss: at('loss'), val_accuracy: at('val_acc', 'val_accuracy'), train_accuracy: at('acc', 'accuracy') });
      if (await trial.shouldStop()) return;
    }
  } finally {
    model.dispose();
  }
}

await study.optimize(objective, { trials: Number(args.trials) });
console.log(`best: ${study.bestTrial?.id} val_loss ${study.bestTrial?.value?.toFixed(4)} with ${JSON.stringify(study.bestTrial?.params)}`);
await study.close();
