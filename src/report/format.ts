// Number formatting shared by every leaderboard format: sensible significant digits, learning
// rates in scientific notation, wall times in h/m/s. Total functions: any number (subnormal, huge,
// -0, NaN, ±Infinity) and any digit count give a string, never an exception
// (tests/report/format.test.ts checks it over extreme values).

/** Digits clamped to what toPrecision / toExponential accept (1..100 and 0..100). */
const clampDigits = (d: number, min: number): number => (Number.isFinite(d) ? Math.min(100, Math.max(min, Math.round(d))) : 4);

/** A number to `digits` significant digits, without trailing zeros; '' for none. */
export function fmtNum(x: number | undefined, digits = 4): string {
  if (x === undefined || x === null) return '';
  if (typeof x !== 'number') return String(x);
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0'; // -0 too: a sign on zero says nothing to a reader
  const d = clampDigits(digits, 1);
  if (Math.abs(x) >= 1e6 || Math.abs(x) < 1e-4) return fmtSci(x, d - 1);
  return String(Number(x.toPrecision(d)));
}

/** Scientific notation with at most `decimals` decimals: 3e-4, 2.5e-5. */
export function fmtSci(x: number, decimals = 2): string {
  if (typeof x !== 'number') return String(x);
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const [m, e] = x.toExponential(clampDigits(decimals, 0)).split('e');
  const mantissa = m.includes('.') ? m.replace(/0+$/, '').replace(/\.$/, '') : m;
  return `${mantissa}e${Number(e)}`;
}

/** A fraction as a signed percentage: +8.1%, +1,112%, −3%; '' for none. */
export function fmtPct(x: number | undefined): string {
  if (x === undefined || x === null || typeof x !== 'number') return '';
  if (!Number.isFinite(x)) return String(x);
  const p = x * 100;
  const sign = p > 0 ? '+' : p < 0 ? '−' : '';
  const a = Math.abs(p);
  if (a >= 1e6) return `${sign}${fmtSci(a, 1)}%`;
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : a >= 0.1 ? 1 : 2;
  const text = a >= 1000 ? Math.round(a).toLocaleString('en-US') : a < 0.01 && a > 0 ? fmtSci(a, 1) : String(Number(a.toFixed(digits)));
  return `${sign}${text}%`;
}

/**
 * A difference of two losses to fixed decimals, signed as fmtPct signs (−0.006, 0.095): one column
 * of them lines up and reads at one precision; one that rounds to zero is 0.000, without a sign.
 */
export function fmtDiff(x: number | undefined, decimals = 3): string {
  if (x === undefined || x === null || typeof x !== 'number') return '';
  if (!Number.isFinite(x)) return String(x);
  const d = clampDigits(decimals, 0);
  if (Math.abs(x) >= 1e6) return `${x < 0 ? '−' : ''}${fmtSci(Math.abs(x), 2)}`;
  const text = Math.abs(x).toFixed(d);
  return Number(text) === 0 ? text : `${x < 0 ? '−' : ''}${text}`;
}

/** Wall time: 8.2s, 3m05s, 1h02m, 3d04h. */
export function fmtSeconds(s: number | undefined): string {
  if (s === undefined || s === null || typeof s !== 'number' || !Number.isFinite(s)) return '';
  if (s < 0) return '';
  if (s < 60) return `${Number(s.toPrecision(2))}s`;
  const t = Math.round(s);
  const m = Math.floor(t / 60);
  if (m < 60) return `${m}m${String(t % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  const d = Math.floor(h / 24);
  return d < 1e6 ? `${d}d${String(h % 24).padStart(2, '0')}h` : `${fmtSci(d, 1)}d`;
}

/** A parameter value for display; learning rates (and tiny numbers) in scientific notation. */
export function fmtParam(name: string, v: unknown): string {
  if (v === undefined) return '';
  if (typeof v !== 'number') return String(v);
  if (name === 'learning_rate' || /(^|_)lr$/.test(name)) return fmtSci(v);
  return fmtNum(v);
}

/**
 * Where an evaluation lies, as flags and messages say it: "epoch 2" at an epoch's end (and for an
 * epoch-only trainer), "step 300 (epoch 0.6)" mid-epoch.
 */
export function fmtPoint(point: { epoch: number; step?: number }): string {
  if (point.step === undefined || Number.isInteger(point.epoch)) return `epoch ${point.epoch}`;
  return `step ${point.step} (epoch ${Number(point.epoch.toFixed(2))})`;
}
