// The fine-tune of a loaded base model: data, task (head or LM), training loop with validation at
// each epoch's end and every eval_every_steps steps (step-plan.ts), a checkpoint at each
// evaluation and resume from it, divergence and abort handling, forgetting probe.
import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs';
import { AdamW } from './optimizer.js';
import { ClassificationHead, type Pooling } from './classifier.js';
import { rmSync } from 'node:fs';
import { loadLatestCheckpoint, saveCheckpoint, type CheckpointMeta } from './checkpoint.js';
import { checkpointDir } from '../trial/layout.js';
import { loadTrialData, type Example, type TrialData } from './data/dataset.js';
import { mixSeed, mulberry32, shuffled } from '../rng.js';
import { ForgettingProbe } from './forgetting.js';
import { accuracy, macroF1, newAccumulator, perplexity, stepStride, type EpochAccumulator } from './metrics.js';
import { trainableVariables } from './freeze.js';
import { learningRate } from './lr-schedule.js';
import { evaluatesAt, stepPlan } from './step-plan.js';
import { GradientSum, gradAccumOf } from './grad-accum.js';
import { LoraAdapters, loraConfigOf } from './lora.js';
import { bestWeightsPath, lastWeightsPath, readKeptMeta, saveKept, type KeptMeta } from './kept.js';
import { InputError } from '../errors.js';
import type { TransformerLM } from './model.js';
import type { Tokenizer } from './tokenizer.js';
import type { BackendName, RunTrialOptions, TrialConfig } from './types.js';
import type { EpochMetrics, TrainingReport, TrialEvent, TrialResult } from '../trial/types.js';

/** Examples per forward pass when evaluating (no gradients, so larger than training batches). */
const EVAL_BATCH = 64;

interface Batch {
  tokens: tf.Tensor2D; // int32 [B, L], right-padded
  mask: tf.Tensor2D; // float32 [B, L], 1 on real tokens
  lengths: number[];
  labels?: number[];
  /** Predicted tokens in the batch (causal-lm loss weight). */
  targets: number;
}

function makeBatch(examples: Example[], pad: number): Batch {
  const width = Math.max(...examples.map((e) => e.ids.length));
  const ids = new Int32Array(examples.length * width).fill(pad);
  const mask = new Float32Array(examples.length * width);
  examples.forEach((e, b) => {
    ids.set(e.ids, b * width);
    mask.fill(1, b * width, b * width + e.ids.length);
  });
  const lengths = examples.map((e) => e.ids.length);
  return {
    tokens: tf.tensor2d(ids, [examples.length, width], 'int32'),
    mask: tf.tensor2d(mask, [examples.length, width]),
    lengths,
    labels: examples[0].label === undefined ? undefined : examples.map((e) => e.label!),
    targets: lengths.reduce((a, n) => a + Math.max(n - 1, 0), 0),
  };
}

function disposeBatch(b: Batch): void {
  b.tokens.dispose();
  b.mask.dispose();
}

/**
 * What shapes training: a checkpoint is resumed only by the same configuration on the same data.
 * The examples (token ids and labels, after the split) count too: a data file edited in place keeps
 * its path, and its old checkpoint must not be resumed into the new data.
 */
export function fingerprint(config: TrialConfig, data: Pick<TrialData, 'train' | 'validation'>): string {
  const { trialId, seed, task, params } = config;
  const hash = createHash('sha256').update(JSON.stringify({ trialId, seed, task, params }));
  for (const side of [data.train, data.validation]) {
    for (const e of side) hash.update(Int32Array.from([e.label ?? -1, ...e.ids]));
    hash.update('|');
  }
  return hash.digest('hex').slice(0, 16);
}

/** The fine-tune task: the loss on a batch and its evaluation, over the model (and head). */
interface Task {
  /** Trainable variables under logical names. */
  trainable: Record<string, tf.Variable>;
  /** Loss on a batch (mean per example or per predicted token); stores predictions if asked. */
  loss(batch: Batch, training: boolean, seed: number, keep?: (preds: tf.Tensor) => void): tf.Scalar;
  dispose(): void;
}

function classificationTask(model: TransformerLM, head: ClassificationHead, trainable: Record<string, tf.Variable>, dropout: number, numClasses: number): Task {
  return {
    trainable,
    loss(batch, training, seed, keep) {
      const pool = head.poolWeights(batch.lengths, batch.tokens.shape[1]);
      try {
        const h = model.hidden(batch.tokens, { training, dropout, seed });
        const logits = head.logits(h, pool, training ? dropout : 0, mixSeed(seed, 0xc1a5));
        if (keep) keep(tf.keep(tf.argMax(logits, 1)));
        const onehot = tf.oneHot(tf.tensor1d(batch.labels!, 'int32'), numClasses);
        return tf.losses.softmaxCrossEntropy(onehot, logits) as tf.Scalar;
      } finally {
        pool.dispose();
      }
    },
    dispose: () => head.dispose(),
  };
}

function causalTask(model: TransformerLM, trainable: Record<string, tf.Variable>, dropout: number): Task {
  return {
    trainable,
    loss: (batch, training, seed) => model.lmLoss(batch.tokens, batch.mask, { training, dropout, seed }),
    dispose: () => undefined,
  };
}

/** What the fine-tune needs of a loaded base model; fineTune disposes the model. */
export interface BaseModel {
  model: TransformerLM;
  tokenizer: Tokenizer;
  probeTexts: string[];
}

/** The fine-tune proper, on a loaded base model (runTrial loads it; tests may build one). */
export async function fineTune(config: TrialConfig, opts: RunTrialOptions, base: BaseModel, backend: BackendName, started = performance.now()): Promise<TrialResult> {
  const emit = (e: TrialEvent) => opts.onEvent?.(e);
  const p = config.params;
  const { model, tokenizer, probeTexts } = base;
  let task: Task | undefined;
  let probe: ForgettingProbe | undefined;
  let optimizer: AdamW | undefined;
  let lora: LoraAdapters | undefined;
  try {
    const taskType = config.task.type;
    const dataConfig = { ...config.task.data, ...shotsOf(config) };
    const data = loadTrialData(dataConfig, taskType, config.seed, tokenizer, model.config.contextLength);
    const dropout = Number(p.dropout ?? 0);
    const method = config.task.method;
    let body = trainableVariables(model, taskType, method, config.task.topK);
    if (method === 'lora') {
      lora = new LoraAdapters(model, loraConfigOf(p), mixSeed(config.seed, 0x10a));
      body = lora.variables();
    }
    let head: ClassificationHead | undefined;
    if (taskType === 'classification') {
      const pooling = (p.pooling ?? 'mean') as Pooling;
      if (pooling !== 'mean' && pooling !== 'last') throw new InputError(`params.pooling: expected "mean" or "last", got "${pooling}"`);
      head = new ClassificationHead(model.config.dModel, data.labels!.length, mixSeed(config.seed, 0x4ead), pooling);
      task = classificationTask(model, head, { ...body, ...head.variables() }, dropout, data.labels!.length);
    } else {
      task = causalTask(model, body, dropout);
    }
    data.report.training = trainingReport(config, task.trainable, model.parameterCount() + (head ? head.kernel.size + head.bias.size : 0) + sizeOf(body, lora), data.train.length, lora);
    if (data.report.training.requestedBatchSize !== undefined) {
      data.report.warnings.push(`batch: ${data.train.length} training example(s), fewer than batch_size ${data.report.training.requestedBatchSize}; the batch shrank to ${data.train.length}`);
    }
    emit({ type: 'data_report', report: data.report });
    if (config.task.forgetting && probeTexts.length > 0) {
      probe = ForgettingProbe.create(model, tokenizer, probeTexts, taskType === 'classification');
    }
    optimizer = new AdamW({ weightDecay: Number(p.weight_decay ?? 0) });
    const kept: Omit<KeptMeta, 'epoch' | 'step' | 'value' | 'fingerprint' | 'kind'> = {
      trialId: config.trialId,
      taskType,
      method,
      metric: trialObjective(config).metric,
      ...(data.labels ? { labels: data.labels } : {}),
      ...(head ? { pooling: head.pooling } : {}),
      ...(lora ? { lora: { ...lora.config } } : {}),
      params: Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) as KeptMeta['params'],
    };
    return await train(config, opts, { data, task, optimizer, probe, pad: tokenizer.pad, backend, started, kept, batchSize: data.report.training.batchSize });
  } finally {
    task?.dispose();
    probe?.dispose();
    optimizer?.dispose();
    lora?.dispose();
    model.dispose();
  }
}

/** Few-shot from the parameter `shots` (an integer, or "all" for no limit), else task.data.shots. */
function shotsOf(config: TrialConfig): { shots?: number } {
  const v = config.params.shots;
  if (v === undefined) return config.task.data.shots === undefined ? {} : { shots: config.task.data.shots };
  if (v === 'all') return { shots: undefined };
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1) return { shots: v };
  throw new InputError(`params.shots: expected an integer >= 1 or "all", got ${JSON.stringify(v)}`);
}

/** Parameters of the adapters (the body of a lora trial is only its adapters). */
function sizeOf(body: Record<string, tf.Variable>, lora: LoraAdapters | undefined): number {
  return lora ? Object.values(body).reduce((n, v) => n + v.size, 0) : 0;
}

function trainingReport(config: TrialConfig, trainable: Record<string, tf.Variable>, total: number, trainCount: number, lora?: LoraAdapters): TrainingReport {
  const n = Object.values(trainable).reduce((a, v) => a + v.size, 0);
  const requested = Math.floor(config.params.batch_size);
  const batchSize = Math.max(1, Math.min(requested, trainCount));
  return {
    method: config.task.method,
    trainableParameters: n,
    totalParameters: total,
    checkpointBytes: n * 4 * 3,
    weightsBytes: n * 4,
    batchSize,
    ...(batchSize < requested ? { requestedBatchSize: requested } : {}),
    ...(lora ? { lora: { rank: lora.config.rank, alpha: lora.config.alpha, targets: lora.config.targets } } : {}),
  };
}

/** The metric the kept weights and the best evaluation are judged by (the sweep's objective). */
function trialObjective(config: TrialConfig): { metric: string; goal: 'minimize' | 'maximize' } {
  return config.objective ?? { metric: 'val_loss', goal: 'minimize' };
}

interface TrainParts {
  data: TrialData;
  task: Task;
  optimizer: AdamW;
  probe?: ForgettingProbe;
  pad: number;
  backend: TrialResult['backend'];
  started: number;
  /** What the kept weights files say about themselves. */
  kept: Omit<KeptMeta, 'epoch' | 'step' | 'value' | 'fingerprint' | 'kind'>;
  batchSize: number;
}

async function train(config: TrialConfig, opts: RunTrialOptions, parts: TrainParts): Promise<TrialResult> {
  const { data, task, optimizer, probe, pad } = parts;
  const emit = (e: TrialEvent) => opts.onEvent?.(e);
  const p = config.params;
  const classification = config.task.type === 'classification';
  const batchSize = parts.batchSize;
  const accum = gradAccumOf(p);
  const plan = stepPlan(config, Math.ceil(data.train.length / (batchSize * accum)));
  const { stepsPerEpoch, totalSteps } = plan;
  const schedule = String(p.lr_schedule ?? 'linear');
  const print = fingerprint(config, data);
  const result: TrialResult = { trialId: config.trialId, outcome: 'completed', epochs: [], dataReport: data.report, backend: parts.backend, seconds: 0 };
  const finish = (r: TrialResult) => ({ ...r, seconds: (performance.now() - parts.started) / 1000 });

  let epoch = 0; // completed epochs
  let batchIndex = 0; // batches of epoch `epoch + 1` trained
  let step = 0;
  let partial: EpochAccumulator | undefined;
  let basePerplexity: number | undefined;
  let best: { epoch: number; value: number } | undefined;
  let ckpt = await loadLatestCheckpoint(config.dir, config.trialId, print);
  if (ckpt?.meta.best && !(await keptMatches(bestWeightsPath(config.dir), print, ckpt.meta.best.epoch))) {
    // The best evaluation's weights went (a retention policy, a user): resuming would leave the
    // trial without them, so it starts over rather than reporting a best point it cannot hand back.
    tf.dispose(Object.values(ckpt.tensors));
    ckpt = undefined;
    rmSync(checkpointDir(config.dir), { recursive: true, force: true });
    emit({ type: 'log', message: 'restarted from scratch: the checkpoint is there but its best-epoch weights are not' });
  }
  if (ckpt) {
    for (const s of ckpt.skipped) emit({ type: 'log', message: `checkpoint skipped: ${s}` });
    restore(ckpt.tensors, ckpt.meta, task, optimizer);
    ({ epoch, batchIndex, step, partial, basePerplexity, best } = ckpt.meta);
    result.epochs = ckpt.meta.epochs;
    result.initialValLoss = ckpt.meta.initialValLoss;
    // fromEpoch: the last evaluation the checkpoint holds (what a journal has recorded at most);
    // fromStep: where training continues (past it, when the trial was stopped between evaluations).
    emit({ type: 'resumed', fromEpoch: result.epochs[result.epochs.length - 1]?.epoch ?? 0, fromStep: step });
  } else {
    result.initialValLoss = evaluate(task, data, pad, classification).loss;
    basePerplexity = probe?.perplexity();
  }
  const checkpoint = (acc?: EpochAccumulator) =>
    saveCheckpoint(config.dir, checkpointTensors(task, optimizer), {
      trialId: config.trialId,
      fingerprint: print,
      epoch,
      batchIndex,
      step,
      epochs: result.epochs,
      partial: acc,
      initialValLoss: result.initialValLoss,
      basePerplexity,
      ...(best ? { best } : {}),
      optimizer: { step: optimizer.step },
    } satisfies CheckpointMeta);
  const objective = trialObjective(config);
  const keep = config.keep ?? 'best';
  const stride = stepStride(stepsPerEpoch);

  // One evaluation interval's running sums (the whole epoch when evaluations end epochs only).
  let acc = partial ?? newAccumulator();
  let intervalStart = performance.now();
  let order: Example[] | undefined;
  while (step < totalSteps) {
    // On wasm and cpu every await below settles as a microtask, so without one macrotask turn per
    // batch a worker thread never handles the stop message its slot sent until the epoch ends.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (opts.signal?.aborted) {
      await checkpoint(acc);
      return finish({ ...result, outcome: 'stopped', reason: `stopped in epoch ${epoch + 1} after batch ${batchIndex} of ${stepsPerEpoch}` });
    }
    if (batchIndex === 0 || order === undefined) order = shuffled(data.train, mulberry32(mixSeed(config.seed, 0xe90c, epoch)));
    // One optimizer step: grad_accum micro-batches of batchSize examples (grad-accum.ts).
    const stepExamples = order.slice(batchIndex * batchSize * accum, (batchIndex + 1) * batchSize * accum);
    const micro = Math.ceil(stepExamples.length / batchSize);
    const sum = accum > 1 ? new GradientSum() : undefined;
    let loss = 0;
    try {
      const lr = learningRate(p.learning_rate, step, totalSteps, Number(p.warmup_ratio ?? 0), schedule);
      const names = Object.keys(task.trainable);
      const vars = names.map((n) => task.trainable[n]);
      let lossSum = 0;
      let weightSum = 0;
      for (let m = 0; m < micro; m++) {
        const batch = makeBatch(stepExamples.slice(m * batchSize, (m + 1) * batchSize), pad);
        let preds: tf.Tensor | undefined;
        try {
          const seed = m === 0 ? mixSeed(config.seed, 0xd50, step) : mixSeed(config.seed, 0xd50, step, m);
          const { value, grads } = tf.variableGrads(() => task.loss(batch, true, seed, (t) => (preds = t)), vars);
          const microLoss = (await value.data())[0];
          value.dispose();
          if (!Number.isFinite(microLoss)) {
            tf.dispose(grads);
            result.epochs = result.epochs.slice();
            return finish({ ...result, outcome: 'diverged', reason: `loss became ${microLoss} at step ${step + 1} (epoch ${epoch + 1})` });
          }
          const byName: Record<string, tf.Tensor> = {};
          names.forEach((n, i) => (byName[n] = grads[vars[i].name]));
          const weight = classification ? batch.lengths.length : batch.targets;
          if (sum) sum.add(byName, weight);
          else {
            optimizer.apply(byName, task.trainable, lr);
            tf.dispose(grads);
          }
          loss = microLoss;
          lossSum += microLoss * weight;
          weightSum += weight;
          acc.lossSum += microLoss * weight;
          acc.weight += weight;
          if (preds) {
            acc.correct += Math.round(accuracy(await preds.data(), batch.labels!) * batch.labels!.length);
            acc.examples += batch.labels!.length;
          }
        } finally {
          preds?.dispose();
          disposeBatch(batch);
        }
      }
      if (sum) {
        const mean = sum.mean();
        optimizer.apply(mean, task.trainable, lr);
        tf.dispose(Object.values(mean));
        loss = lossSum / Math.max(weightSum, 1e-12);
      }
    } finally {
      sum?.dispose();
    }
    step++;
    batchIndex++;
    const inEpoch = epoch + 1;
    const evaluating = evaluatesAt(plan, step, batchIndex);
    if (batchIndex % stride === 0 || batchIndex === stepsPerEpoch || evaluating) {
      acc.steps.push([step, loss]);
      emit({ type: 'step', epoch: inEpoch, step, stepsPerEpoch, loss });
    }
    if (batchIndex === stepsPerEpoch) {
      epoch++;
      batchIndex = 0;
    }
    if (!evaluating) continue;

    const val = evaluate(task, data, pad, classification);
    const metrics: EpochMetrics = {
      // Whole at an epoch's end, fractional mid-epoch (the trial's progress in epochs).
      epoch: step / stepsPerEpoch,
      step,
      train_loss: acc.lossSum / Math.max(acc.weight, 1),
      val_loss: val.loss,
      steps: acc.steps,
      seconds: (performance.now() - intervalStart) / 1000,
    };
    if (classification) {
      metrics.train_accuracy = acc.correct / Math.max(acc.examples, 1);
      metrics.val_accuracy = val.accuracy;
      metrics.val_f1 = val.f1;
    } else {
      metrics.val_perplexity = perplexity(val.loss);
    }
    result.epochs = [...result.epochs, metrics];
    acc = newAccumulator();
    intervalStart = performance.now();
    if (!Number.isFinite(val.loss)) {
      emit({ type: 'epoch', metrics });
      return finish({ ...result, outcome: 'diverged', reason: `validation loss became ${val.loss} at step ${step} (epoch ${formatEpoch(metrics.epoch)})` });
    }
    // The best evaluation's weights are written before the checkpoint that records them as best.
    const value = metrics[objective.metric as keyof EpochMetrics];
    if (typeof value === 'number' && Number.isFinite(value) && (!best || (objective.goal === 'minimize' ? value < best.value : value > best.value))) {
      best = { epoch: metrics.epoch, value };
      await saveKept(bestWeightsPath(config.dir), task.trainable, { ...parts.kept, kind: 'best', epoch: metrics.epoch, step, value, fingerprint: print });
    }
    // A checkpoint at every evaluation, so that a resume continues from the last one. Checkpoint
    // first, then report the evaluation: a sweep journals the event at once, and a kill -9 between
    // the two must leave the checkpoint ahead of the journal (resume re-records the missed
    // evaluation), never the journal ahead of the checkpoint (resume would retrain steps it counts done).
    await checkpoint();
    emit({ type: 'epoch', metrics });
  }
  if (keep !== 'best') {
    const last = result.epochs[result.epochs.length - 1];
    const value = last?.[objective.metric as keyof EpochMetrics];
    await saveKept(lastWeightsPath(config.dir), task.trainable, { ...parts.kept, kind: 'last', epoch: step / stepsPerEpoch, step, value: typeof value === 'number' ? value : NaN, fingerprint: print });
  }
  if (probe && basePerplexity !== undefined) {
    result.forgetting = { basePerplexity, finalPerplexity: probe.perplexity() };
    emit({ type: 'forgetting', report: result.forgetting });
  }
  return finish(result);
}

/** An epoch as messages print it: whole, or to two decimals mid-epoch. */
function formatEpoch(epoch: number): string {
  return Number.isInteger(epoch) ? String(epoch) : epoch.toFixed(2);
}

/** Validation pass: mean loss (per example or per token), and accuracy + macro-F1 for classification. */
function evaluate(task: Task, data: TrialData, pad: number, classification: boolean): { loss: number; accuracy?: number; f1?: number } {
  let lossSum = 0;
  let weight = 0;
  const predicted: number[] = [];
  const truth: number[] = [];
  for (let i = 0; i < data.validation.length; i += EVAL_BATCH) {
    const batch = makeBatch(data.validation.slice(i, i + EVAL_BATCH), pad);
    let preds: tf.Tensor | undefined;
    try {
      const loss = tf.tidy(() => task.loss(batch, false, 0, (t) => (preds = t)));
      const w = classification ? batch.lengths.length : batch.targets;
      lossSum += loss.dataSync()[0] * w;
      weight += w;
      loss.dispose();
      if (preds) {
        predicted.push(...preds.dataSync());
        truth.push(...batch.labels!);
      }
    } finally {
      preds?.dispose();
      disposeBatch(batch);
    }
  }
  const loss = lossSum / Math.max(weight, 1);
  if (!classification) return { loss };
  return { loss, accuracy: accuracy(predicted, truth), f1: macroF1(predicted, truth, data.labels!.length) };
}

/** Whether a kept weights file is there, intact, of this run, and of the given epoch or later. */
async function keptMatches(path: string, print: string, epoch: number): Promise<boolean> {
  const meta = await readKeptMeta(path);
  // A newer one is from an epoch the checkpoint had not yet recorded; retraining it rewrites the file.
  return meta !== undefined && meta.fingerprint === print && meta.epoch >= epoch;
}

function checkpointTensors(task: Task, optimizer: AdamW): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (const [name, v] of Object.entries(task.trainable)) out[`var/${name}`] = v;
  for (const [name, t] of Object.entries(optimizer.getState().tensors)) out[`opt/${name}`] = t;
  return out;
}

function restore(tensors: Record<string, tf.Tensor>, meta: CheckpointMeta, task: Task, optimizer: AdamW): void {
  const opt: Record<string, tf.Tensor> = {};
  for (const [key, t] of Object.entries(tensors)) {
    if (key.startsWith('var/')) {
      const v = task.trainable[key.slice(4)];
      if (!v) throw new InputError(`checkpoint holds unknown variable '${key.slice(4)}'`);
      v.assign(t);
      t.dispose();
    } else if (key.startsWith('opt/')) {
      opt[key.slice(4)] = t;
    } else t.dispose();
  }
  optimizer.setState({ step: meta.optimizer.step, tensors: opt });
}
