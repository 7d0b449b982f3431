// Supervises one attempt of a command trial: starts the program, turns each metrics line into an
// epoch event as it arrives, and ends it the way the protocol says (README "The command trainer").
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InputError } from '../../errors.js';
import type { CommandConfig } from './config.js';
import { MetricsFollower } from './metrics-file.js';
import type { EpochMetrics, TrainerRunOptions, TrialResult } from './port.js';
import { Program, type ProgramExit } from './program.js';
import { parseMetricsLine, quoteLine } from './protocol.js';

/** Lines of stderr kept for the log and the error message of a failed attempt. */
const STDERR_TAIL_LINES = 20;
const STDERR_IN_ERROR = 5;
const STDERR_LINE_CHARS = 300;

/** Why the supervisor ended the program before it ended by itself. */
type Ending =
  | { kind: 'stop'; reason: string }
  | { kind: 'kill' }
  | { kind: 'failure'; message: string }
  | { kind: 'diverged'; reason: string; epoch: number };

function reasonOf(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  if (typeof r === 'string') return r;
  if (r instanceof Error && r.name !== 'AbortError') return r.message;
  return 'stopped';
}

function describeExit(exit: ProgramExit): string {
  return exit.signal !== null ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

export async function runCommand(config: CommandConfig, opts: TrainerRunOptions): Promise<TrialResult> {
  const t0 = performance.now();
  const epochs: EpochMetrics[] = [];
  let lastEpoch = config.resumeEpoch;
  let lastEpochAt = t0;
  let lineNo = 0;
  let ending: Ending | undefined;
  let stopped: Promise<{ signal: 'SIGTERM' | 'SIGKILL'; afterS: number }> | undefined;
  const stderrTail: string[] = [];
  let program: Program | undefined;

  /** Ends the program once, the first reason winning; a hard kill may still cut a graceful stop short. */
  const end = (why: Ending): void => {
    if (why.kind === 'kill') {
      if (ending?.kind !== 'kill') ending = why;
      program?.signal('SIGKILL');
      return;
    }
    if (ending !== undefined) return;
    ending = why;
    if (program !== undefined) stopped = program.stop(config.stopGraceS);
  };

  const onLine = (line: string): void => {
    lineNo++;
    if (ending !== undefined || line.trim() === '') return;
    const parsed = parseMetricsLine(line);
    const where = `${config.metricsFile} line ${lineNo}`;
    if (parsed.kind === 'garbage') {
      end({ kind: 'failure', message: `${where}: ${parsed.why}: ${quoteLine(line)}` });
      return;
    }
    const { epoch } = parsed.metrics;
    // On resume, a program that starts again from scratch reports the journaled epochs once more.
    if (epoch <= config.resumeEpoch) return;
    if (epoch !== lastEpoch + 1) {
      end({ kind: 'failure', message: `${where}: expected epoch ${lastEpoch + 1}, got epoch ${epoch}: ${quoteLine(line)}` });
      return;
    }
    if (parsed.nonFinite !== undefined) {
      end({ kind: 'diverged', epoch, reason: `${parsed.nonFinite.metric} became ${parsed.nonFinite.value} at epoch ${epoch}` });
      return;
    }
    const now = performance.now();
    const metrics: EpochMetrics = { ...parsed.metrics };
    metrics.seconds ??= (now - lastEpochAt) / 1000;
    lastEpochAt = now;
    lastEpoch = epoch;
    epochs.push(metrics);
    opts.onEvent({ type: 'epoch', metrics });
  };

  // Each attempt reports into a fresh file: a retry or a resume must not re-read the last attempt's lines.
  // The trial directory is made by the first write there (the store does not make it in advance).
  await mkdir(dirname(config.metricsFile), { recursive: true });
  await writeFile(config.metricsFile, '');
  const follower = new MetricsFollower(config.metricsFile, onLine, (err) => end({ kind: 'failure', message: err.message }));
  await follower.start();

  const onStop = (): void => end({ kind: 'stop', reason: reasonOf(opts.signal) });
  const onKill = (): void => end({ kind: 'kill' });
  let exit: ProgramExit;
  try {
    program = new Program(config.argv, {
      cwd: config.cwd,
      env: { ...process.env, ...config.env },
      logFile: config.logFile,
      onStderrLine: (line) => {
        stderrTail.push(line.length > STDERR_LINE_CHARS ? `${line.slice(0, STDERR_LINE_CHARS)}...` : line);
        if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
      },
    });
    // A reason to end that came before the program existed (a stop already requested).
    if (ending !== undefined && ending.kind !== 'kill' && stopped === undefined) stopped = program.stop(config.stopGraceS);
    if (opts.kill?.aborted) onKill();
    else if (opts.signal.aborted) onStop();
    opts.signal.addEventListener('abort', onStop, { once: true });
    opts.kill?.addEventListener('abort', onKill, { once: true });
    exit = await program.exited;
  } catch (err) {
    await follower.close();
    const code = (err as NodeJS.ErrnoException).code;
    // A program that cannot start will not start on a retry either.
    if (code === 'ENOENT' || code === 'EACCES') throw new InputError(`/task/command/0: cannot start ${config.argv[0]}: ${code === 'ENOENT' ? 'not found' : 'permission denied'}`);
    throw err;
  } finally {
    opts.signal.removeEventListener('abort', onStop);
    opts.kill?.removeEventListener('abort', onKill);
  }

  // Lines written just before the exit are still to be read; a last line without its newline counts
  // when it is complete JSON (a program that forgot the final newline).
  const rest = await follower.finish();
  if (rest.trim() !== '') onLine(rest);
  const stop = stopped !== undefined ? await stopped : undefined;
  const note =
    stop === undefined ? undefined : stop.signal === 'SIGTERM' ? `it exited ${stop.afterS.toFixed(1)} s after SIGTERM` : `SIGKILL after the ${config.stopGraceS} s grace: it ignored SIGTERM`;
  const seconds = (performance.now() - t0) / 1000;
  const result = (outcome: TrialResult['outcome'], reason?: string): TrialResult => ({
    trialId: config.trialId,
    outcome,
    ...(reason !== undefined ? { reason } : {}),
    epochs,
    // The program runs on whatever it chooses; what finesweep knows is that it was a command.
    backend: 'command',
    seconds,
    ...(stop !== undefined ? { termination: { ...stop, note: note! } } : {}),
  });
  const how = note === undefined ? '' : ` (${note})`;

  const fail = (message: string): never => {
    for (const line of stderrTail) opts.onEvent({ type: 'log', message: `stderr: ${line}` });
    const tail = stderrTail.filter((l) => l.trim() !== '').slice(-STDERR_IN_ERROR);
    throw new Error(tail.length > 0 ? `${message}; stderr: ${tail.join(' | ')}` : message);
  };

  if (ending?.kind === 'kill') return result('stopped', 'killed (SIGKILL to its process group)');
  if (ending?.kind === 'stop') {
    opts.onEvent({ type: 'log', message: `stopped: ${ending.reason}${how}` });
    return result('stopped', `${ending.reason}${how}`);
  }
  if (ending?.kind === 'diverged') return result('diverged', ending.reason);
  if (ending?.kind === 'failure') return fail(`${ending.message}${how}`);
  if (exit.code !== 0) return fail(`${config.argv[0]} ${describeExit(exit)}`);
  if (lastEpoch === 0) return fail(`${config.argv[0]} exited 0 without reporting an epoch to $FINESWEEP_METRICS`);
  if (config.epochs !== undefined && lastEpoch < config.epochs) {
    return fail(`${config.argv[0]} exited 0 after epoch ${lastEpoch} of ${config.epochs}`);
  }
  return result('completed');
}
