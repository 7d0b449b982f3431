// TPE's cost a proposal as the history grows: five parameters (log-uniform, uniform, int, q_uniform,
// a choice), a history of n finished trials, the mean over 20 proposals at each n. With `--root
// PATH` another checkout's built sampler runs the same proposals, alternately, as the anchor.
//   npm run build && node dist/bench/tpe.js [--root PATH]
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tpeSampler } from '../src/search/tpe.js';

type Factory = typeof tpeSampler;

export interface TpeBench {
  trials: number;
  /** Milliseconds a proposal. */
  ms: number;
  /** The anchor checkout's, when asked for. */
  anchorMs?: number;
}

const spec = {
  seed: 1,
  parameters: {
    lr: { distribution: 'log_uniform', min: 1e-5, max: 1e-1 },
    wd: { distribution: 'uniform', min: 0, max: 0.3 },
    warmup: { distribution: 'int_uniform', min: 0, max: 500 },
    dropout: { distribution: 'q_uniform', min: 0, max: 0.5, q: 0.05 },
    bs: { values: [8, 16, 32, 64] },
  },
  strategy: { type: 'tpe', trials: 100_000, n_startup_trials: 10 },
  objective: { metric: 'val_loss', goal: 'minimize' },
};

/** A fixed history of n trials (a deterministic generator, so every run scores the same one). */
function history(n: number): Array<{ params: Record<string, number>; objective: number }> {
  let x = 7;
  const u = (): number => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 8) / 2 ** 24;
  return Array.from({ length: n }, (_, i) => {
    const params = { lr: 10 ** (-5 + 4 * u()), wd: 0.3 * u(), warmup: Math.floor(501 * u()), dropout: Math.round(10 * u()) * 0.05, bs: [8, 16, 32, 64][i % 4] };
    return { params, objective: Math.abs(Math.log10(params.lr) + 3) + params.wd + u() * 0.1 };
  });
}

function msAProposal(factory: Factory, n: number): number {
  const sampler = factory(spec as Parameters<Factory>[0]);
  const h = history(n);
  const start = performance.now();
  for (let i = 0; i < 20; i++) sampler.propose(n + i, h as Parameters<typeof sampler.propose>[1]);
  return (performance.now() - start) / 20;
}

export async function benchTpe(sizes: readonly number[] = [500, 1_000, 3_000], root?: string): Promise<TpeBench[]> {
  const anchor = root ? ((await import(pathToFileURL(resolve(root, 'dist/src/search/tpe.js')).href)) as { tpeSampler: Factory }).tpeSampler : undefined;
  return sizes.map((trials) => ({ trials, ...(anchor ? { anchorMs: msAProposal(anchor, trials) } : {}), ms: msAProposal(tpeSampler, trials) }));
}

export function formatTpe(runs: readonly TpeBench[]): string {
  return runs.map((r) => `tpe: ${r.ms.toFixed(1)} ms a proposal at ${r.trials} trials${r.anchorMs !== undefined ? ` (anchor ${r.anchorMs.toFixed(1)} ms, ${(r.ms / r.anchorMs).toFixed(2)}×)` : ''}`).join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { root: { type: 'string' } } });
  console.log(formatTpe(await benchTpe(undefined, values.root)));
}
