// The journal file itself: torn tails, corrupt lines, concurrent appends, and a real SIGKILL.
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SweepError } from '../../src/errors.js';
import type { JournalEvent, JournalEventBody } from '../../src/store/events.js';
import { Journal, parseJournal, readJournal } from '../../src/store/journal.js';
import { readSweep } from '../../src/store/read.js';
import { childScript, compiledStore } from './helpers/compiled.js';
import { exited, waitForFile } from './helpers/wait.js';

const journals: Journal[] = [];
afterEach(async () => {
  await Promise.all(journals.splice(0).map((j) => j.close()));
});

function freshJournal(): Journal {
  const j = new Journal(join(mkdtempSync(join(tmpdir(), 'finesweep-journal-')), 'journal.jsonl'));
  journals.push(j);
  return j;
}

const stopped = (i: number): JournalEventBody => ({ type: 'trial_stopped', trial_id: `t${i}`, epoch: i, reason: 'sigint' });

/** Every line of the file parses, and seqs run 1..n with no gap. */
function expectIntact(path: string): JournalEvent[] {
  const text = readFileSync(path, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  const events = text.trimEnd().split('\n').map((l) => JSON.parse(l) as JournalEvent);
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  return events;
}

describe('the journal', () => {
  it('skips a torn last line on read, and cuts it off and records the repair before the next append', async () => {
    const j = freshJournal();
    for (let i = 0; i < 3; i++) await j.append(stopped(i));
    await j.close();
    const whole = readFileSync(j.path);
    const thirdLineStart = whole.indexOf('\n', whole.indexOf('\n') + 1) + 1;
    truncateSync(j.path, thirdLineStart + 10); // a crash in the middle of writing line 3

    const read = await readJournal(j.path);
    expect(read.events.map((e) => e.seq)).toEqual([1, 2]);
    expect(read.tornBytes).toBe(10);

    const next = new Journal(j.path);
    journals.push(next);
    const e = await next.append(stopped(9));
    expect(e.seq).toBe(4);
    const events = expectIntact(j.path);
    expect(events.slice(2)).toEqual([
      { seq: 3, time: e.time, type: 'journal_repaired', dropped_bytes: 10 },
      e,
    ]);
  });

  it('treats an unparsable last line that has its newline as torn too', async () => {
    const j = freshJournal();
    await j.append(stopped(0));
    await j.close();
    appendFileSync(j.path, '\0\0\0\0\n'); // zero-filled tail that some file systems leave after a crash
    expect((await j.events()).length).toBe(1);
    const e = await j.append(stopped(1));
    expect(e.seq).toBe(3);
    expect(expectIntact(j.path)[1]).toMatchObject({ type: 'journal_repaired', dropped_bytes: 5 });
  });

  it('refuses a corrupt line in the middle with its line number and byte offset, and leaves the file unchanged', async () => {
    const j = freshJournal();
    for (let i = 0; i < 4; i++) await j.append(stopped(i));
    await j.close();
    const lines = readFileSync(j.path, 'utf8').split('\n');
    lines[2] = lines[2].replace('"seq":', '"seq":#'); // damage line 3 (a bit flip, an editor)
    writeFileSync(j.path, lines.join('\n'));
    const before = readFileSync(j.path);
    const offset = Buffer.byteLength(lines[0] + '\n' + lines[1] + '\n');

    const readErr = await j.events().catch((e: unknown) => e);
    expect(readErr).toBeInstanceOf(SweepError);
    expect((readErr as Error).message).toBe(
      `journal ${j.path} is corrupt at line 3 (byte offset ${offset}): not valid JSON; the file was left unchanged`,
    );
    const appendErr = await j.append(stopped(5)).catch((e: unknown) => e);
    expect(appendErr).toBeInstanceOf(SweepError);
    expect((appendErr as Error).message).toMatch(/corrupt at line 3 \(byte offset \d+\)/);
    expect(readFileSync(j.path).equals(before)).toBe(true);
  });

  it('refuses a line whose seq does not follow the one before', () => {
    const bytes = Buffer.from('{"seq":1,"type":"a"}\n{"seq":1,"type":"b"}\n{"seq":3,"type":"c"}\n');
    expect(() => parseJournal(bytes, 'j')).toThrow(/line 2 \(byte offset 21\): seq 1 does not follow 1/);
  });

  it('writes concurrent appends in seq order, each on its own intact line', async () => {
    const j = freshJournal();
    const big = 'x'.repeat(5000);
    const written = await Promise.all(
      Array.from({ length: 500 }, (_, i) => j.append({ type: 'trial_failed', trial_id: `t${i}`, attempt: 1, error: big, will_retry: false })),
    );
    expect(written.map((e) => e.seq)).toEqual(written.map((_, i) => i + 1));
    const events = expectIntact(j.path);
    expect(events).toEqual(written);
  });

  it('fails only the one event that cannot be written as JSON, not the others in its batch', async () => {
    const j = freshJournal();
    const bad = { type: 'trial_stopped', trial_id: 't1', epoch: 10n, reason: 'x' } as unknown as JournalEventBody;
    const results = await Promise.allSettled([j.append(stopped(0)), j.append(bad), j.append(stopped(2))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(((results[1] as PromiseRejectedResult).reason as Error).message).toMatch(/^cannot record a trial_stopped event: .*BigInt/);
    const events = expectIntact(j.path);
    expect(events.map((e) => (e as { trial_id: string }).trial_id)).toEqual(['t0', 't2']);
  });

  it('survives a writer killed with SIGKILL in the middle of appending: every line parses, seqs contiguous', async () => {
    const root = compiledStore();
    const dir = mkdtempSync(join(tmpdir(), 'finesweep-journal-'));
    const path = join(dir, 'journal.jsonl');
    const marker = join(dir, 'appending');
    const script = childScript('append-forever', `
      import { statSync, writeFileSync } from 'node:fs';
      import { Journal } from '${root}/src/store/journal.js';
      const [path, marker] = process.argv.slice(2);
      const j = new Journal(path);
      // Big lines, several in flight: each group commit is one large write, which the kernel
      // cuts short when SIGKILL arrives in the middle of it — a real torn tail.
      const payload = 'y'.repeat(1024 * 1024);
      let n = 0;
      for (;;) {
        await Promise.all(Array.from({ length: 8 }, () =>
          j.append({ type: 'trial_failed', trial_id: 't' + n++, attempt: 1, error: payload, will_retry: true })));
        if (n === 16) writeFileSync(marker, String(statSync(path).size));
      }
    `);
    const child = spawn(process.execPath, [script, path, marker], { stdio: 'ignore' });
    try {
      await waitForFile(marker, child);
      // Kill once the next write has begun (the file grew past what the marker saw).
      const synced = Number(readFileSync(marker, 'utf8'));
      while (statSync(path).size <= synced) {
        if (child.exitCode !== null) throw new Error(`writer exited (${child.exitCode}) before it was killed`);
        await new Promise((r) => setImmediate(r));
      }
      child.kill('SIGKILL');
      expect((await exited(child)).signal).toBe('SIGKILL');

      const read = await readJournal(path);
      expect(read.events.length).toBeGreaterThanOrEqual(16);
      expect(read.events.map((e) => e.seq)).toEqual(read.events.map((_, i) => i + 1));

      // The next writer repairs whatever the kill left and continues the sequence.
      const j = new Journal(path);
      journals.push(j);
      const e = await j.append(stopped(0));
      const events = expectIntact(path);
      expect(events.at(-1)).toEqual(e);
      expect(events.length).toBe(read.events.length + (read.tornBytes > 0 ? 2 : 1));
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps every append that resolved when its writer is killed with SIGKILL (written, not yet fsynced: the page cache outlives the process)', async () => {
    const root = compiledStore();
    const dir = mkdtempSync(join(tmpdir(), 'finesweep-journal-'));
    const path = join(dir, 'journal.jsonl');
    const script = childScript('append-acked', `
      import { writeSync } from 'node:fs';
      import { Journal } from '${root}/src/store/journal.js';
      const j = new Journal(process.argv[2]);
      // One at a time, each acknowledged on stdout once its append resolved.
      for (let n = 0; ; n++) {
        const e = await j.append({ type: 'trial_stopped', trial_id: 't' + n, epoch: n, reason: 'x' });
        writeSync(1, e.seq + '\\n');
      }
    `);
    const child = spawn(process.execPath, [script, path], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      let acked = 0;
      let buffered = '';
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (chunk: Buffer) => {
          buffered += chunk.toString();
          const lines = buffered.split('\n');
          buffered = lines.pop()!;
          for (const l of lines) acked = Math.max(acked, Number(l));
          if (acked >= 300) {
            child.kill('SIGKILL');
            resolve();
          }
        });
        child.on('exit', (code) => (acked >= 300 ? resolve() : reject(new Error(`writer exited (${code}) after ${acked} appends`))));
      });
      expect((await exited(child)).signal).toBe('SIGKILL');
      const read = await readJournal(path);
      // Every acknowledged event is there (appends the kill cut short may be there too, or torn).
      expect(read.events.length).toBeGreaterThanOrEqual(acked);
      expect(read.events.slice(0, acked).map((e) => e.seq)).toEqual(Array.from({ length: acked }, (_, i) => i + 1));
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('syncs behind the appends: sync() and close() resolve once fdatasync has covered every written line', async () => {
    const j = freshJournal();
    const written = await Promise.all(Array.from({ length: 20 }, (_, i) => j.append(stopped(i))));
    await j.sync();
    await j.append(stopped(20));
    await j.close();
    const events = expectIntact(j.path);
    expect(events).toHaveLength(21);
    expect(events.slice(0, 20)).toEqual(written);
    // A removal is journaled before files go on its word: its append resolves only once synced.
    const removal = await j.append({ type: 'trial_files_removed', trial_id: 't0', what: 'checkpoint', bytes: 1, reason: 'x' });
    expect(removal.seq).toBe(22);
  });

  it('reads a sweep that is still being written without taking its lock', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'finesweep-journal-'));
    writeFileSync(join(dir, 'spec.resolved.json'), JSON.stringify({ hash: 'h', spec: { name: 'demo' } }));
    writeFileSync(join(dir, 'lock.json'), JSON.stringify({ pid: process.pid, host: 'elsewhere', since: 'now' }));
    const j = new Journal(join(dir, 'journal.jsonl'));
    journals.push(j);
    await j.append({ type: 'sweep_started', name: 'demo', spec_hash: 'h', trials: 1, resumed: false, pid: 1, host: 'x' });
    await j.append({ type: 'trial_started', trial_id: 't0', index: 0, params: {}, slot: 0, attempt: 1, from_epoch: 0 });
    appendFileSync(j.path, '{"seq":3,"time":"'); // an append in progress
    const sweep = await readSweep(dir);
    expect(sweep.hash).toBe('h');
    expect(sweep.spec).toEqual({ name: 'demo' });
    expect(sweep.events.length).toBe(2);
    expect(sweep.state.trials.get('t0')?.status).toBe('running');
    expect(sweep.state.completed).toBe(false);
  });
});
