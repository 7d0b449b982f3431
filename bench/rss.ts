// Peak resident memory of a sweep process with 1 and with 2 slots, read from /proc (VmHWM, the
// kernel's high-water mark) while `finesweep run` trains a small real sweep. Worker threads share the
// process, so the memory one slot adds is the difference between the two runs.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), import.meta.url.includes('/dist/') ? '../..' : '..');

export interface RssBench {
  oneSlotPeakMiB: number;
  twoSlotPeakMiB: number;
  /** What the second slot added: the peak memory one slot costs. */
  perSlotMiB: number;
}

function highWaterMiB(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined; // the process has exited
  }
}

async function peakOf(spec: string, workers: number, results: string): Promise<number> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/finesweep.js'), 'run', spec, '--results', results, '--workers', String(workers)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let peak = 0;
  const timer = setInterval(() => {
    const v = child.pid === undefined ? undefined : highWaterMiB(child.pid);
    if (v !== undefined) peak = Math.max(peak, v);
  }, 50);
  const code = await new Promise<number | null>((done) => child.on('exit', done));
  clearInterval(timer);
  if (code !== 0) throw new Error(`bench sweep exited ${code}: ${stderr.trim()}`);
  return peak;
}

export async function benchRss(): Promise<RssBench> {
  const dir = mkdtempSync(join(tmpdir(), 'finesweep-bench-rss-'));
  try {
    const spec = (name: string) => {
      const path = join(dir, `${name}.json`);
      writeFileSync(
        path,
        JSON.stringify({
          name,
          seed: 1,
          task: { type: 'classification', model: join(ROOT, 'models/base'), data: { train: join(ROOT, 'sweeps/data/spam.jsonl'), max_examples: 300 }, forgetting: false },
          parameters: { learning_rate: { values: [1e-3, 3e-3] }, batch_size: { value: 32 }, epochs: { value: 1 } },
          resources: { gpus: 0, backend: 'wasm' },
        }),
      );
      return path;
    };
    const oneSlotPeakMiB = await peakOf(spec('rss-1'), 1, join(dir, 'results'));
    const twoSlotPeakMiB = await peakOf(spec('rss-2'), 2, join(dir, 'results'));
    return { oneSlotPeakMiB, twoSlotPeakMiB, perSlotMiB: twoSlotPeakMiB - oneSlotPeakMiB };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
