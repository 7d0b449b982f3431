// The layering rules of src/ (.dependency-cruiser.cjs, README "Architecture") hold: a forbidden
// import fails the suite. The second test shows the check can fail: the same rules over a small
// tree that breaks two of them.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tempDir } from './pool/helpers.js';

const ROOT = resolve(import.meta.dirname, '..');
const DEPCRUISE = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const run = promisify(execFile);

async function cruise(cwd: string): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [DEPCRUISE, 'src', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], { cwd, maxBuffer: 16 << 20 });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('the architecture (dependency-cruiser)', () => {
  it('src/ keeps every layering rule', async () => {
    const { code, out } = await cruise(ROOT);
    expect(out).not.toMatch(/error/i);
    expect(code).toBe(0);
  });

  it('every folder of src/ is the importing side of a rule of its own (a new folder needs one)', () => {
    const config = createRequire(import.meta.url)(join(ROOT, '.dependency-cruiser.cjs')) as {
      forbidden: Array<{ name: string; from: { path: string; pathNot?: string } }>;
    };
    // Rules over every module of src/ (no cycles, product code only) say nothing of one folder.
    const ownRules = config.forbidden.filter((r) => r.from.path !== '^src/');
    const folders = readdirSync(join(ROOT, 'src'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    const without = folders.filter((f) => {
      const file = `src/${f}/x.ts`;
      return !ownRules.some((r) => new RegExp(r.from.path).test(file) && !(r.from.pathNot && new RegExp(r.from.pathNot).test(file)));
    });
    expect(without).toEqual([]);
  });

  it('a forbidden import fails the check, naming the rule', async () => {
    const dir = tempDir('finesweep-arch-');
    cpSync(join(ROOT, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
    cpSync(join(ROOT, 'tsconfig.json'), join(dir, 'tsconfig.json'));
    for (const d of ['trial', 'store', 'search']) mkdirSync(join(dir, 'src', d), { recursive: true });
    writeFileSync(join(dir, 'src/store/journal.ts'), "export const journal = 1;\n");
    writeFileSync(join(dir, 'src/trial/types.ts'), "import { journal } from '../store/journal.js';\nexport const x = journal;\n");
    writeFileSync(join(dir, 'src/search/tpe.ts'), "import { journal } from '../store/journal.js';\nexport const y = journal;\n");
    const { code, out } = await cruise(dir);
    expect(code).not.toBe(0);
    expect(out).toMatch(/trial-is-the-ground-floor/);
    expect(out).toMatch(/search-and-schedule-are-pure/);
  });
});
