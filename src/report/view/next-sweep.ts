// The suggested next sweep: the finished sweep's spec with each parameter's range narrowed or
// widened from the evidence in its leaderboard, and one reason per change. Pure: no I/O (the CLI's
// `finesweep suggest` rebases paths and writes the file).
//
// Rules, per parameter, in this order (the first that applies decides):
//   1. a parameter that explains under UNIMPORTANT of the objective's variance (fANOVA, with at least
//      8 ranked trials) is fixed at the best trial's value: searching it spends trials on noise;
//   2. learning_rate: the lowest rate that diverged caps the range at the highest rate tried below it
//      that did not; rates at which every trial underfit raise the floor to the lowest rate that did
//      better;
//   3. epochs: top trials that peaked before their last epoch (best epoch < epochs) lower the
//      maximum to the latest best epoch among them; a best trial still improving at the maximum
//      raises it;
//   4. the best trial at the edge of a numeric range (a list's end value, a distribution's outer
//      tenth) widens the range past that edge: ×10 (log scale), ×2 (batch size) or by the range's
//      width (linear);
//   5. otherwise a numeric range narrows to what the top quarter of the ranked trials used;
//      a categorical parameter that matters keeps the values the top quarter used.
// Values lists stay lists (a grid stays a grid, at most 4 values a parameter); distributions stay
// distributions.
import type { ParamValue } from '../../trial/types.js';
import { fmtParam } from '../format.js';
import type { Leaderboard, LeaderboardRow } from './leaderboard.js';
import type { SpecChange } from './spec-change.js';

/** Below this share of the variance (fANOVA), a parameter is fixed. */
const UNIMPORTANT = 0.02;
const MIN_TRIALS_TO_FIX = 8;


export interface Suggestion {
  /** The next spec (a plain object that `finesweep validate` accepts once its paths are rebased). */
  spec: Record<string, unknown>;
  changes: SpecChange[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

const INTEGER = new Set(['batch_size', 'epochs', 'top_k']);
const UNIT = new Set(['dropout', 'warmup_ratio']);

interface Range {
  lo: number;
  hi: number;
  log: boolean;
  integer: boolean;
  /** Values of a list; undefined for a distribution. */
  values?: number[];
}

function rangeOf(name: string, p: Obj): Range | undefined {
  const integer = INTEGER.has(name);
  if (Array.isArray(p.values)) {
    const nums = p.values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    if (nums.length !== p.values.length || nums.length < 1) return undefined;
    return { lo: Math.min(...nums), hi: Math.max(...nums), log: name === 'learning_rate', integer, values: [...nums].sort((a, b) => a - b) };
  }
  if (typeof p.distribution === 'string' && typeof p.min === 'number' && typeof p.max === 'number') {
    return { lo: p.min, hi: p.max, log: p.distribution === 'log_uniform' || name === 'learning_rate', integer: integer || p.distribution === 'int_uniform' };
  }
  return undefined;
}

const show = (name: string, v: number): string => fmtParam(name, v);
const showRange = (name: string, r: { lo: number; hi: number }): string => (r.lo === r.hi ? show(name, r.lo) : `${show(name, r.lo)}..${show(name, r.hi)}`);
const round = (x: number): number => Number(x.toPrecision(3));

/** Up to 4 values spanning [lo, hi]: log-spaced, powers of two for batch size, integers, or linear. */
function spread(name: string, lo: number, hi: number, r: Range): number[] {
  if (lo === hi) return [lo];
  if (name === 'batch_size') {
    const out: number[] = [];
    for (let b = 2 ** Math.ceil(Math.log2(lo)); b <= hi && out.length < 4; b *= 2) out.push(b);
    return out.length > 0 ? out : [Math.round(lo)];
  }
  if (r.integer) {
    const n = Math.min(4, hi - lo + 1);
    return [...new Set(Array.from({ length: n }, (_, i) => Math.round(lo + ((hi - lo) * i) / Math.max(1, n - 1))))];
  }
  const n = 3;
  return Array.from({ length: n }, (_, i) => (r.log ? round(Math.exp(Math.log(lo) + ((Math.log(hi) - Math.log(lo)) * i) / (n - 1))) : round(lo + ((hi - lo) * i) / (n - 1))));
}

function clampRange(name: string, lo: number, hi: number, r: Range): { lo: number; hi: number } {
  let a = lo;
  let b = hi;
  if (r.integer) {
    a = Math.max(1, Math.round(a));
    b = Math.max(a, Math.round(b));
  }
  if (UNIT.has(name)) {
    a = Math.max(0, a);
    b = Math.min(0.95, b);
  }
  if (name === 'weight_decay') a = Math.max(0, a);
  if (r.log) a = Math.max(a, Number.MIN_VALUE);
  return { lo: a, hi: Math.max(a, b) };
}

function onEdge(v: number, r: Range): 'lo' | 'hi' | undefined {
  if (r.hi <= r.lo) return undefined;
  if (r.values) return v === r.hi ? 'hi' : v === r.lo ? 'lo' : undefined;
  const f = r.log && r.lo > 0 && v > 0 ? (Math.log(v) - Math.log(r.lo)) / (Math.log(r.hi) - Math.log(r.lo)) : (v - r.lo) / (r.hi - r.lo);
  return f >= 0.9 ? 'hi' : f <= 0.1 ? 'lo' : undefined;
}

const ids = (rows: readonly LeaderboardRow[]): string => {
  const list = rows.slice(0, 3).map((r) => r.id);
  return rows.length > 3 ? `${list.join(', ')} and ${rows.length - 3} more` : list.join(', ');
};

/** The new range of one numeric parameter and why, or undefined to leave it. */
function numericChange(name: string, r: Range, ranked: LeaderboardRow[], all: LeaderboardRow[]): { lo: number; hi: number; why: string } | undefined {
  const best = ranked[0];
  const bv = best.params[name];
  if (typeof bv !== 'number') return undefined;
  const num = (row: LeaderboardRow): number | undefined => (typeof row.params[name] === 'number' ? (row.params[name] as number) : undefined);
  if (name === 'learning_rate') {
    const diverged = all.filter((row) => row.flags.some((f) => f.name === 'diverged') && num(row) !== undefined);
    let lo = r.lo;
    let hi = r.hi;
    const why: string[] = [];
    if (diverged.length > 0) {
      let at = Infinity;
      for (const row of diverged) at = Math.min(at, num(row)!);
      const divergedAt = new Set(diverged.map(num));
      let cap = -Infinity;
      for (const row of all) {
        const v = num(row);
        if (v !== undefined && v < at && !divergedAt.has(v) && v > cap) cap = v;
      }
      if (!Number.isFinite(cap)) cap = at / 10;
      if (cap < hi) {
        hi = cap;
        why.push(`lr ${show(name, at)} diverged (${ids(diverged.filter((d) => num(d) === at))})`);
      }
    }
    // Rates where every trial underfit: the floor rises to the lowest rate that did better.
    const byRate = new Map<number, LeaderboardRow[]>();
    for (const row of all) {
      const v = num(row);
      if (v === undefined || row.status !== 'completed') continue;
      const list = byRate.get(v);
      if (list) list.push(row);
      else byRate.set(v, [row]);
    }
    const tried = [...byRate.keys()].sort((a, b) => a - b);
    let floor: number | undefined;
    for (const v of tried) {
      const at = byRate.get(v)!;
      if (at.length > 0 && at.every((row) => row.flags.some((f) => f.name === 'underfitting'))) floor = v;
      else break;
    }
    if (floor !== undefined) {
      const next = tried.find((v) => v > floor!);
      if (next !== undefined && next <= hi && next > lo) {
        lo = next;
        why.push(`every trial at lr ≤ ${show(name, floor)} underfit`);
      }
    }
    // Past an edge nothing capped: the best rate at the top of the range (no divergence above it)
    // or at its bottom (no underfitting below it) widens that side by a decade.
    const edge = onEdge(bv, r);
    if (edge === 'hi' && hi === r.hi) {
      hi = r.hi * 10;
      why.push(`the best trial ${best.id} used the highest rate searched (${show(name, bv)}) and none diverged`);
    }
    if (edge === 'lo' && lo === r.lo) {
      lo = r.lo / 10;
      why.push(`the best trial ${best.id} used the lowest rate searched (${show(name, bv)})`);
    }
    if (why.length > 0) return { lo, hi, why: why.join('; ') };
  }
  if (name === 'epochs') {
    const top = ranked.slice(0, Math.max(1, Math.ceil(ranked.length / 4)));
    // A best evaluation mid-epoch (epoch 2.67) peaked in its epoch (3): epochs stay whole.
    const peaked = top.filter((row) => row.best && typeof row.params.epochs === 'number' && Math.ceil(row.best.epoch) < (row.params.epochs as number));
    if (peaked.length === top.length) {
      const latest = Math.max(...peaked.map((row) => Math.ceil(row.best!.epoch)));
      if (latest < r.hi) return { lo: Math.min(r.lo, latest), hi: latest, why: `the top trials peaked by epoch ${latest} (${ids(peaked)})` };
    }
    if (bv === r.hi && best.flags.some((f) => f.name === 'still_improving')) {
      return { lo: r.lo, hi: r.hi * 2, why: `the best trial ${best.id} was still improving at ${r.hi} epochs` };
    }
  }
  const edge = onEdge(bv, r);
  if (edge) {
    const factor = r.log ? 10 : name === 'batch_size' ? 2 : undefined;
    const width = Math.max(r.hi - r.lo, r.integer ? 1 : 0);
    const lo = edge === 'lo' ? (factor ? r.lo / factor : r.lo - width) : r.lo;
    const hi = edge === 'hi' ? (factor ? r.hi * factor : r.hi + width) : r.hi;
    return { lo, hi, why: `the best trial ${best.id} used the ${edge === 'hi' ? 'highest' : 'lowest'} ${name} searched (${show(name, bv)}): the optimum may lie ${edge === 'hi' ? 'above' : 'below'}` };
  }
  const top = ranked.slice(0, Math.max(2, Math.ceil(ranked.length / 4)));
  const vs = top.map(num).filter((v): v is number => v !== undefined);
  if (vs.length === 0) return undefined;
  const lo = Math.min(...vs);
  const hi = Math.max(...vs);
  if (lo > r.lo || hi < r.hi) return { lo, hi, why: `the top ${top.length} trials used ${showRange(name, { lo, hi })}` };
  return undefined;
}

/**
 * The next spec from a finished sweep's spec (as stored: resolved) and its full leaderboard (every
 * row, not a `--top` cut). The name gets a `-next` suffix; `$comment` holds one line per change.
 */
export function suggestNext(spec: unknown, lb: Leaderboard): Suggestion {
  const next = structuredClone(isObj(spec) ? spec : {}) as Obj;
  const params = isObj(next.parameters) ? next.parameters : {};
  // One row per configuration (repeats rank with their first run, by its mean).
  const ranked = lb.rows.filter((r) => r.rank !== undefined && r.repeatOf === undefined).sort((a, b) => a.rank! - b.rank!);
  const changes: SpecChange[] = [];
  const importance = new Map((lb.importance?.params ?? []).map((p) => [p.name, p.importance]));
  const interacting = new Set((lb.importance?.interactions ?? []).flatMap((i) => i.params));
  if (ranked.length > 0) {
    for (const [name, raw] of Object.entries(params)) {
      if (!isObj(raw) || raw.value !== undefined) continue;
      const best = ranked[0].params[name];
      const share = importance.get(name);
      const before = Array.isArray(raw.values) ? raw.values.map((v) => fmtParam(name, v)).join(', ') : `${raw.distribution} ${fmtParam(name, raw.min)}..${fmtParam(name, raw.max)}`;
      if (share !== undefined && share < UNIMPORTANT && !interacting.has(name) && (lb.importance?.trials ?? 0) >= MIN_TRIALS_TO_FIX && best !== undefined) {
        params[name] = { value: best };
        changes.push({ parameter: name, from: before, to: fmtParam(name, best), why: `explains ${(share * 100).toFixed(1)}% of the objective's variance (fANOVA): fixed at the best trial's value` });
        continue;
      }
      const r = rangeOf(name, raw);
      if (r) {
        const c = numericChange(name, r, ranked, lb.rows);
        if (!c) continue;
        const { lo, hi } = clampRange(name, c.lo, c.hi, r);
        if (lo === r.lo && hi === r.hi) continue;
        let entry: Obj;
        if (r.values) {
          const values = spread(name, lo, hi, r);
          entry = values.length === 1 ? { value: values[0] } : { values };
        } else {
          entry = { ...raw, min: lo, max: hi };
          if (raw.distribution === 'int_uniform' && lo === hi) entry = { value: lo };
        }
        params[name] = entry;
        const after = isObj(entry) && Array.isArray(entry.values) ? (entry.values as ParamValue[]).map((v) => fmtParam(name, v)).join(', ') : entry.value !== undefined ? fmtParam(name, entry.value) : `${raw.distribution} ${showRange(name, { lo, hi })}`;
        changes.push({ parameter: name, from: before, to: after, why: c.why });
        continue;
      }
      if (Array.isArray(raw.values) && (share ?? 0) >= 0.1) {
        const top = ranked.slice(0, Math.max(2, Math.ceil(ranked.length / 4)));
        const kept = raw.values.filter((v) => top.some((row) => row.params[name] === v));
        if (kept.length > 0 && kept.length < raw.values.length) {
          params[name] = kept.length === 1 ? { value: kept[0] } : { values: kept };
          changes.push({ parameter: name, from: before, to: kept.map(String).join(', '), why: `the top ${top.length} trials used only ${kept.map(String).join(', ')} (${name} explains ${((share ?? 0) * 100).toFixed(0)}% of the variance)` });
        }
      }
    }
  }
  next.parameters = params;
  if (typeof next.name === 'string') next.name = `${next.name.replace(/-next$/, '')}-next`.slice(0, 100);
  // A two-metric objective goes back to the list form a user writes.
  if (Array.isArray(next.objectives)) {
    next.objective = next.objectives;
    delete next.objectives;
  }
  next.$comment = changes.length > 0 ? changes.map((c) => `${c.parameter}: ${c.from} → ${c.to}: ${c.why}`) : ['no change: the evidence does not point past the searched ranges'];
  return { spec: next, changes };
}


/**
 * The leaderboard with the next sweep's changes (`suggestion`), judged on every trial: built after
 * the leaderboard, before any --top cut (topOf).
 */
export function withNextSweep(lb: Leaderboard, spec: unknown): Leaderboard {
  if (spec !== undefined && lb.rows.some((r) => r.rank !== undefined)) lb.suggestion = suggestNext(spec, lb).changes;
  return lb;
}
