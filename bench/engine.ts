// Fine-tune throughput of the engine on the shipped base model: examples/s and tokens/s of training
// steps for classification and causal-lm, and the achieved FLOP/s as a fraction of the same
// backend's own matMul FLOP/s measured in the same run. Runnable alone: `node dist/bench/engine.js`.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { selectBackend } from '../src/engine/backend.js';
import { fineTune } from '../src/engine/fine-tune.js';
import { measureMatMulFlops } from '../src/engine/flops.js';
import { loadBaseModel } from '../src/engine/model-io.js';
import type { ModelConfig } from '../src/engine/model.js';
import type { BackendName, TrialConfig } from '../src/engine/types.js';
import type { EngineTask } from '../src/trial/method.js';

const root = join(import.meta.dirname, '..', '..');
// FINESWEEP_BENCH_MODEL benches another base model directory (same format).
const MODEL = process.env.FINESWEEP_BENCH_MODEL ?? join(root, 'models', 'base');
const DATA: Record<EngineTask, string> = { classification: join(root, 'sweeps/data/spam.jsonl'), 'causal-lm': join(root, 'sweeps/data/domain.jsonl') };

export interface EngineBenchRow {
  backend: BackendName;
  task: EngineTask;
  method: 'full';
  batchSize: number;
  /** Timed optimizer steps (the first step, which warms kernels up, is not timed). */
  steps: number;
  examplesPerSecond: number;
  /** Real (non-padding) tokens per second. */
  tokensPerSecond: number;
  /** Analytic training FLOPs (forward + backward) per second, GFLOP/s. */
  achievedGflops: number;
  /** The backend's own 512×512 matMul, GFLOP/s, measured in this run. */
  matMulGflops: number;
  /** achieved / matMul: the goal is ≥ 0.5. */
  ratio: number;
}

/**
 * Training FLOPs per token (forward + backward ≈ 3× forward, forward = 2 FLOPs per multiply-add):
 * the weight products of every block (qkv, out, two MLP layers), the attention products over a
 * sequence of length T (QKᵀ and AV), and for causal-lm the LM head. The embedding lookup and the
 * element-wise ops are not counted (they are not matMul work).
 */
export function trainFlopsPerToken(c: ModelConfig, seqLen: number, task: EngineTask): number {
  const { dModel: D, dFF: F, nLayers: L, vocabSize: V } = c;
  const weights = L * (4 * D * D + 2 * D * F);
  const attention = L * 2 * seqLen * D;
  return 6 * weights + 6 * attention + (task === 'causal-lm' ? 6 * D * V : 0);
}

async function benchOne(backend: BackendName, task: EngineTask, batchSize: number, steps: number, matMulGflops: number): Promise<EngineBenchRow> {
  const base = await loadBaseModel(MODEL);
  const config = base.model.config;
  const { tokenizer } = base;
  const dir = mkdtempSync(join(tmpdir(), 'finesweep-bench-'));
  try {
    // Training rows: the first ones of the demo set (both labels for classification); a two-row
    // validation file so that evaluation does not count against the epoch.
    const lines = readFileSync(DATA[task], 'utf8').trim().split('\n');
    const n = batchSize * (steps + 1);
    const rows = task === 'classification' ? [...lines.filter((l) => l.includes('"ham"')).slice(0, n / 2), ...lines.filter((l) => l.includes('"spam"')).slice(0, n / 2)] : lines.slice(0, n);
    const train = join(dir, 'train.jsonl');
    const val = join(dir, 'val.jsonl');
    writeFileSync(train, rows.join('\n') + '\n');
    writeFileSync(val, rows.slice(0, 2).join('\n') + '\n');
    // The same length rule as the data pipeline: BOS + text (+ EOS for causal-lm), cut to the context.
    const lengths = rows.map((r) => Math.min(tokenizer.encode((JSON.parse(r) as { text: string }).text).length + (task === 'causal-lm' ? 2 : 1), config.contextLength));
    const meanLength = lengths.reduce((a, b) => a + b, 0) / lengths.length;
    const trial: TrialConfig = {
      trialId: `bench-${task}`,
      seed: 1,
      task: { type: task, model: MODEL, data: { train, validation: val, split: 0.2, textField: 'text', labelField: 'label' }, method: 'full', topK: 1, forgetting: false },
      params: { learning_rate: 1e-4, batch_size: batchSize, epochs: 1 },
      backend,
      dir,
    };
    const stamps: number[] = [];
    const result = await fineTune(trial, { onEvent: (e) => e.type === 'step' && stamps.push(performance.now()) }, base, backend);
    if (result.outcome !== 'completed' || stamps.length < 2) throw new Error(`bench trial ${result.outcome}: ${result.reason ?? 'too few steps'}`);
    const seconds = (stamps.at(-1)! - stamps[0]) / 1000;
    const timedSteps = stamps.length - 1;
    const examplesPerSecond = (timedSteps * batchSize) / seconds;
    const tokensPerSecond = examplesPerSecond * meanLength;
    const achievedGflops = (tokensPerSecond * trainFlopsPerToken(config, meanLength, task)) / 1e9;
    return { backend, task, method: 'full', batchSize, steps: timedSteps, examplesPerSecond, tokensPerSecond, achievedGflops, matMulGflops, ratio: achievedGflops / matMulGflops };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every backend that loads here (tfjs-node(-gpu) where installed); the pure-JS cpu backend gets fewer, smaller steps (it is ~30× slower). */
export async function benchEngine(backends: BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']): Promise<EngineBenchRow[]> {
  const rows: EngineBenchRow[] = [];
  for (const backend of backends) {
    // tfjs-node-gpu and tfjs-node register the same 'tensorflow' backend: bench it once.
    if (backend === 'tensorflow' && rows.some((r) => r.backend === 'tensorflow-gpu')) continue;
    try {
      await selectBackend(backend);
    } catch {
      continue; // not available on this machine
    }
    const matMul = measureMatMulFlops(512);
    // The pure-JS backend takes ~45 s per step of 32 examples: a few small steps say enough.
    const [batch, steps] = backend === 'cpu' ? [8, 2] : [32, 12];
    for (const task of ['classification', 'causal-lm'] as const) rows.push(await benchOne(backend, task, batch, steps, matMul));
  }
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const backends = process.argv.slice(2) as BackendName[];
  const rows = await benchEngine(backends.length ? backends : undefined);
  for (const r of rows) {
    process.stdout.write(
      `${r.backend.padEnd(5)} ${r.task.padEnd(14)} batch ${r.batchSize}: ${r.examplesPerSecond.toFixed(1)} examples/s, ` +
        `${r.tokensPerSecond.toFixed(0)} tokens/s, ${r.achievedGflops.toFixed(2)} GFLOP/s of ${r.matMulGflops.toFixed(2)} matMul (ratio ${r.ratio.toFixed(2)})\n`,
    );
  }
}
