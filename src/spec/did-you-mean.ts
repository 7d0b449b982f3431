// "Did you mean ...?" for misspelt keys and enum values.

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions, e.g. "lr" ↔ "rl"). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The closest candidate if it is close enough to be a likely typo of `word`, else undefined. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase().replace(/-/g, '_');
  // Short words tolerate one edit, longer ones two (or a third of their length).
  const tolerance = Math.max(1, Math.min(3, Math.floor(w.length / 3)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const dist = editDistance(w, c.toLowerCase());
    if (dist < bestDistance) {
      best = c;
      bestDistance = dist;
    }
  }
  return best !== undefined && bestDistance <= tolerance && best !== word ? best : undefined;
}

/**
 * What another sweep tool (W&B Sweeps, whose specs users bring first) calls a key or value that
 * finesweep names otherwise: no edit distance links "method" to "strategy". Each entry is
 * finesweep's name and how to write it.
 */
const OTHER_TOOLS: Readonly<Record<string, { name: string; hint: string }>> = {
  method: { name: 'strategy', hint: 'W&B\'s "method" is finesweep\'s "strategy": { "type": "grid" | "random" | "tpe" }, tpe for bayes' },
  metric: { name: 'objective', hint: 'W&B\'s "metric" is finesweep\'s "objective": { "metric": "val_loss", "goal": "minimize" }' },
  name: { name: 'metric', hint: 'W&B\'s metric "name" is finesweep\'s objective "metric"' },
  early_terminate: { name: 'early_stopping', hint: 'W&B\'s "early_terminate" is finesweep\'s "early_stopping": { "type": "asha" | "median" }' },
  run_cap: { name: 'strategy', hint: 'W&B\'s "run_cap" is finesweep\'s "strategy": { "type": "random" | "tpe", "trials": N }' },
  program: { name: 'task', hint: 'W&B\'s "program" is finesweep\'s "task": { "type": "command", "command": ["python3", "train.py", ...] }' },
  command: { name: 'task', hint: 'W&B\'s "command" is finesweep\'s "task": { "type": "command", "command": ["python3", "train.py", ...] }' },
  log_uniform_values: { name: 'log_uniform', hint: 'W&B\'s "log_uniform_values" is finesweep\'s "log_uniform": min and max are the values themselves' },
  bayes: { name: 'tpe', hint: 'W&B\'s "bayes" is finesweep\'s "tpe", a Tree-structured Parzen Estimator' },
};

/** finesweep's name (one of `candidates`) for a word another tool's user likely meant, with how to write it. */
export function otherToolsName(word: string, candidates: Iterable<string>): { name: string; hint: string } | undefined {
  const other = Object.hasOwn(OTHER_TOOLS, word) ? OTHER_TOOLS[word] : undefined;
  return other !== undefined && [...candidates].includes(other.name) ? other : undefined;
}
