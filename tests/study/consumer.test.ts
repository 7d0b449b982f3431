// The package as a consumer gets it: `npm pack`, unpacked into a fresh project's node_modules (its
// dependencies linked from this checkout's install: no network), a study script compiled with
// `tsc --strict` against the shipped .d.ts and run with node. Only the documented entry resolves.
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../pool/helpers.js';

const ROOT = resolve(import.meta.dirname, '../..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const run = promisify(execFile);

const SCRIPT = `import { createStudy, InputError, type Trial, type StudyTrial, type Leaderboard } from 'finesweep';

async function objective(trial: Trial): Promise<number> {
  const lr: number = trial.suggestFloat('learning_rate', 1e-5, 1e-1, { log: true });
  const batch: 16 | 32 | 64 = trial.suggestCategorical('batch_size', [16, 32, 64] as const);
  let loss = 1;
  for (let step = 1; step <= 4; step++) {
    loss = (Math.log10(lr) + 3) ** 2 + batch / 640 + 1 / step;
    await trial.report(step, { val_loss: loss });
    if (await trial.shouldStop()) break;
  }
  return loss;
}

const study = await createStudy({ name: 'consumer', seed: 1, objective: 'val_loss', strategy: 'tpe', early_stopping: { type: 'median', min_steps: 2 } });
await study.optimize(objective, { trials: 8, concurrency: 2 });
const best: StudyTrial | undefined = study.bestTrial;
const board: Leaderboard = study.leaderboard();
try {
  await createStudy({ name: 'no spaces' });
} catch (err) {
  if (!(err instanceof InputError)) throw err;
  console.log('input error:', err.message);
}
console.log(JSON.stringify({ best: best?.id, rows: board.rows.length, statuses: study.trials.map((t) => t.status) }));
await study.close();
`;

const TSCONFIG = {
  compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, outDir: 'out', types: ['node'] },
  include: ['*.ts'],
};

async function tsc(cwd: string): Promise<{ code: number; out: string }> {
  try {
    const r = await run(process.execPath, [TSC, '-p', '.'], { cwd });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('the packed package, installed in a fresh project', () => {
  let project: string;
  let files: string[];

  beforeAll(async () => {
    // The declarations (package.json "types") are built as `npm pack`'s prepack builds them.
    await run(process.execPath, [TSC, '-p', 'tsconfig.types.json'], { cwd: ROOT });
    const packs = tempDir('finesweep-pack-');
    const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', packs], { cwd: ROOT, maxBuffer: 64 << 20 });
    const packed = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    files = packed[0].files.map((f) => f.path);
    project = tempDir('finesweep-consumer-');
    const modules = join(project, 'node_modules');
    mkdirSync(join(modules, 'finesweep'), { recursive: true });
    await run('tar', ['-xzf', join(packs, packed[0].filename), '-C', join(modules, 'finesweep'), '--strip-components=1']);
    // What `npm install <tarball>` would put beside it: the package's dependencies (their own
    // dependencies resolve through the links' real paths) and the consumer's @types/node.
    const pkg = (await import(join(ROOT, 'package.json'), { with: { type: 'json' } })).default as { dependencies: Record<string, string> };
    for (const dep of [...Object.keys(pkg.dependencies), '@types/node']) {
      const target = join(modules, dep);
      mkdirSync(join(target, '..'), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules', dep), target, 'dir');
    }
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: { finesweep: '0.1.0' } }));
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(TSCONFIG));
  }, 180_000);

  it('ships the entry, its declarations and the CLI, and no tests', () => {
    expect(files).toEqual(expect.arrayContaining(['package.json', 'bin/finesweep.js', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/study/study.d.ts']));
    expect(files.filter((f) => f.startsWith('tests/') || f.startsWith('src/'))).toEqual([]);
  });

  it('a study script compiles with tsc --strict against the shipped types and runs', async () => {
    writeFileSync(join(project, 'study.ts'), SCRIPT);
    const compiled = await tsc(project);
    expect(compiled.out).toBe('');
    expect(compiled.code).toBe(0);
    const { stdout } = await run(process.execPath, [join(project, 'out', 'study.js')], { cwd: project });
    expect(stdout).toMatch(/^input error: \/name: expected letters/m);
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as { best: string; rows: number; statuses: string[] };
    expect(result.rows).toBe(8);
    expect(result.statuses).toHaveLength(8);
    expect(result.best).toMatch(/^t00\d$/);
  }, 120_000);

  it('types are checked (a wrong argument is a compile error) and internals do not resolve', async () => {
    writeFileSync(join(project, 'study.ts'), `import { createStudy } from 'finesweep';\nconst s = await createStudy({ name: 'x' });\nconst t = await s.ask();\nt.suggestFloat('x', 0, '1');\nawait s.close();\n`);
    writeFileSync(join(project, 'deep.ts'), `import { openStore } from 'finesweep/dist/src/store/open.js';\nconsole.log(openStore);\n`);
    const compiled = await tsc(project);
    expect(compiled.code).not.toBe(0);
    expect(compiled.out).toMatch(/study\.ts\(4,\d+\): error TS2345: Argument of type 'string' is not assignable to parameter of type 'number'/);
    expect(compiled.out).toMatch(/deep\.ts\(1,\d+\): error TS2307: Cannot find module 'finesweep\/dist\/src\/store\/open\.js'/);
    expect(readdirSync(project)).toContain('node_modules');
  }, 120_000);
});
