// The library's ask/tell overhead per trial on a trivial objective (suggest one float, tell x²),
// in memory and on the study directory's journal, beside Optuna 3.1 doing the same through its
// in-memory storage and its JournalFileStorage (bench/library_optuna.py), in the same run.
//   npm run build && node dist/bench/library.js [trials]
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStudy } from '../src/index.js';

type Where = 'memory' | 'journal';
type Strategy = 'random' | 'tpe';

async function finesweep(n: number, where: Where, strategy: Strategy): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'finesweep-bench-lib-'));
  const study = await createStudy({ name: 'bench', seed: 1, strategy, objective: 'value', ...(where === 'journal' ? { storage: join(dir, 'bench') } : {}) });
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const trial = await study.ask();
    const x = trial.suggestFloat('x', -10, 10);
    await study.tell(trial, x * x);
  }
  const ms = (performance.now() - start) / n;
  await study.close();
  return ms;
}

function optuna(n: number, where: Where, strategy: Strategy): number | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'finesweep-bench-optuna-'));
  try {
    const out = execFileSync('/usr/bin/python3', [join(import.meta.dirname, '../../bench/library_optuna.py'), String(n), where, strategy, dir], { encoding: 'utf8' });
    return Number(out.trim());
  } catch {
    return undefined;
  }
}

export interface LibraryBench {
  trials: number;
  rows: Array<{ where: Where; strategy: Strategy; finesweepMs: number; optunaMs?: number }>;
}

export async function benchLibrary(n = 500): Promise<LibraryBench> {
  const rows: LibraryBench['rows'] = [];
  for (const strategy of ['random', 'tpe'] as const) {
    for (const where of ['memory', 'journal'] as const) {
      rows.push({ where, strategy, finesweepMs: await finesweep(n, where, strategy), optunaMs: optuna(n, where, strategy) });
    }
  }
  return { trials: n, rows };
}

export function formatLibrary(b: LibraryBench): string {
  const lines = [`ask/tell per trial, trivial objective, ${b.trials} trials (ms; ratio = finesweep / Optuna 3.1, same run)`];
  for (const r of b.rows) {
    const ratio = r.optunaMs ? (r.finesweepMs / r.optunaMs).toFixed(2) : '-';
    lines.push(`  ${r.strategy.padEnd(6)} ${r.where.padEnd(7)}  finesweep ${r.finesweepMs.toFixed(3).padStart(7)}   optuna ${(r.optunaMs?.toFixed(3) ?? 'n/a').padStart(7)}   ratio ${ratio}`);
  }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(formatLibrary(await benchLibrary(Number(process.argv[2] ?? 500))));
}
