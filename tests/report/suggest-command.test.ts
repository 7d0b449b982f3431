// `finesweep suggest` on a command sweep, through the built CLI: the next spec is written elsewhere
// and still runs its program where the sweep ran it (a command's cwd is the spec's directory by
// default, so the suggested spec names it). Found at scale: the next spec of a command sweep failed
// its own validation ("/task/model: unknown key").
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from '../e2e/helpers.js';
import { tempDir } from '../pool/helpers.js';

const SEEDED = fileURLToPath(new URL('../fixtures/trainers/seeded-trainer.mjs', import.meta.url));

describe('finesweep suggest on a command sweep', () => {
  it.each(['next.json', 'next.yaml'])('writes %s elsewhere that validates and runs the same program', async (out) => {
    const dir = tempDir('finesweep-suggest-cmd-');
    const project = join(dir, 'project');
    mkdirSync(project);
    // The program is named relative to the spec's directory (no cwd): the suggested spec must keep it.
    copyFileSync(SEEDED, join(project, 'train.mjs'));
    writeFileSync(
      join(project, 'sweep.json'),
      JSON.stringify({
        name: 'cmd',
        task: { type: 'command', command: [process.execPath, 'train.mjs'] },
        parameters: { epochs: { value: 1 }, learning_rate: { values: [1e-3, 3e-3, 1e-2, 3e-2, 1e-1] } },
        objective: { metric: 'val_loss', goal: 'minimize' },
        resources: { gpus: 0, workers: 2 },
      }),
    );
    const first = await run(['run', join(project, 'sweep.json'), '--results', join(dir, 'results')], dir);
    expect(first.code, first.stderr).toBe(0);
    const next = join(dir, 'elsewhere', out);
    mkdirSync(join(dir, 'elsewhere'));
    const suggested = await run(['suggest', join(dir, 'results', 'cmd'), '--out', next], dir);
    expect(suggested.code, suggested.stderr).toBe(0);
    expect(readFileSync(next, 'utf8')).toMatch(/"?cwd"?: "?\.\.\/project"?/);
    expect(readFileSync(next, 'utf8')).not.toMatch(/model/);
    const again = await run(['run', next, '--results', join(dir, 'results2')], join(dir, 'elsewhere'));
    expect(again.code, again.stderr).toBe(0);
  }, 120_000);
});
