// `finesweep suggest <sweep-dir> [--out next.json|next.yaml]`: the next sweep's spec, each range
// narrowed or widened from the evidence (src/report/view/next-sweep.ts), with the reason for each change:
// YAML comments above the changed parameters, or — JSON has no comments — the spec's `$comment` list.
// Relative paths (the model, the data, a command's cwd) are rewritten to start from the output
// file's directory (stdout: the current one), and the result is validated before it is written.
import { randomBytes } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { Document } from 'yaml';
import { InputError, SweepError } from '../errors.js';
import { buildLeaderboard } from '../report/view/leaderboard.js';
import { suggestNext, type Suggestion } from '../report/view/next-sweep.js';
import { validateSpec } from '../spec/validate.js';
import { readSweep } from '../store/read.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

function formatOfOut(out: string | undefined): 'json' | 'yaml' {
  if (out === undefined || /\.ya?ml$/i.test(out)) return 'yaml';
  if (/\.json$/i.test(out)) return 'json';
  throw new InputError(`--out: expected a .json, .yaml or .yml file, got ${JSON.stringify(out)}`);
}

/** Rewrites the spec's relative paths from `from` (where the sweep's spec was) to `to`. */
function rebase(spec: Obj, from: string, to: string): void {
  const move = (p: unknown): unknown => (typeof p === 'string' && !isAbsolute(p) && !/^[a-z]+:\/\//i.test(p) ? relative(to, resolve(from, p)) || '.' : p);
  if (typeof spec.$schema === 'string') spec.$schema = move(spec.$schema);
  const task = isObj(spec.task) ? spec.task : undefined;
  if (!task) return;
  if (task.model !== undefined) task.model = move(task.model);
  // A command runs in `cwd`, relative to the spec (its directory when absent): kept where it was.
  if (task.type === 'command') task.cwd = move(task.cwd ?? '.');
  if (isObj(task.data)) {
    task.data.train = move(task.data.train);
    if (task.data.validation !== undefined) task.data.validation = move(task.data.validation);
  }
}

function toYaml(s: Suggestion): string {
  const { $comment: _c, ...spec } = s.spec;
  const doc = new Document(spec);
  doc.commentBefore = ' Suggested by finesweep suggest from the finished sweep; one comment per change says why.';
  const params = doc.get('parameters', true) as { get?: (k: string, keep: boolean) => unknown; items?: Array<{ key: { value?: unknown; commentBefore?: string } }> } | undefined;
  for (const c of s.changes) {
    const pair = params?.items?.find((p) => p.key?.value === c.parameter);
    if (pair) pair.key.commentBefore = ` ${c.from} → ${c.to}: ${c.why}`;
  }
  if (s.changes.length === 0) doc.comment = ' no change: the evidence does not point past the searched ranges';
  return doc.toString({ lineWidth: 0 });
}

async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES' || code === 'EISDIR') throw new InputError(`--out: cannot write ${path} (${code})`);
    throw new SweepError(`cannot write ${path}: ${(err as Error).message}`);
  }
}

/** A study recorded by the library (src/study/options.ts studySpec marks its spec `library`). */
function isLibraryStudy(spec: unknown): boolean {
  return isObj(spec) && isObj(spec.library);
}

export async function suggestCommand(dir: string, flags: { out?: string }): Promise<string> {
  const format = formatOfOut(flags.out);
  const sweep = await readSweep(dir);
  const started = sweep.events.find((e) => e.type === 'sweep_started');
  const specDir = started?.type === 'sweep_started' && started.spec_dir ? started.spec_dir : resolve(dir);
  const lb = buildLeaderboard({ spec: sweep.spec, state: sweep.state, dir });
  const suggestion = suggestNext(sweep.spec, lb);
  const lines = suggestion.changes.map((c) => `  ${c.parameter}: ${c.from} → ${c.to} (${c.why})`);
  if (isLibraryStudy(sweep.spec)) {
    // A study of the library (createStudy) names its parameters in code: there is no spec for
    // `finesweep run` to write, only the ranges to search next.
    if (flags.out) throw new InputError(`--out: ${dir} is a library study (createStudy): there is no spec to write; suggest prints the ranges to search next`);
    return `the next study's ranges (${suggestion.changes.length} change${suggestion.changes.length === 1 ? '' : 's'}):\n${lines.join('\n')}${lines.length ? '\n' : ''}`;
  }
  const target = flags.out ? dirname(resolve(flags.out)) : process.cwd();
  rebase(suggestion.spec, specDir, target);
  const text = format === 'json' ? `${JSON.stringify(suggestion.spec, null, 2)}\n` : toYaml(suggestion);
  // What we write must be a spec `finesweep validate` accepts.
  validateSpec(structuredClone(suggestion.spec), flags.out ?? 'the suggested spec');
  if (!flags.out) return text;
  await writeAtomic(resolve(flags.out), text);
  return `wrote ${flags.out}: ${suggestion.changes.length} change${suggestion.changes.length === 1 ? '' : 's'}\n${lines.join('\n')}${lines.length ? '\n' : ''}`;
}

export function registerSuggest(program: Command): void {
  program
    .command('suggest')
    .description('write the next sweep: each range narrowed or widened from the evidence of a finished sweep, with the reason for each change')
    .argument('<sweep-dir>', 'the sweep directory (results/<sweep-name>)')
    .option('-o, --out <file>', 'write the spec here (.json: reasons in "$comment"; .yaml/.yml: as comments) instead of YAML on standard output')
    .addHelpText(
      'after',
      `
Examples:
  $ finesweep suggest results/spam-grid --out next.yaml
  $ finesweep validate next.yaml && finesweep run next.yaml
`,
    )
    .action(async (dir: string, flags: { out?: string }) => {
      process.stdout.write(await suggestCommand(dir, flags));
    });
}
