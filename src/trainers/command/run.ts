// Supervises one attempt of a command trial: starts the program, turns its reports (from the metrics
// file, stdout or stderr, in the format task.metrics names) into evaluation events as they arrive,
// and ends it the way the protocol says (docs/command-trainer.md, "The protocol").
import { mkdirSync, openSync, readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError, OutOfMemoryError } from '../../errors.js';
import { isMetricsFile, type CommandConfig } from './config.js';
import { forgetProgram, recordProgram, stopEarlierPrograms } from './earlier-program.js';
import { EvaluationSequencer, type Outcome } from './evaluations.js';
import { isOneLineOneEvaluation, lineReaderOf } from './formats/index.js';
import { MetricsFollower } from './metrics-file.js';
import type { EpochMetrics, TrainerRunOptions, TrialResult } from './port.js';
import { listeningMarker, Program, type ProgramExit } from './program.js';
import { quoteLine } from './protocol.js';
import { isOutOfMemoryLine, killedByKernel } from './out-of-memory.js';

/** Lines of stderr kept for the log and the error message of a failed attempt. */
const STDERR_TAIL_LINES = 20;
const STDERR_IN_ERROR = 5;
const STDERR_LINE_CHARS = 300;

/** Why the supervisor ended the program before it ended by itself. */
type Ending =
  | { kind: 'stop'; reason: string }
  | { kind: 'kill' }
  | { kind: 'failure'; message: string }
  | { kind: 'diverged'; reason: string };

function reasonOf(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  if (typeof r === 'string') return r;
  if (r instanceof Error && r.name !== 'AbortError') return r.message;
  return 'stopped';
}

function describeExit(exit: ProgramExit): string {
  return exit.signal !== null ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

const ENDED_BY_WORDS = {
  stop_file: (s: number) => `it saved and exited ${s.toFixed(1)} s after its stop file`,
  SIGTERM: (s: number) => `it exited ${s.toFixed(1)} s after SIGTERM`,
  SIGKILL: (_s: number, grace: number) => `SIGKILL after the ${grace} s grace: it ignored SIGTERM`,
} as const;

export async function runCommand(config: CommandConfig, opts: TrainerRunOptions): Promise<TrialResult> {
  const t0 = performance.now();
  const epochs: EpochMetrics[] = [];
  let lastEvalAt = t0;
  let ending: Ending | undefined;
  let stopped: ReturnType<Program['stop']> | undefined;
  const stderrTail: string[] = [];
  /** The first stderr line that shows an out-of-memory error. */
  let oomLine: string | undefined;
  let program: Program | undefined;
  const from = config.metrics.from ?? 'file';

  /** Ends the program once, the first reason winning; a hard kill may still cut a graceful stop short. */
  const end = (why: Ending): void => {
    if (why.kind === 'kill') {
      if (ending?.kind !== 'kill') ending = why;
      program?.signal('SIGKILL');
      return;
    }
    if (ending !== undefined) return;
    ending = why;
    if (program !== undefined) stopped = stopProgram(program, why);
  };
  const stopProgram = (p: Program, why: Ending): ReturnType<Program['stop']> =>
    // Only a stop asks the program to save first; a failure or a divergence has nothing worth saving.
    p.stop({ graceS: config.stopGraceS, ...(why.kind === 'stop' ? { stopFile: config.stopFile, reason: why.reason } : {}) });

  const sequencer = new EvaluationSequencer(
    {
      resume: config.resume,
      oneLineOneEvaluation: isOneLineOneEvaluation(config.metrics),
      ...(config.objective !== undefined ? { objective: config.objective } : {}),
      ...(config.maxSteps !== undefined ? { maxSteps: config.maxSteps } : {}),
    },
    (evaluation) => {
      const now = performance.now();
      const metrics: EpochMetrics = { ...evaluation };
      metrics.seconds ??= (now - lastEvalAt) / 1000;
      lastEvalAt = now;
      epochs.push(metrics);
      opts.onEvent({ type: 'epoch', metrics });
    },
  );
  const read = lineReaderOf(config.metrics);
  const strict = from === 'file';
  const lineNumbers = { file: 0, stdout: 0, stderr: 0 };
  const where = (source: 'file' | 'stdout' | 'stderr'): string => (source === 'file' ? `${config.metricsFile} line ${lineNumbers.file}` : `${source} line ${lineNumbers[source]} (${config.logFile})`);

  // Reports wait until the program is recorded (program.pid): an evaluation in the journal then
  // always means a resumed trial can find the program that made it, should its controller die.
  let recorded = false;
  const waiting: ['file' | 'stdout' | 'stderr', string][] = [];
  const onReport = (source: 'file' | 'stdout' | 'stderr', line: string): void => {
    if (recorded) readReport(source, line);
    else waiting.push([source, line]);
  };
  const whenRecorded = (): void => {
    recorded = true;
    for (const [source, line] of waiting.splice(0)) readReport(source, line);
  };
  const readReport = (source: 'file' | 'stdout' | 'stderr', line: string): void => {
    lineNumbers[source]++;
    if (source !== from || ending !== undefined || line.trim() === '') return;
    const reading = read(line, strict);
    if (reading.kind === 'none') return;
    const at = `${where(source)}: `;
    if (reading.kind === 'garbage') return end({ kind: 'failure', message: `${at}${reading.why}: ${quoteLine(line)}` });
    const outcome: Outcome = sequencer.add(reading.values, reading.toNext === true);
    if (outcome.kind === 'failure') end({ kind: 'failure', message: `${at}${outcome.why}: ${quoteLine(line)}` });
    else if (outcome.kind === 'diverged') end({ kind: 'diverged', reason: outcome.reason });
    else if (outcome.kind === 'late') opts.onEvent({ type: 'log', message: `${at}${outcome.names.join(', ')} came after that evaluation was recorded; not recorded` });
  };

  // Each attempt reports into a fresh file: a retry or a resume must not re-read the last attempt's lines.
  // The trial directory is made by the first write there (the store does not make it in advance).
  // Synchronous: these take microseconds, each trip through the thread pool milliseconds on a busy machine.
  // The trial directory: the metrics file, output.log, the stop file and program.pid all live there.
  const dir = dirname(config.metricsFile);
  mkdirSync(dir, { recursive: true });
  const earlierFiles = readdirSync(dir).filter((name) => isMetricsFile(name) && name !== basename(config.metricsFile));
  // An earlier attempt's program left running (its controller killed with -9) stops before this
  // one starts: two programs must not train into the same checkpoint directory. Searching this
  // host's processes costs milliseconds: only where an earlier attempt made its metrics file.
  const search = earlierFiles.length > 0 ? config.env.FINESWEEP_TRIAL_DIR : undefined;
  for (const earlier of await stopEarlierPrograms(dir, config.stopFile, config.stopGraceS, search)) {
    const how = earlier.endedBy === 'SIGKILL' ? 'SIGKILL to its group' : earlier.endedBy === 'SIGTERM' ? 'SIGTERM' : 'its stop file';
    opts.onEvent({ type: 'log', message: `an earlier attempt's program (process group ${earlier.pid}) was still running: stopped by ${how} after ${earlier.afterS.toFixed(1)} s, before this attempt started` });
  }
  // Earlier attempts' files go (one left running may write its own again: never this one).
  for (const name of earlierFiles) rmSync(join(dir, name), { force: true });
  // A stop file left by the last attempt would stop this one at once.
  rmSync(config.stopFile, { force: true });
  rmSync(listeningMarker(config.stopFile), { force: true });
  // Made empty and kept open: the follower reads the program's lines through this descriptor.
  const metricsFd = openSync(config.metricsFile, 'w+');
  const follower = new MetricsFollower(config.metricsFile, (line) => onReport('file', line), (err) => end({ kind: 'failure', message: err.message }));
  follower.start(metricsFd);

  const onStop = (): void => end({ kind: 'stop', reason: reasonOf(opts.signal) });
  const onKill = (): void => end({ kind: 'kill' });
  let exit: ProgramExit;
  try {
    program = new Program(config.argv, {
      cwd: config.cwd,
      env: { ...process.env, ...config.env },
      logFile: config.logFile,
      onPid: (pid) => {
        recordProgram(dir, pid);
        whenRecorded();
      },
      ...(from === 'stdout' ? { onStdoutLine: (line: string) => onReport('stdout', line) } : {}),
      onStderrLine: (line) => {
        const kept = line.length > STDERR_LINE_CHARS ? `${line.slice(0, STDERR_LINE_CHARS)}...` : line;
        stderrTail.push(kept);
        if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
        if (oomLine === undefined && isOutOfMemoryLine(line)) oomLine = kept;
        onReport('stderr', line);
      },
    });
    // A reason to end that came before the program existed (a stop already requested).
    if (ending !== undefined && ending.kind !== 'kill' && stopped === undefined) stopped = stopProgram(program, ending);
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

  // Exited, and the launcher (or the spawn path) has killed what was left of its group.
  forgetProgram(dir);
  whenRecorded();
  // Lines written just before the exit are still to be read; a last line without its newline counts
  // when it is complete (a program that forgot the final newline).
  const rest = await follower.finish();
  if (rest.trim() !== '') onReport('file', rest);
  if (ending === undefined) {
    const last = sequencer.finish();
    // The program has exited: nothing to stop, only the reason to record.
    if (last.kind === 'failure') ending = { kind: 'failure', message: `${from === 'file' ? config.metricsFile : from}: ${last.why}` };
  }
  const stop = stopped !== undefined ? await stopped : undefined;
  const note = stop === undefined ? undefined : ENDED_BY_WORDS[stop.endedBy](stop.afterS, config.stopGraceS);
  const seconds = (performance.now() - t0) / 1000;
  const result = (outcome: TrialResult['outcome'], reason?: string): TrialResult => ({
    trialId: config.trialId,
    outcome,
    ...(reason !== undefined ? { reason } : {}),
    epochs,
    // The program runs on whatever it chooses; what finesweep knows is that it was a command.
    backend: 'command',
    seconds,
    ...(stop !== undefined ? { termination: { endedBy: stop.endedBy, afterS: stop.afterS, note: note! } } : {}),
  });
  const how = note === undefined ? '' : ` (${note})`;

  const fail = (message: string, outOfMemory = oomLine !== undefined): never => {
    for (const line of stderrTail) opts.onEvent({ type: 'log', message: `stderr: ${line}` });
    const tail = stderrTail.filter((l) => l.trim() !== '').slice(-STDERR_IN_ERROR);
    // The out-of-memory line itself, when it scrolled out of the tail (a long traceback after it).
    if (oomLine !== undefined && !tail.includes(oomLine)) tail.unshift(oomLine);
    const text = tail.length > 0 ? `${message}; stderr: ${tail.join(' | ')}` : message;
    throw outOfMemory ? new OutOfMemoryError(text) : new Error(text);
  };

  if (ending?.kind === 'kill') return result('stopped', 'killed (SIGKILL to its process group)');
  if (ending?.kind === 'stop') {
    opts.onEvent({ type: 'log', message: `stopped: ${ending.reason}${how}` });
    return result('stopped', `${ending.reason}${how}`);
  }
  if (ending?.kind === 'diverged') return result('diverged', ending.reason);
  if (ending?.kind === 'failure') return fail(`${ending.message}${how}`);
  if (killedByKernel(exit, stop?.endedBy === 'SIGKILL')) {
    return fail(`${config.argv[0]} ${describeExit(exit)}, which finesweep did not send: out of memory (the kernel's OOM killer)`, true);
  }
  if (exit.code !== 0) return fail(`${config.argv[0]} ${describeExit(exit)}`);
  const last = sequencer.last;
  // A resumed attempt may have nothing left to report: the controller was killed after the trial's
  // last evaluation was journaled and before its end was. Its mark is then the resume point's.
  if (last.count === 0 && config.resume.epoch === 0) return fail(`${config.argv[0]} exited 0 without reporting an evaluation ${from === 'file' ? 'to $FINESWEEP_METRICS' : `on ${from}`}`);
  // A trial that reports whole epochs must reach its `epochs` (one that reports steps ends where its own budget says).
  const mark = last.mark;
  if (config.epochs !== undefined && mark?.step === undefined && mark?.epoch !== undefined && Number.isInteger(mark.epoch) && mark.epoch < config.epochs) {
    return fail(`${config.argv[0]} exited 0 after epoch ${mark.epoch} of ${config.epochs}`);
  }
  return result('completed');
}
