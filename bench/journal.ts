// Journal throughput: appends per second, up to the fdatasync of the last one. Runnable alone:
// `node dist/bench/journal.js`. An append is acknowledged once written and synced behind
// (journal.ts says why); the timing ends when a sync covers every event.
// sequential: one append awaited at a time; concurrent: 8 writers (like 8 slots) appending at
// once, batched by the journal's group commit.
import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { JournalEventBody } from '../src/store/events.js';
import { Journal } from '../src/store/journal.js';

export interface JournalBench {
  /** The conservative figure: sequential fsynced appends per second. */
  eventsPerSecond: number;
  sequentialEventsPerSecond: number;
  concurrentEventsPerSecond: number;
  /** The disk's floor for comparison: a bare write + fdatasync loop of the same lines. */
  bareFsyncsPerSecond: number;
  events: number;
}

function epochEvent(i: number): JournalEventBody {
  // A realistic line (~300 bytes): an epoch's metrics with a few downsampled steps.
  return {
    type: 'epoch_ended',
    trial_id: `trial-${String(i % 64).padStart(4, '0')}`,
    metrics: {
      epoch: i, train_loss: 0.4321, train_accuracy: 0.87, val_loss: 0.5123, val_accuracy: 0.84, val_f1: 0.83, seconds: 12.5,
      steps: [[i * 10, 0.5], [i * 10 + 5, 0.45], [i * 10 + 9, 0.43]],
    },
  };
}

async function timed(n: number, run: (j: Journal) => Promise<void>): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'finesweep-bench-journal-'));
  const journal = new Journal(join(dir, 'journal.jsonl'));
  try {
    await journal.append(epochEvent(0)); // open the file outside the timing
    const start = process.hrtime.bigint();
    await run(journal);
    await journal.sync();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return n / seconds;
  } finally {
    await journal.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function bareFsyncs(n: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'finesweep-bench-fsync-'));
  const handle = await open(join(dir, 'bare.jsonl'), 'a');
  try {
    const start = process.hrtime.bigint();
    for (let i = 1; i <= n; i++) {
      await handle.write(JSON.stringify({ seq: i, time: new Date().toISOString(), ...epochEvent(i) }) + '\n');
      await handle.datasync();
    }
    return n / (Number(process.hrtime.bigint() - start) / 1e9);
  } finally {
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchJournal(events = 2000): Promise<JournalBench> {
  const bare = await bareFsyncs(events);
  const sequential = await timed(events, async (j) => {
    for (let i = 1; i <= events; i++) await j.append(epochEvent(i));
  });
  const writers = 8;
  const perWriter = Math.ceil(events / writers);
  const concurrent = await timed(perWriter * writers, async (j) => {
    await Promise.all(Array.from({ length: writers }, async (_, w) => {
      for (let i = 1; i <= perWriter; i++) await j.append(epochEvent(w * perWriter + i));
    }));
  });
  return { eventsPerSecond: Math.round(sequential), sequentialEventsPerSecond: Math.round(sequential), concurrentEventsPerSecond: Math.round(concurrent),
    bareFsyncsPerSecond: Math.round(bare), events };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const n = Number(process.argv[2] ?? 2000);
  const r = await benchJournal(n);
  console.log(`journal: ${r.sequentialEventsPerSecond} events/s one at a time (synced behind, to the last), ` +
    `${r.concurrentEventsPerSecond} events/s with 8 concurrent writers (group commit), ${r.events} events; ` +
    `bare write+fdatasync floor of this disk: ${r.bareFsyncsPerSecond}/s`);
}
