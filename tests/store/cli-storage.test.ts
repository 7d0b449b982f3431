// `finesweep report --storage postgresql://…` through the built CLI, against a real server: a
// sweep read from the database, and every bad location as one line, exit 2, password redacted.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specHash } from '../../src/spec/hash.js';
import { openStore } from '../../src/store/open.js';
import { run, STACK } from '../e2e/helpers.js';
import { interruptedSweep } from '../report/sweep-fixture.js';
import { ADMIN_PASSWORD, startPostgres, type PgCluster } from '../helpers/postgres.js';

let pg: PgCluster;
let cwd: string;
beforeAll(async () => {
  pg = await startPostgres();
  cwd = mkdtempSync(join(tmpdir(), 'finesweep-cli-pg-'));
  const sweep = interruptedSweep();
  const store = await openStore(pg.url(), { create: true, sweep: sweep.spec.name, trialFiles: join(cwd, 'results', sweep.spec.name) });
  await store.writeSpec(sweep.spec, specHash(sweep.spec));
  for (const e of sweep.events) await store.append(e);
  await store.close();
});
afterAll(async () => {
  await pg?.stop();
});

function expectOneLine(r: { code: number | null; stdout: string; stderr: string }, pattern: RegExp, code = 2): void {
  expect(r.code).toBe(code);
  expect(r.stdout).toBe('');
  expect(r.stderr).not.toMatch(STACK);
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr.trimEnd()).toMatch(pattern);
  for (const secret of [ADMIN_PASSWORD, 'w0ng-pa55']) expect(r.stdout + r.stderr).not.toContain(secret);
}

describe('finesweep report --storage', () => {
  it('reports a sweep recorded in PostgreSQL, by name, from --storage or FINESWEEP_STORAGE', async () => {
    const name = interruptedSweep().spec.name;
    const r = await run(['report', '--storage', pg.url(), name, '--format', 'json'], cwd);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).rows).toHaveLength(8);
    const env = await runEnv(['report', name, '--format', 'md'], { FINESWEEP_STORAGE: pg.url() });
    expect(env.code).toBe(0);
    expect(env.stdout).toMatch(/8 trials: 4 completed, 1 running, 1 pending, 1 diverged, 1 failed/);
    expect(env.stdout + env.stderr).not.toContain(ADMIN_PASSWORD);
  });

  it('an unreachable server: one line, exit 2, the password redacted', async () => {
    const r = await run(['report', '--storage', pg.url({ port: 1, password: 'w0ng-pa55' }), 'demo'], cwd);
    expectOneLine(r, /^finesweep: cannot reach PostgreSQL at postgresql:\/\/finesweep_admin:\*\*\*@127\.0\.0\.1:1\/finesweep \(ECONNREFUSED\)/);
  });

  it('a wrong password: one line, exit 2, the password redacted', async () => {
    const r = await run(['report', '--storage', pg.url({ password: 'w0ng-pa55' }), 'demo'], cwd);
    expectOneLine(r, /^finesweep: PostgreSQL at postgresql:\/\/finesweep_admin:\*\*\*@\S+: password authentication failed for user "finesweep_admin"/);
  });

  it('a database without rights: one line, exit 2', async () => {
    pg.sql(`create role reader login password 'w0ng-pa55'`);
    pg.sql('create database bare');
    const r = await run(['report', '--storage', pg.url({ user: 'reader', password: 'w0ng-pa55', database: 'bare' }), 'demo'], cwd);
    expectOneLine(r, /^finesweep: PostgreSQL at postgresql:\/\/reader:\*\*\*@\S+\/bare: user "reader" lacks the rights finesweep needs/);
  });

  it('an unknown sweep name: one line, exit 2, naming the sweeps there', async () => {
    const r = await run(['report', '--storage', pg.url(), 'no-such-sweep'], cwd);
    expectOneLine(r, /^finesweep: unknown sweep "no-such-sweep" in postgresql:\/\/finesweep_admin:\*\*\*@\S+ \(it holds: .*\)$/);
  });

  it('a schema of a newer version: one line, exit 2', async () => {
    pg.sql('create database future');
    const s = await openStore(pg.url({ database: 'future' }), { create: true, sweep: 'x', trialFiles: join(cwd, 'x') });
    await s.close();
    pg.sql('update finesweep_schema set version = version + 1', 'future');
    const r = await run(['report', '--storage', pg.url({ database: 'future' }), 'x'], cwd);
    expectOneLine(r, /^finesweep: database future at 127\.0\.0\.1:\d+ holds finesweep schema version \d+, newer than this finesweep's \(\d+\): upgrade finesweep to use it$/);
  });
});

async function runEnv(args: string[], env: Record<string, string>) {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return await run(args, cwd);
  } finally {
    process.env = saved;
  }
}
