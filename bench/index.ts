// `npm run bench`: every benchmark in one run, then one table of the ratios that matter, measured
// together on the same machine. `--quick` leaves out the adaptive-search benchmark (~7 min).
import { availableParallelism, cpus, loadavg } from 'node:os';
import { benchAdaptive, formatAdaptive, type AdaptiveBench } from './adaptive.js';
import { benchDashboard, formatDashboard } from './dashboard.js';
import { benchCommand, formatCommand } from './command.js';
import { benchCli, formatCli } from './cli.js';
import { benchEngine } from './engine.js';
import { benchJournal } from './journal.js';
import { benchPool, formatPool } from './pool.js';
import { benchReport, formatReport } from './report.js';
import { benchPytorch, formatPytorch } from './pytorch.js';
import { benchRss } from './rss.js';
import { benchSchedule, benchSweep, formatSchedule, formatSweep } from './schedule.js';
import { benchTpe, formatTpe } from './tpe.js';
import { benchPlanTable, benchTable, formatPlanTable, formatTable } from './table.js';
import { benchWorkers, formatWorkers } from './workers.js';

const quick = process.argv.includes('--quick');
const log = (line: string) => process.stderr.write(`${line}\n`);

log(`machine: ${cpus()[0]?.model ?? 'unknown cpu'}, ${availableParallelism()} cores, node ${process.version}`);
log('journal...');
const journal = await benchJournal();
log('engine (wasm, cpu)...');
const engine = await benchEngine();
log('pytorch example beside the engine (one thread each)...');
const pytorch = await benchPytorch();
log(formatPytorch(pytorch));
log('pool (1,000 noop trials; 8 real trials on 1 and 2 slots)...');
const pool = await benchPool();
log(formatPool(pool));
log('command trials (100 of a program that reports one epoch, beside 100 noop trials)...');
const command = await benchCommand();
log(formatCommand(command));
log('early-stopping decisions (10,000 trials × 20 evaluations; the scan beside it at 1,000)...');
const schedule = benchSchedule();
log(formatSchedule(schedule));
const stepSweep = benchSweep();
log(formatSweep(stepSweep));
const longSweep = benchSweep(40, 5_000, undefined, false);
log(formatSweep(longSweep));
const tpe = await benchTpe();
log(formatTpe(tpe));
log('peak memory per slot...');
const rss = await benchRss();
log('terminal table (1,000 and 10,000 trials, --all)...');
const table = benchTable();
log(formatTable(table));
log('plan table (10,000 and 20,000 trials)...');
const planTable = benchPlanTable();
log(formatPlanTable(planTable));
log('dashboard (main job and 10,000 synthetic trials in chromium)...');
const dashboard = await benchDashboard();
log(formatDashboard(dashboard));
log('report seconds per format (1,000 and 10,000 synthetic trials)...');
const report = await benchReport();
log(formatReport(report));
log('CLI overhead (3,000 noop trials through finesweep run, one worker, no TTY)...');
const cliRun = benchCli();
log(formatCli(cliRun));
log('shared sweeps on PostgreSQL (1, 2, 4 worker processes; lease take-over after kill -9)...');
const workers = await benchWorkers();
log(formatWorkers(workers));
let adaptive: AdaptiveBench | undefined;
if (!quick) {
  log('adaptive search (random vs asha, tpe vs random)...');
  adaptive = await benchAdaptive({ onLog: log });
  log(formatAdaptive(adaptive));
}

const rows: Array<[string, string, string]> = [];
for (const r of engine) {
  rows.push([
    `fine-tune FLOP/s ÷ matMul FLOP/s (${r.backend}, ${r.task})`,
    r.ratio.toFixed(2),
    `${r.achievedGflops.toFixed(2)} of ${r.matMulGflops.toFixed(2)} GFLOP/s; ${r.tokensPerSecond.toFixed(0)} tokens/s, ${r.examplesPerSecond.toFixed(1)} examples/s (goal ≥ 0.5)`,
  ]);
}
const torch = pytorch.torch;
rows.push([
  'pytorch example ÷ tfjs engine, examples/s',
  torch ? `${(torch.wall / pytorch.tfjs.wall).toFixed(2)}×` : 'n/a',
  torch
    ? `${torch.wall.toFixed(1)} vs ${pytorch.tfjs.wall.toFixed(1)} (wasm); per CPU second ${torch.cpu.toFixed(1)} vs ${pytorch.tfjs.cpu.toFixed(1)}; same model, data, split, batch ${pytorch.batchSize}; one thread each`
    : `${pytorch.why}`,
]);
if (pool.speedup) {
  const s = pool.speedup;
  rows.push(['speed-up of 2 slots over 1', `${s.speedup.toFixed(2)}×`, `${s.trials} real trials: ${s.oneSlotSeconds.toFixed(1)} s vs ${s.twoSlotSeconds.toFixed(1)} s (goal ≥ 1.7×)`]);
}
rows.push(['orchestration overhead per trial', `${pool.overhead.msPerTrial.toFixed(2)} ms`, `${pool.overhead.trials} noop trials through expansion, pool, fsynced journal, progress (goal ≤ 5 ms)`]);
rows.push([
  'command trial overhead ÷ noop trial',
  `${(command.commandMsPerTrial / command.noopMsPerTrial).toFixed(1)}×`,
  `${command.commandMsPerTrial.toFixed(1)} vs ${command.noopMsPerTrial.toFixed(1)} ms/trial (${command.trials} each, 2 slots, one run); the program alone ${command.spawnMs.toFixed(1)} ms`,
]);
for (const rule of ['asha', 'median'] as const) {
  const [scan, kept, big] = schedule.filter((r) => r.rule === rule);
  rows.push([
    `${rule} decisions, ${big.trials.toLocaleString('en-US')} trials × ${big.evaluations} evaluations`,
    `${big.seconds.toFixed(2)} s`,
    `at ${kept.trials.toLocaleString('en-US')} trials ${kept.seconds.toFixed(2)} s vs ${scan.seconds.toFixed(1)} s scanning every result (${(scan.seconds / kept.seconds).toFixed(0)}×), same ${kept.stops} stops`,
  ]);
}
rows.push([
  `finesweep run, ${stepSweep.trials.toLocaleString('en-US')} command trials × 20 step evaluations, ASHA`,
  `${stepSweep.msPerEvaluation.toFixed(2)} ms`,
  `an evaluation (${stepSweep.evaluations} recorded, ${stepSweep.stops} trials stopped); ${stepSweep.seconds.toFixed(1)} s in all`,
]);
for (const t of tpe) rows.push([`TPE proposal, ${t.trials.toLocaleString('en-US')} trials in the history, 5 parameters`, `${t.ms.toFixed(1)} ms`, 'the mean of 20 proposals']);
rows.push([
  `finesweep run, ${longSweep.trials} command trials × 5,000 step evaluations, then report`,
  `${longSweep.msPerEvaluation.toFixed(2)} ms`,
  `an evaluation (${longSweep.evaluations} recorded); ${longSweep.seconds.toFixed(1)} s in all; report ${longSweep.reportSeconds.toFixed(2)} s`,
]);
rows.push(['journal events/s (written, fdatasynced behind, to the last)', `${Math.round(journal.eventsPerSecond)}`, `one append at a time; ${Math.round(journal.concurrentEventsPerSecond)}/s with 8 writers (goal ≥ 1,000)`]);
for (const t of table) {
  const ratio = t.cliTable3Seconds !== undefined ? `; cli-table3 ${t.cliTable3Seconds.toFixed(2)} s (${(t.cliTable3Seconds / t.renderSeconds).toFixed(0)}× slower)` : '';
  rows.push([`report table --all, ${t.rows.toLocaleString('en-US')} trials`, `${(t.buildSeconds + t.renderSeconds).toFixed(2)} s`, `leaderboard ${t.buildSeconds.toFixed(2)} s + table ${t.renderSeconds.toFixed(3)} s${ratio} (goal ≤ 3 s at 10,000)`]);
}
for (const t of planTable) {
  rows.push([`plan table, ${t.rows.toLocaleString('en-US')} trials`, `${t.boxSeconds.toFixed(3)} s`, `cli-table3 ${t.cliTable3Seconds.toFixed(2)} s (${(t.cliTable3Seconds / t.boxSeconds).toFixed(0)}× slower)`]);
}
for (const f of ['table', 'md', 'csv', 'json', 'html'] as const) {
  const [k1, k10] = report.map((r) => r.seconds[f]);
  rows.push([`report ${f}${f === 'table' ? ' (top 20)' : ''}, 10k trials`, `${k10.toFixed(2)} s`, `1k: ${k1.toFixed(2)} s; 10k ÷ 1k ${(k10 / k1).toFixed(1)}× (goal ≤ 3 s, ≤ 10×)`]);
}
rows.push(['peak RSS per slot', `${rss.perSlotMiB.toFixed(0)} MiB`, `sweep process peak ${rss.oneSlotPeakMiB.toFixed(0)} MiB with 1 slot, ${rss.twoSlotPeakMiB.toFixed(0)} MiB with 2`]);
rows.push([
  'dashboard first paint (12 / 10,000 trials)',
  `${dashboard.main!.firstPaintMs.toFixed(0)} / ${dashboard.big.firstPaintMs.toFixed(0)} ms`,
  `fresh server, headless chromium; plots drawn after ${dashboard.main!.chartsMs} / ${dashboard.big.chartsMs} ms (goal ≤ 2 s at 10,000)`,
]);
rows.push(['dashboard: epoch_ended → point on the page', `${dashboard.medianDelayMs.toFixed(0)} ms`, `median of ${dashboard.delaysMs.length} appends (fs.watch, tail, SSE, fragment, vega SVG)`]);
if (dashboard.storage) rows.push(['dashboard --storage: epoch_ended → point on the page', `${dashboard.storage.medianDelayMs.toFixed(0)} ms`, `median of ${dashboard.storage.delaysMs.length} PostgreSQL appends (waitForEvents poll, StoreTail, SSE, fragment, vega SVG); ${(dashboard.storage.medianDelayMs / dashboard.medianDelayMs).toFixed(2)}× the journal file's; load ${dashboard.storage.load.toFixed(1)}`]);
rows.push(['CLI overhead per trial', `${cliRun.msPerTrial.toFixed(2)} ms`, `${cliRun.trials} noop trials through finesweep run, 1 worker, no TTY (run loop ${cliRun.loopMsPerTrial.toFixed(2)} ms); ${cliRun.trialDirs} trial directories left; resume of it ${cliRun.resumeSeconds.toFixed(1)} s (goal ≤ 2.7 ms, Optuna's journal file)`]);
{
  const one = workers.postgres[0];
  const four = workers.postgres.at(-1)!;
  rows.push(['PostgreSQL: 4 workers ÷ 1 worker throughput', `${(four.trialsPerSecond / one.trialsPerSecond).toFixed(2)}×`, `${workers.trials} noop trials (CPU-bound: cores busy ${(four.cores + four.serverCores).toFixed(2)}); ${one.msPerTrial.toFixed(1)} ms a trial on 1 worker, file journal ${workers.journal.msPerTrial.toFixed(1)} ms (goal ≥ 3×, ≤ 5 ms)`]);
  const p1 = workers.paused[0];
  const p4 = workers.paused.at(-1)!;
  rows.push([`PostgreSQL: 4 workers ÷ 1 worker, ${workers.pauseMs} ms trials`, `${(p1.steadyMsPerTrial / p4.steadyMsPerTrial).toFixed(2)}×`, `first start to last completion; overhead a trial on 1 worker ${(p1.steadyMsPerTrial - workers.pauseMs).toFixed(1)} ms (goal ≥ 3×, ≤ 5 ms)`]);
  rows.push(['lease take-over after kill -9', `${workers.takeOverSeconds.toFixed(1)} s`, `lease ${workers.leaseSeconds} s, heartbeat ${workers.heartbeatSeconds} s (goal ≤ lease + heartbeat)`]);
}
if (adaptive) {
  rows.push([
    'asha trial-epochs ÷ full run',
    `${adaptive.asha.epochRatio.toFixed(2)}×`,
    `best ${adaptive.asha.best.toFixed(4)} vs ${adaptive.full.best.toFixed(4)} (${(100 * adaptive.asha.bestGap).toFixed(1)}% off; goal ≤ 0.4× within 1%)`,
  ]);
  rows.push(['tpe best vs random best (same budget)', `${adaptive.tpe.best.toFixed(4)} / ${adaptive.random.best.toFixed(4)}`, `after the shared startup trials: ${adaptive.afterStartup.tpe.best.toFixed(4)} / ${adaptive.afterStartup.random.best.toFixed(4)}`]);
}

const width = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length), ['measure', 'value', 'detail'][i].length));
const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(width[i])).join(' | ')} |`;
console.log(line(['measure', 'value', 'detail']));
console.log(line(width.map((w) => '-'.repeat(w))));
for (const r of rows) console.log(line(r));
console.log(`\n(load average at the end: ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores)`);
