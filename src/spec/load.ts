// Reads a spec file (JSON or YAML), validates it, and says where relative paths in it start from.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { formatOf, locator, parseSpecText } from './parse.js';
import type { Locate } from './problems.js';
import type { ResolvedSpec } from './types.js';
import { validateSpec } from './validate.js';

export { validateSpec };

export interface LoadedSpec {
  spec: ResolvedSpec;
  /** Absolute path of the spec file. */
  path: string;
  /** Directory of the spec file: the spec's relative paths are relative to it. */
  baseDir: string;
}

/** Loads and validates a spec; every problem is an InputError naming `file` (as the user wrote it). */
export async function loadSpec(file: string): Promise<LoadedSpec> {
  const format = formatOf(file);
  if (format === undefined) throw new InputError(`${file}: expected a .json, .yaml or .yml spec file`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory, expected a spec file' : `cannot read (${code ?? (err as Error).message})`;
    throw new InputError(`${file}: ${why}`);
  }
  // Editors on Windows may save a byte-order mark, which JSON.parse refuses.
  const source = text.replace(/^\uFEFF/, '');
  const parsed = parseSpecText(source, format, file);
  // Positions are looked up only when there is a problem to place.
  let locate: Locate | undefined;
  const spec = validateSpec(parsed, file, (pointer, onKey) => (locate ??= locator(source))(pointer, onKey));
  const path = resolve(file);
  return { spec, path, baseDir: dirname(path) };
}
