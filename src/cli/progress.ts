// Progress of a running sweep. On a TTY: a live line per slot (trial, lr/batch, epoch and the step
// within that epoch, train loss, last validation metric, ETA) under an overall bar (done/total,
// elapsed, ETA), with finished trials scrolling above. Every live line fits the terminal: a slot
// line longer than the width loses its middle, the bar shrinks to fit (one line at any width >= 60).
// An ETA reads "…" until there is something to estimate from, and is never negative.
// Without a TTY (CI, a pipe): one plain line per event.
import type { Writable } from 'node:stream';
import type { EpochMetrics } from '../trial/types.js';
import type { JournalEvent } from '../store/events.js';
import type { Params } from '../trial/types.js';
import { objectiveValue } from '../trial/objective.js';
import type { SweepProgress } from '../sweep/options.js';

interface SlotView {
  trialId: string;
  params: Params;
  epochs: number;
  /** params.max_steps (0 when not set): the budget in steps, with or without epochs. */
  maxSteps: number;
  epoch: number;
  step: number;
  stepsPerEpoch: number;
  loss?: number;
  val?: number;
  /** Time and trial step (counted across epochs) of the first step seen of this attempt: the ETA's
   * base (model loading and a resumed trial's earlier steps excluded). */
  firstStepAt?: number;
  firstStep: number;
}

export interface ProgressOptions {
  /** Live display (default: whether the stream is a TTY). */
  live?: boolean;
  /** Minimum milliseconds between two redraws of the live display. */
  redrawMs?: number;
  now?: () => number;
}

export class ProgressDisplay {
  readonly #out: Writable & { columns?: number };
  readonly #live: boolean;
  readonly #redrawMs: number;
  readonly #now: () => number;
  readonly #slots = new Map<number, SlotView>();
  readonly #slotOf = new Map<string, number>();
  #name = '';
  #metric = 'val_loss';
  #total = 0;
  #done = 0;
  #doneAtStart = 0;
  #startedAt = 0;
  #drawnLines = 0;
  /** The data report's truncation is said once per sweep (every trial reads the same data). */
  #truncationSaid = false;
  #lastDraw = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(out: Writable & { isTTY?: boolean; columns?: number }, opts: ProgressOptions = {}) {
    this.#out = out;
    this.#live = opts.live ?? out.isTTY === true;
    this.#redrawMs = opts.redrawMs ?? 100;
    this.#now = opts.now ?? Date.now;
  }

  /** The listener to hand to runSweep/resumeSweep. */
  readonly onProgress = (p: SweepProgress): void => {
    if (p.type === 'plan') return this.#plan(p);
    if (p.type === 'journal') return this.#journal(p.event);
    const view = this.#slots.get(p.slot);
    if (!view || view.trialId !== p.trialId) return;
    if (p.event.type === 'step') {
      // The engine counts `step` across the trial (epoch 2 of 50-step epochs starts at step 51).
      view.epoch = p.event.epoch;
      view.step = p.event.step;
      view.stepsPerEpoch = p.event.stepsPerEpoch;
      view.loss = p.event.loss;
      if (view.firstStepAt === undefined) {
        view.firstStepAt = this.#now();
        view.firstStep = p.event.step;
      }
      this.#scheduleDraw();
    } else if (p.event.type === 'resumed') {
      view.epoch = p.event.fromEpoch;
    }
  };

  /** Clear the live block (before the leaderboard is printed). */
  finish(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#live) this.#clear();
  }

  #plan(p: Extract<SweepProgress, { type: 'plan' }>): void {
    this.#name = p.name;
    this.#metric = p.metric;
    this.#total = p.total;
    this.#done = p.done;
    this.#doneAtStart = p.done;
    this.#startedAt = this.#now();
    const gpus = [...new Set(p.slots.map((s) => s.gpu).filter((g) => g !== undefined))];
    const where = gpus.length ? `${p.slots.length} slots on GPU ${gpus.join(', ')}` : `${p.slots.length} CPU slot${p.slots.length === 1 ? '' : 's'}`;
    const verb = p.resumed ? 'resuming' : 'running';
    this.#print(`${verb} sweep ${p.name}: ${p.total} trials${p.done ? ` (${p.done} already done)` : ''}, ${where}, in ${p.dir}`);
  }

  #journal(e: JournalEvent): void {
    switch (e.type) {
      case 'trial_started': {
        this.#slots.set(e.slot, {
          trialId: e.trial_id, params: e.params, epochs: Number(e.params.epochs) || 0, maxSteps: Number(e.params.max_steps) || 0, epoch: e.from_epoch, step: 0,
          stepsPerEpoch: 0, firstStep: 0,
        });
        this.#slotOf.set(e.trial_id, e.slot);
        if (!this.#live) {
          const more = [e.attempt > 1 ? `attempt ${e.attempt}` : '', e.from_epoch > 0 ? `from epoch ${e.from_epoch}` : ''].filter(Boolean).join(', ');
          this.#print(`[slot ${e.slot}${e.gpu !== undefined ? ` gpu ${e.gpu}` : ''}] ${e.trial_id} started: ${describeParams(e.params)}${more ? ` (${more})` : ''}`);
        }
        return this.#scheduleDraw();
      }
      case 'epoch_ended': {
        const view = this.#viewOf(e.trial_id);
        if (view) {
          // A mid-epoch evaluation (epoch 0.5) is in epoch 1: the live line counts whole epochs.
          view.epoch = Math.ceil(e.metrics.epoch);
          view.val = objectiveValue(e.metrics, this.#metric);
        }
        const of = view?.epochs ? `/${view.epochs}` : '';
        const { epoch, step } = e.metrics;
        const at = Number.isInteger(epoch) || step === undefined ? `epoch ${epoch}${of}` : `step ${step} (epoch ${epoch.toFixed(2)}${of})`;
        if (!this.#live) this.#print(`${e.trial_id} ${at}: ${describeMetrics(e.metrics)}`);
        return this.#scheduleDraw();
      }
      case 'trial_completed':
        return this.#ended(e.trial_id, `completed in ${seconds(e.seconds)}`, true);
      case 'trial_failed': {
        // Bad input stops the sweep at once; its trial stays due (will_retry) only so that resume
        // runs it once the input is fixed. `bad_input` is that event's mark (see src/sweep/supervisor.ts).
        const badInput = e.bad_input === true;
        const then = badInput ? '; bad input: not retried, the sweep stops' : e.will_retry ? (e.retry_with ? `; will retry at batch_size ${e.retry_with.batch_size}, grad_accum ${e.retry_with.grad_accum}` : '; will retry') : '';
        return this.#ended(e.trial_id, `failed (attempt ${e.attempt}${e.out_of_memory ? ', out of memory' : ''}): ${e.error}${then}`, !e.will_retry);
      }
      case 'trial_diverged':
        return this.#ended(e.trial_id, `diverged at epoch ${epochText(e.epoch)}: ${e.reason}`, true);
      case 'trial_stopped_early':
        return this.#ended(e.trial_id, `stopped early at epoch ${epochText(e.epoch)}: ${e.reason}`, true);
      case 'trial_stopped':
        return this.#ended(e.trial_id, `stopped at epoch ${epochText(e.epoch)} (${e.reason}); resume continues it`, false);
      case 'data_report': {
        const r = e.report;
        // Truncation is said once per sweep with its share (below), not in every trial's data line.
        const own = r.warnings.filter((w) => !TRUNCATION.test(w));
        const warn = own.length ? `; ${own.join('; ')}` : '';
        if (!this.#live) this.#print(`${e.trial_id} data: ${r.train.count} train, ${r.validation.count} validation, backend ${e.backend}${warn}`);
        const cut = truncationWarning(r.train.count, r.train.truncated, r.validation.count, r.validation.truncated);
        if (cut && !this.#truncationSaid) {
          this.#truncationSaid = true;
          this.#print(cut);
        }
        return;
      }
      case 'journal_repaired':
        return this.#print(`journal: cut a torn last line (${e.dropped_bytes} bytes) left by a crash`);
      case 'sweep_completed':
        return this.#print(
          `sweep ${this.#name} done: ${e.completed} completed, ${e.failed} failed, ${e.diverged} diverged, ${e.stopped_early} stopped early (${seconds((this.#now() - this.#startedAt) / 1000)})`,
        );
      default:
        return;
    }
  }

  #viewOf(trialId: string): SlotView | undefined {
    const slot = this.#slotOf.get(trialId);
    const view = slot === undefined ? undefined : this.#slots.get(slot);
    return view?.trialId === trialId ? view : undefined;
  }

  #ended(trialId: string, what: string, final: boolean): void {
    if (final) this.#done++;
    const slot = this.#slotOf.get(trialId);
    if (slot !== undefined && this.#slots.get(slot)?.trialId === trialId) this.#slots.delete(slot);
    this.#print(`${trialId} ${what} [${this.#done}/${this.#total}]`);
  }

  /** A line that stays: in live mode it is printed above the live block. */
  #print(line: string): void {
    if (this.#live) {
      this.#clear();
      this.#out.write(`${line}\n`);
      this.#draw();
    } else {
      this.#out.write(`${line}\n`);
    }
  }

  #scheduleDraw(): void {
    if (!this.#live || this.#timer) return;
    const wait = Math.max(0, this.#lastDraw + this.#redrawMs - this.#now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#clear();
      this.#draw();
    }, wait);
    this.#timer.unref();
  }

  #clear(): void {
    if (this.#drawnLines > 0) this.#out.write(`\x1b[${this.#drawnLines}A\x1b[0J`);
    this.#drawnLines = 0;
  }

  #draw(): void {
    if (!this.#live || this.#total === 0) return;
    this.#lastDraw = this.#now();
    const width = liveWidth(this.#out.columns);
    const lines = [...this.#slots.entries()].sort(([a], [b]) => a - b).map(([slot, v]) => this.#slotLine(slot, v));
    lines.push(this.#overallLine(width));
    this.#out.write(lines.map((l) => `${truncateMiddle(l, width)}\n`).join(''));
    this.#drawnLines = lines.length;
  }

  #slotLine(slot: number, v: SlotView): string {
    // Steps are counted within the epoch, so "step k/n" never exceeds n.
    const steps = v.stepsPerEpoch > 0 ? ` step ${stepInEpoch(v)}/${v.stepsPerEpoch}` : '';
    const loss = v.loss !== undefined ? ` loss ${num(v.loss)}` : '';
    const val = v.val !== undefined ? ` ${this.#metric} ${num(v.val)}` : '';
    let eta = ' ETA …';
    const total = totalSteps(v);
    if (total !== undefined && v.firstStepAt !== undefined) {
      const ran = v.step - v.firstStep;
      const left = Math.max(0, total - v.step);
      const took = (this.#now() - v.firstStepAt) / 1000;
      if (ran > 0 && took > 0) eta = ` ETA ${seconds((took * left) / ran)}`;
    }
    // A max_steps budget ends inside an epoch: the epochs it enters are the count shown.
    const epochs = total !== undefined && v.stepsPerEpoch > 0 ? Math.ceil(total / v.stepsPerEpoch) : v.epochs;
    const { epochs: _shown, ...params } = v.params; // "epoch k/n" already says how many
    return `  slot ${slot} ${v.trialId} ${describeParams(params)} epoch ${Math.min(Math.max(v.epoch, 1), epochs || Infinity)}/${epochs || '?'}${steps}${loss}${val}${eta}`;
  }

  #overallLine(width: number): string {
    const elapsed = Math.max(0, (this.#now() - this.#startedAt) / 1000);
    const ranHere = this.#done - this.#doneAtStart;
    const left = Math.max(0, this.#total - this.#done);
    const eta = left === 0 ? '' : ranHere > 0 ? ` ETA ${seconds((elapsed / ranHere) * left)}` : ' ETA …';
    const text = ` ${this.#done}/${this.#total} trials, ${seconds(elapsed)}${eta}`;
    // The bar takes what the text leaves, 10 to 40 characters; below that it goes, the text stays whole.
    const room = width - text.length - 2;
    if (room < 10) return text.trimStart();
    const barWidth = Math.min(40, room);
    const filled = this.#total ? Math.min(barWidth, Math.round((barWidth * this.#done) / this.#total)) : 0;
    return `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}]${text}`;
  }
}

/** The trial's last step: its epochs' steps, cut by max_steps; undefined until the steps per epoch are known. */
function totalSteps(v: SlotView): number | undefined {
  if (v.stepsPerEpoch <= 0) return undefined;
  const byEpochs = v.epochs > 0 ? v.epochs * v.stepsPerEpoch : Infinity;
  const total = v.maxSteps > 0 ? Math.min(byEpochs, v.maxSteps) : byEpochs;
  return Number.isFinite(total) ? total : undefined;
}

/** The step within the current epoch, from the engine's step counted across the trial. */
function stepInEpoch(v: SlotView): number {
  return Math.min(v.stepsPerEpoch, Math.max(0, v.step - (Math.max(v.epoch, 1) - 1) * v.stepsPerEpoch));
}

/** Columns a live line may use: one less than the terminal's (a full last column wraps on some
 * terminals); 80 when the size is unknown (0 or absent: a pty without a size). */
export function liveWidth(columns: number | undefined): number {
  return Math.max(20, (columns || 80) - 1);
}

/** `text` in at most `width` characters: a longer one keeps its start and end around "…". */
export function truncateMiddle(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  const head = Math.ceil((width - 1) / 2);
  const tail = width - 1 - head;
  return `${chars.slice(0, head).join('')}…${tail > 0 ? chars.slice(chars.length - tail).join('') : ''}`;
}

/** The warning a sweep prints once when its data is cut to the context, with the share cut. */
/** A data report's own truncation warning (engine/data/report.ts), which truncationWarning replaces. */
const TRUNCATION = / text\(s\) longer than the context were truncated$/;

export function truncationWarning(trainCount: number, trainCut: number, valCount: number, valCut: number): string | undefined {
  if (trainCut + valCut === 0) return undefined;
  const share = (n: number, of: number): string => `${n} of ${of} (${((100 * n) / Math.max(1, of)).toFixed(1)} %)`;
  return `warning: texts longer than the model's context are truncated: train ${share(trainCut, trainCount)}, validation ${share(valCut, valCount)}; the model sees only their start (finesweep data <file> for details)`;
}

export function describeParams(params: Params): string {
  // The engine's three names get short labels; a command trial's parameters are its program's own
  // (it may have no batch size at all), so those are named as the spec names them.
  const short: Record<string, string> = { learning_rate: 'lr', batch_size: 'batch', epochs: 'epochs' };
  const value = (name: string, v: Params[string]): string =>
    name === 'learning_rate' && typeof v === 'number' ? v.toExponential(1).replace('.0e', 'e') : String(v);
  const known = Object.keys(short).filter((name) => params[name] !== undefined);
  const engine = params.learning_rate !== undefined && params.batch_size !== undefined;
  const others = Object.keys(params).filter((name) => !(name in short)).sort();
  const names = engine ? known : [...others.slice(0, 3), ...known.filter((n) => n !== 'batch_size')];
  return names.map((name) => `${short[name] ?? name} ${value(name, params[name])}`).join(' ');
}

function describeMetrics(m: EpochMetrics): string {
  const parts = [`train_loss ${num(m.train_loss ?? Number.NaN)}`, `val_loss ${num(m.val_loss ?? Number.NaN)}`];
  if (m.val_accuracy !== undefined) parts.push(`val_accuracy ${num(m.val_accuracy)}`);
  if (m.val_f1 !== undefined) parts.push(`val_f1 ${num(m.val_f1)}`);
  if (m.val_perplexity !== undefined) parts.push(`val_perplexity ${num(m.val_perplexity)}`);
  return `${parts.join(', ')} (${seconds(m.seconds ?? 0)})`;
}

function num(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 1000 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toExponential(2) : x.toFixed(4);
}

export function seconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** An epoch as a line says it: whole, or to two decimals for a point mid-epoch. */
function epochText(epoch: number): string {
  return Number.isInteger(epoch) ? String(epoch) : epoch.toFixed(2);
}
