// The README as a new user reads it: short, the two commands first, and the shortest spec of
// "Sweeping your own script" really sweeps the script beside it (the compiled CLI and a real
// python3; `npm run build` first). Figures live in bench/RESULTS.md, not in the README or docs/.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

const hasPython = ((): boolean => {
  try {
    execFileSync('python3', ['-c', 'pass']);
    return true;
  } catch {
    return false;
  }
})();

/** The text of a `## title` section, up to the next `## `. */
function section(title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  expect(start, `README section "${title}"`).toBeGreaterThanOrEqual(0);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** The fenced blocks of a given language, in order. */
const blocks = (text: string, lang: string): string[] => [...text.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);

describe('the README', () => {
  it('is at most 300 lines', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(300);
  });

  it('starts with the two commands: install and run the main job; install what the tests need and pass them', () => {
    expect(blocks(readme, 'bash')[0]).toBe('npm ci && npx finesweep run sweeps/spam-grid.json\nnpm test\n');
  });

  it('lists every command of the CLI in its commands table', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/finesweep.js'), '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const commands = [...r.stdout.slice(r.stdout.indexOf('\nCommands:\n')).matchAll(/^ {2}([a-z][\w-]*) /gm)].map((m) => m[1]!).filter((c) => c !== 'help');
    expect(commands.length).toBeGreaterThan(10);
    const table = section('Commands and exit codes');
    for (const command of commands) expect(table, command).toContain(`| \`finesweep ${command}`);
  });

  it('ends its tour on the leaderboard picture', () => {
    expect(section('A two-minute tour').trimEnd()).toMatch(/!\[[^\]]*\]\(docs\/report\.png\)$/);
  });

  it.skipIf(!hasPython)('"Sweeping your own script": the spec and the script shown sweep three trials to a ranked end', () => {
    const text = section('Sweeping your own script');
    const [script] = blocks(text, 'python');
    const [spec] = blocks(text, 'json');
    expect(script).toBeDefined();
    expect(spec).toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), 'finesweep-readme-'));
    writeFileSync(join(dir, 'train.py'), script!);
    writeFileSync(join(dir, 'sweep.json'), spec!);
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/finesweep.js'), 'run', 'sweep.json'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.stderr).toMatch(/0 failed/);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/3 trials: 3 completed/);
    // Ranked by the default objective, val_loss: the largest learning rate learns fastest here.
    expect(r.stdout).toMatch(/^│ +1 │ t002-\w+ │/m);
  });

  it('and the manual carry no measurements: those are in bench/RESULTS.md', () => {
    const pages = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
    for (const page of pages) {
      const text = readFileSync(join(ROOT, page), 'utf8').replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');
      expect(text, page).not.toMatch(/load average|measured,? (on the project|in 20\d\d|20\d\d)|\(measured[ ,:]+\d|±\s?\d+ ?%|GFLOP\/s|examples\/s|tokens\/s/i);
    }
  });
});
