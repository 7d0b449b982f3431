// A finished 1,000-trial sweep (written straight into a journal, not run) through the built CLI:
// `resume` has nothing to run and exits 0 with the report; `suggest` writes a spec `validate` accepts.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSyntheticSweep } from '../../bench/sweep-journal.js';
import { run, STACK } from './helpers.js';

describe('a finished 1,000-trial sweep through the CLI', () => {
  it('resume exits 0 with the report, and suggest writes a spec that validates', async () => {
    const root = await mkdtemp(join(tmpdir(), 'finesweep-10k-'));
    // 1,000, not 10,000: resume's run loop (src/sweep) takes minutes over 10,000 finished trials here.
    const dir = await writeSyntheticSweep(root, 1000);
    const resumed = await run(['resume', dir], root);
    expect(resumed.stderr).not.toMatch(STACK);
    expect(resumed.stderr).not.toMatch(/unexpected error/);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/^next sweep: /m);
    expect(resumed.stdout).toMatch(/^HTML report: /m);
    for (const out of ['next.json', 'next.yaml']) {
      const suggested = await run(['suggest', dir, '--out', join(root, out)], root);
      expect(suggested.code).toBe(0);
      // The synthetic sweep's data file was never written: check the spec, not its data.
      const valid = await run(['validate', join(root, out), '--no-data'], root);
      expect(valid.stderr).toBe('');
      expect(valid.code).toBe(0);
    }
  }, 300_000);
});
