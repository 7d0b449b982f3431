// The spec's command task + one trial attempt -> everything the supervisor needs to start the
// program (JSON-serialisable, pure: no I/O).
import { isAbsolute, join, resolve } from 'node:path';
import { InputError } from '../../errors.js';
import { substitute } from '../../trial/placeholders.js';
import type { Params, TrainerContext, TrialRequest } from './port.js';

/** The spec's `task` when its type is `command` (after the schema's checks). */
export interface CommandTask {
  type: 'command';
  command: string[];
  cwd?: string;
  env?: Record<string, string>;
  stop_grace_s?: number;
}

export const DEFAULT_STOP_GRACE_S = 30;
// Not metrics.jsonl: the store keeps its own view of the journal under that name in the trial directory.
export const METRICS_FILE = 'reported.jsonl';
export const OUTPUT_LOG = 'output.log';

export interface CommandConfig {
  trialId: string;
  /** The argv with every placeholder filled in; argv[0] absolute when it was a relative path. */
  argv: string[];
  /** Absolute working directory. */
  cwd: string;
  /** Added to finesweep's own environment: the spec's `env`, then the FINESWEEP_* protocol variables. */
  env: Record<string, string>;
  metricsFile: string;
  logFile: string;
  /** The last journaled epoch: reported epochs up to it are ignored. */
  resumeEpoch: number;
  /** The trial's `epochs` parameter, when it has one: an exit 0 before it is a failure. */
  epochs?: number;
  stopGraceS: number;
}

export function asCommandTask(task: unknown): CommandTask {
  const t = task as Partial<CommandTask> | null;
  if (t === null || typeof t !== 'object' || t.type !== 'command' || !Array.isArray(t.command) || t.command.length === 0) {
    throw new InputError('/task: expected { "type": "command", "command": ["program", ...] }');
  }
  return t as CommandTask;
}

/** The working directory of the program: `task.cwd` relative to the spec file, else the spec's directory. */
export function workingDir(task: CommandTask, specDir: string): string {
  return resolve(specDir, task.cwd ?? '.');
}

/** argv[0] as spawned: a relative path (one with a '/') is taken from `cwd`; a bare name is looked up on PATH. */
export function programPath(program: string, cwd: string): string {
  return program.includes('/') && !isAbsolute(program) ? resolve(cwd, program) : program;
}

/** The protocol's environment variables for one attempt. */
export function protocolEnv(request: TrialRequest, metricsFile: string): Record<string, string> {
  const env: Record<string, string> = {
    FINESWEEP_PARAMS: JSON.stringify(request.params),
    FINESWEEP_TRIAL_ID: request.trialId,
    FINESWEEP_TRIAL_DIR: request.dir,
    FINESWEEP_CHECKPOINT_DIR: request.checkpointDir,
    FINESWEEP_SEED: String(request.seed),
    FINESWEEP_METRICS: metricsFile,
  };
  if (request.resumeEpoch > 0) env.FINESWEEP_RESUME_EPOCH = String(request.resumeEpoch);
  if (request.gpus !== undefined) env.CUDA_VISIBLE_DEVICES = request.gpus.join(',');
  return env;
}

function substituteAll(values: readonly string[], params: Params, field: string): string[] {
  return values.map((v, i) => {
    try {
      return substitute(v, params);
    } catch (err) {
      throw new InputError(`${field}/${i}: ${(err as Error).message}`);
    }
  });
}

export function configureCommand(taskIn: unknown, request: TrialRequest, ctx: TrainerContext): CommandConfig {
  const task = asCommandTask(taskIn);
  const cwd = workingDir(task, ctx.specDir);
  const argv = substituteAll(task.command, request.params, '/task/command');
  argv[0] = programPath(argv[0]!, cwd);
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(task.env ?? {})) {
    env[name] = substituteAll([value], request.params, `/task/env/${name}`)[0]!;
  }
  const metricsFile = join(request.dir, METRICS_FILE);
  Object.assign(env, protocolEnv(request, metricsFile));
  const epochs = request.params.epochs;
  return {
    trialId: request.trialId,
    argv,
    cwd,
    env,
    metricsFile,
    logFile: join(request.dir, OUTPUT_LOG),
    resumeEpoch: request.resumeEpoch,
    ...(typeof epochs === 'number' && Number.isInteger(epochs) && epochs >= 1 ? { epochs } : {}),
    stopGraceS: task.stop_grace_s ?? DEFAULT_STOP_GRACE_S,
  };
}
