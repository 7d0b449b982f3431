// Writes that the disk refuses: a file-size limit (standing in for a full disk) and a directory
// that cannot be written. The error names the path and the errno; the journal stays readable.
import { spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SweepError } from '../../src/errors.js';
import type { JournalEvent } from '../../src/store/events.js';
import { JournalStore } from '../../src/store/journal-store.js';
import { childScript, compiledStore } from './helpers/compiled.js';

/** Whether this process can write into a directory without write permission (root can). */
function chmodBlocksWrites(): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'finesweep-perm-'));
  chmodSync(dir, 0o555);
  try {
    accessSync(dir, constants.W_OK);
    return false;
  } catch {
    return true;
  } finally {
    chmodSync(dir, 0o755);
  }
}

describe('a store the disk refuses', () => {
  it('reports a full disk (file size limit) with the path and errno, and leaves a readable journal that appends again later', async () => {
    const root = compiledStore();
    const dir = join(mkdtempSync(join(tmpdir(), 'finesweep-full-')), 'sweep');
    const script = childScript('fill-journal', `
      import { JournalStore } from '${root}/src/store/journal-store.js';
      const store = await JournalStore.open(process.argv[2], { create: true });
      const error = 'z'.repeat(700);
      let n = 0;
      try {
        for (;;) await store.append({ type: 'trial_failed', trial_id: 't' + n++, attempt: 1, error, will_retry: true });
      } catch (e) {
        process.stdout.write(JSON.stringify({ name: e.name, message: e.message, exitCode: e.exitCode, appended: n - 1 }));
      }
    `);
    // 16 KiB limit: the journal hits it after ~20 events, in the middle of a line.
    const r = spawnSync('bash', ['-c', 'ulimit -f 16 && exec "$0" "$@"', process.execPath, script, dir], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const failure = JSON.parse(r.stdout) as { name: string; message: string; exitCode: number; appended: number };
    expect(failure.name).toBe('SweepError');
    expect(failure.exitCode).toBe(1);
    expect(failure.message).toBe(`cannot append to journal ${join(dir, 'journal.jsonl')}: EFBIG (file too large (file size limit reached))`);

    // Readable: no partial line was left behind, every appended event is there.
    const text = readFileSync(join(dir, 'journal.jsonl'), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const store = await JournalStore.open(dir);
    const events = await store.events();
    expect(events.length).toBe(failure.appended);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    // Space is back (no limit in this process): appending continues the sequence.
    const next: JournalEvent = await store.append({ type: 'trial_stopped', trial_id: 't0', epoch: 1, reason: 'x' });
    expect(next.seq).toBe(failure.appended + 1);
    await store.close();
  });

  it('reports a results directory it cannot create, naming the path and the errno', async () => {
    const base = mkdtempSync(join(tmpdir(), 'finesweep-unwritable-'));
    let dir: string;
    let errno: string;
    if (chmodBlocksWrites()) {
      const parent = join(base, 'results');
      mkdirSync(parent);
      chmodSync(parent, 0o555);
      dir = join(parent, 'sweep');
      errno = 'EACCES (permission denied)';
    } else {
      // Running as root, permissions do not block writes: a parent that is a regular file does.
      writeFileSync(join(base, 'results'), 'not a directory');
      dir = join(base, 'results', 'sweep');
      errno = 'ENOTDIR (a parent of the path is not a directory)';
    }
    const err = await JournalStore.open(dir, { create: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SweepError);
    expect((err as Error).message).toBe(`cannot create sweep directory ${dir}: ${errno}`);
  });

  it('reports a journal it cannot write, leaves its bytes unchanged, and keeps it readable', async () => {
    const root = compiledStore();
    const dir = join(mkdtempSync(join(tmpdir(), 'finesweep-unwritable-')), 'sweep');
    const store = await JournalStore.open(dir, { create: true });
    for (let i = 0; i < 10; i++) await store.append({ type: 'trial_stopped', trial_id: `t${i}`, epoch: 1, reason: 'r'.repeat(200) });
    await store.close();
    const journal = join(dir, 'journal.jsonl');
    const before = readFileSync(journal);
    const script = childScript('append-once', `
      import { JournalStore } from '${root}/src/store/journal-store.js';
      const store = await JournalStore.open(process.argv[2]);
      try { await store.append({ type: 'trial_stopped', trial_id: 'late', epoch: 1, reason: 'x' }); process.stdout.write('appended'); }
      catch (e) { process.stdout.write(e.name + ': ' + e.message); }
    `);
    let r;
    if (chmodBlocksWrites()) {
      chmodSync(journal, 0o444);
      r = spawnSync(process.execPath, [script, dir], { encoding: 'utf8' });
      expect(r.stdout).toBe(`SweepError: cannot open journal ${journal}: EACCES (permission denied)`);
    } else {
      // Running as root, permissions do not block writes: a file-size limit below the journal's
      // size (1 KiB, the journal holds ~2.7 KiB) does.
      r = spawnSync('bash', ['-c', 'ulimit -f 1 && exec "$0" "$@"', process.execPath, script, dir], { encoding: 'utf8' });
      expect(r.stdout).toBe(`SweepError: cannot append to journal ${journal}: EFBIG (file too large (file size limit reached))`);
    }
    expect(readFileSync(journal).equals(before)).toBe(true);
    const reopened = await JournalStore.open(dir);
    expect((await reopened.events()).length).toBe(10);
    await reopened.close();
  });
});
