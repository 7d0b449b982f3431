// GPU discovery: which GPU ids the sweep may pin its slots to.
import { execFile } from 'node:child_process';

export type GpuSetting = 'auto' | 0 | number[] | undefined;

/** Parse the output of `nvidia-smi -L` ("GPU 0: NVIDIA H100 (UUID: ...)" a line) into GPU ids. */
export function parseNvidiaSmiList(output: string): number[] {
  const ids: number[] = [];
  for (const line of output.split('\n')) {
    const m = /^GPU (\d+):/.exec(line.trim());
    if (m) ids.push(Number(m[1]));
  }
  return ids;
}

/** Run `nvidia-smi -L`; an absent, failing or hanging tool means no GPU (never an error). */
export function listNvidiaGpus(env: NodeJS.ProcessEnv = process.env): Promise<number[]> {
  return new Promise((resolve) => {
    execFile('nvidia-smi', ['-L'], { env, timeout: 10_000 }, (err, stdout) => {
      resolve(err ? [] : parseNvidiaSmiList(String(stdout)));
    });
  });
}

/** The GPU ids of a `resources.gpus` setting: a list as given, "auto" (default) from nvidia-smi, 0 none. */
export async function discoverGpus(setting: GpuSetting, env: NodeJS.ProcessEnv = process.env): Promise<number[]> {
  if (setting === 0) return [];
  if (Array.isArray(setting)) return [...setting];
  return listNvidiaGpus(env);
}
