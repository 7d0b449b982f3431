// The command task's checks that need the filesystem, run before the sweep directory exists, so that
// a typo fixed in the spec can simply be run again: the working directory, and the program (found on
// PATH or relative to the working directory, and executable).
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { InputError } from '../../errors.js';
import { placeholderNames } from '../../trial/placeholders.js';
import { asCommandTask, programPath, workingDir } from './config.js';
import type { TrainerContext } from './port.js';

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isExecutableFile(path: string): 'ok' | 'missing' | 'not a file' | 'not executable' {
  try {
    if (!statSync(path).isFile()) return 'not a file';
  } catch {
    return 'missing';
  }
  try {
    accessSync(path, constants.X_OK);
    return 'ok';
  } catch {
    return 'not executable';
  }
}

/** One problem, or none, about argv[0]. */
function programProblem(program: string, cwd: string, pathVar: string | undefined): string | undefined {
  if (program === '') return 'the program is an empty string';
  // A program chosen by a parameter can only be checked once a trial has its value.
  if (placeholderNames(program).length > 0) return undefined;
  if (program.includes('/')) {
    const abs = programPath(program, cwd);
    const state = isExecutableFile(abs);
    if (state === 'missing') return `program ${abs} not found`;
    if (state !== 'ok') return `program ${abs} is ${state}${state === 'not executable' ? ' (chmod +x it, or name its interpreter first)' : ''}`;
    return undefined;
  }
  const dirs = (pathVar ?? '').split(delimiter).filter((d) => d !== '');
  let found: string | undefined;
  for (const dir of dirs) {
    const state = isExecutableFile(join(dir, program));
    if (state === 'ok') return undefined;
    if (state === 'not executable') found ??= join(dir, program);
  }
  return found !== undefined ? `program ${JSON.stringify(program)} is not executable (${found})` : `program ${JSON.stringify(program)} not found on PATH`;
}

export function checkCommandTask(taskIn: unknown, ctx: TrainerContext): void {
  const at = (pointer: string, message: string): string => `${ctx.specPath !== undefined ? `${ctx.specPath}: ` : ''}${pointer}: ${message}`;
  const task = asCommandTask(taskIn);
  const cwd = workingDir(task, ctx.specDir);
  if (!isDirectory(cwd)) throw new InputError(at('/task/cwd', `directory ${cwd} does not exist`));
  const problem = programProblem(task.command[0]!, cwd, task.env?.PATH ?? process.env.PATH);
  if (problem !== undefined) throw new InputError(at('/task/command/0', problem));
}
