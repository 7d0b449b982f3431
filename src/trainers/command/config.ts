// The spec's command task + one trial attempt -> everything the supervisor needs to start the
// program (JSON-serialisable; no I/O: only the inherited PYTHONPATH is read).
import { randomBytes } from 'node:crypto';
import { isAbsolute, join, resolve } from 'node:path';
import { InputError } from '../../errors.js';
import { GRAD_ACCUM_PLACEHOLDER, NUM_GPUS_PLACEHOLDER, substitute } from '../../trial/placeholders.js';
import type { MetricsSpec } from './formats/index.js';
import type { ResumePoint } from './evaluations.js';
import type { Params, TrainerContext, TrialRequest } from './port.js';
import { PYTHON_HELPER_DIR } from './python-helper.js';

/** The spec's `task` when its type is `command` (after the schema's checks). */
export interface CommandTask {
  type: 'command';
  command: string[];
  cwd?: string;
  env?: Record<string, string>;
  stop_grace_s?: number;
  /** Where the program's reports are read, and how (default: the metrics file, jsonl). */
  metrics?: MetricsSpec;
}

export const DEFAULT_STOP_GRACE_S = 30;
// Not metrics.jsonl: the store keeps its own view of the journal under that name in the trial
// directory. A new name each attempt (reported-<token>.jsonl): a program left running by an attempt
// whose controller was killed appends by path, and must not write into the next attempt's file.
const METRICS_PREFIX = 'reported';
/** A new attempt's metrics file name. */
const newMetricsFile = (): string => `${METRICS_PREFIX}-${randomBytes(6).toString('hex')}.jsonl`;
const METRICS_NAME = new RegExp(`^${METRICS_PREFIX}(-[0-9a-f]+)?\\.jsonl$`);
/** Whether `name` is an attempt's metrics file (or the single `reported.jsonl` of earlier versions). */
export const isMetricsFile = (name: string): boolean => METRICS_NAME.test(name);
export const OUTPUT_LOG = 'output.log';
/** Written when finesweep asks the trial to stop (FINESWEEP_STOP_FILE); removed at each start. */
export const STOP_FILE = 'stop';


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
  /** The last journaled evaluation: reports up to it are ignored (a program that starts again). */
  resume: ResumePoint;
  /** The trial's `epochs` parameter, when it has one: an exit 0 before it is a failure. */
  epochs?: number;
  stopGraceS: number;
  stopFile: string;
  metrics: MetricsSpec;
  /** The objective's metric: an evaluation gathered from several lines is recorded once it has it. */
  objective?: string;
  /** The trial's max_steps parameter: the epoch of a report with only a step is step / max_steps. */
  maxSteps?: number;
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

/** Where the trial resumes: its last journaled evaluation (its epoch, and its step when it had one). */
export function resumePointOf(request: TrialRequest): ResumePoint {
  const step = request.resumeFrom?.step;
  return { epoch: request.resumeEpoch, ...(typeof step === 'number' ? { step } : {}) };
}

/** Micro-batches per optimizer step: the trial's grad_accum (swept, or an out-of-memory retry's), else 1. */
function gradAccumOf(request: TrialRequest): number {
  const a = request.params[GRAD_ACCUM_PLACEHOLDER];
  return typeof a === 'number' && Number.isInteger(a) && a >= 1 ? a : 1;
}

/** The protocol's environment variables for one attempt. */
export function protocolEnv(request: TrialRequest, metricsFile: string, stopFile: string): Record<string, string> {
  const env: Record<string, string> = {
    FINESWEEP_PARAMS: JSON.stringify(request.params),
    FINESWEEP_TRIAL_ID: request.trialId,
    FINESWEEP_TRIAL_DIR: request.dir,
    FINESWEEP_CHECKPOINT_DIR: request.checkpointDir,
    FINESWEEP_SEED: String(request.seed),
    FINESWEEP_METRICS: metricsFile,
    FINESWEEP_STOP_FILE: stopFile,
    FINESWEEP_NUM_GPUS: String(request.gpus?.length ?? 0),
    FINESWEEP_GRAD_ACCUM: String(gradAccumOf(request)),
  };
  const resume = resumePointOf(request);
  if (resume.epoch > 0) {
    // The epoch reached (fractional mid-epoch) and, for a trial that reports steps, the step.
    env.FINESWEEP_RESUME_EPOCH = String(resume.epoch);
    if (resume.step !== undefined) env.FINESWEEP_RESUME_STEP = String(resume.step);
  }
  if (request.gpus !== undefined) env.CUDA_VISIBLE_DEVICES = request.gpus.join(',');
  return env;
}

/** `import finesweep` works in every trial: the helper's folder first on PYTHONPATH. */
function pythonPath(taskEnv: Record<string, string>): string {
  const rest = taskEnv.PYTHONPATH ?? process.env.PYTHONPATH;
  return rest !== undefined && rest !== '' ? `${PYTHON_HELPER_DIR}:${rest}` : PYTHON_HELPER_DIR;
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
  const values: Params = { [GRAD_ACCUM_PLACEHOLDER]: gradAccumOf(request), ...request.params, [NUM_GPUS_PLACEHOLDER]: request.gpus?.length ?? 0 };
  const argv = substituteAll(task.command, values, '/task/command');
  argv[0] = programPath(argv[0]!, cwd);
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(task.env ?? {})) {
    env[name] = substituteAll([value], values, `/task/env/${name}`)[0]!;
  }
  env.PYTHONPATH = pythonPath(env);
  const metricsFile = join(request.dir, newMetricsFile());
  const stopFile = join(request.dir, STOP_FILE);
  Object.assign(env, protocolEnv(request, metricsFile, stopFile));
  const { epochs, max_steps: maxSteps } = request.params;
  return {
    trialId: request.trialId,
    argv,
    cwd,
    env,
    metricsFile,
    logFile: join(request.dir, OUTPUT_LOG),
    resume: resumePointOf(request),
    ...(typeof epochs === 'number' && Number.isInteger(epochs) && epochs >= 1 ? { epochs } : {}),
    stopGraceS: task.stop_grace_s ?? DEFAULT_STOP_GRACE_S,
    stopFile,
    metrics: task.metrics ?? {},
    ...(request.objective !== undefined ? { objective: request.objective.metric } : {}),
    ...(typeof maxSteps === 'number' && Number.isInteger(maxSteps) && maxSteps >= 1 ? { maxSteps } : {}),
  };
}
