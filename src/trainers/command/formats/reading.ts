// What a metrics format makes of one line of the program's output. Each format is a file of this
// folder, named in index.ts's registry.

/** Numbers a line carries, by name: metrics, and `step` / `epoch` when the line marks its evaluation. */
export type Values = Record<string, number>;

export type Reading =
  /** The line reports: numbers by name (non-finite ones included: a NaN loss means divergence). */
  | {
      kind: 'values';
      values: Values;
      /** Numbers without a mark that belong to the next evaluation (a training log line), not the open one. */
      toNext?: true;
    }
  /** Not a report: ordinary output of the program (only where the source mixes reports with other text). */
  | { kind: 'none' }
  /** A report that is wrong: why, in words. */
  | { kind: 'garbage'; why: string };

/**
 * One format. `strict`: every non-empty line must be a report (the metrics file); otherwise a line
 * that does not look like a report is the program's ordinary output (stdout, stderr).
 */
export type LineReader = (line: string, strict: boolean) => Reading;
