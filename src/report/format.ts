// Number formatting shared by every leaderboard format: sensible significant digits, learning
// rates in scientific notation, wall times in h/m/s.

/** A number to `digits` significant digits, without trailing zeros; '' for none. */
export function fmtNum(x: number | undefined, digits = 4): string {
  if (x === undefined) return '';
  if (!Number.isFinite(x)) return String(x);
  if (x !== 0 && (Math.abs(x) >= 1e6 || Math.abs(x) < 1e-4)) return fmtSci(x, digits - 1);
  return String(Number(x.toPrecision(digits)));
}

/** Scientific notation with at most `decimals` decimals: 3e-4, 2.5e-5. */
export function fmtSci(x: number, decimals = 2): string {
  if (!Number.isFinite(x)) return String(x);
  const [m, e] = x.toExponential(decimals).split('e');
  const mantissa = m.includes('.') ? m.replace(/0+$/, '').replace(/\.$/, '') : m;
  return `${mantissa}e${Number(e)}`;
}

/** Wall time: 8.2s, 3m05s, 1h02m. */
export function fmtSeconds(s: number | undefined): string {
  if (s === undefined || !Number.isFinite(s)) return '';
  if (s < 60) return `${Number(s.toPrecision(2))}s`;
  const t = Math.round(s);
  const m = Math.floor(t / 60);
  if (m < 60) return `${m}m${String(t % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** A parameter value for display; learning rates (and tiny numbers) in scientific notation. */
export function fmtParam(name: string, v: unknown): string {
  if (v === undefined) return '';
  if (typeof v !== 'number') return String(v);
  if (name === 'learning_rate' || /(^|_)lr$/.test(name)) return fmtSci(v);
  return fmtNum(v);
}
