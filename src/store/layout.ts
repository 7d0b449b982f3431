// The files of a sweep directory (results/<sweep-name>/), and how to recognise one.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, SweepError } from '../errors.js';
import { errnoOf, storeError } from './fs-errors.js';

export const SPEC_FILE = 'spec.resolved.json';
export const JOURNAL_FILE = 'journal.jsonl';
export const TRIALS_DIR = 'trials';
export const METRICS_FILE = 'metrics.jsonl';
export const LOG_FILE = 'log.txt';

/** Trial ids become directory names: keep them to one safe path segment. */
const TRIAL_ID = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

export function checkTrialId(trialId: string): void {
  if (!TRIAL_ID.test(trialId) || trialId.length > 200) {
    throw new SweepError(`invalid trial id ${JSON.stringify(trialId)}: expected letters, digits, '.', '_' or '-'`);
  }
}

/** 'missing', 'file', or whether the directory holds a spec or a journal. */
export async function inspectDir(dir: string): Promise<'missing' | 'file' | 'empty' | 'sweep'> {
  try {
    const s = await stat(dir);
    if (!s.isDirectory()) return 'file';
  } catch (err) {
    const code = errnoOf(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    throw storeError('open sweep directory', dir, err);
  }
  for (const name of [SPEC_FILE, JOURNAL_FILE]) {
    try {
      await stat(join(dir, name));
      return 'sweep';
    } catch (err) {
      if (errnoOf(err) !== 'ENOENT') throw storeError('open sweep directory', dir, err);
    }
  }
  return 'empty';
}

/** An InputError for a path that is not a sweep directory, or nothing. */
export function notASweep(dir: string, kind: 'missing' | 'file' | 'empty' | 'sweep'): InputError | undefined {
  if (kind === 'missing') return new InputError(`not a sweep directory: ${dir} (it does not exist)`);
  if (kind === 'file') return new InputError(`not a sweep directory: ${dir} (it is a file)`);
  if (kind === 'empty') return new InputError(`not a sweep directory: ${dir} (no ${SPEC_FILE} or ${JOURNAL_FILE} in it)`);
  return undefined;
}

/** The resolved spec with its hash, or undefined if the sweep has none yet. */
export async function readSpecFile(dir: string): Promise<{ spec: unknown; hash: string } | undefined> {
  const path = join(dir, SPEC_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return undefined;
    throw storeError('read', path, err);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new SweepError(`${path} is not valid JSON (expected {"hash": ..., "spec": ...})`);
  }
  const { hash, spec } = (value ?? {}) as { hash?: unknown; spec?: unknown };
  if (typeof hash !== 'string' || spec === undefined) {
    throw new SweepError(`${path} is not a resolved spec (expected {"hash": string, "spec": object})`);
  }
  return { spec, hash };
}
