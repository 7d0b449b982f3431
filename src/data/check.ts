// The dataset check: every check of checks/ over the same prepared examples, findings sorted by
// severity, and the exit code a CLI maps them to. Pure: no file, no tokenizer loading, no printing.
import { causalFindings } from './checks/causal.js';
import { duplicateFindings } from './checks/duplicates.js';
import { labelFindings } from './checks/labels.js';
import { lengthFindings } from './checks/length.js';
import { sizeFindings } from './checks/size.js';
import { textFindings } from './checks/texts.js';
import { prepare, tokenLength, type Prepared } from './prepare.js';
import { SEVERITIES, type CheckInput, type DataCheckReport, type Finding, type Severity } from './types.js';

/** One function per concern; a new check is one file and one line here. */
const CHECKS: ReadonlyArray<(p: Prepared) => Finding[]> = [sizeFindings, labelFindings, duplicateFindings, textFindings, lengthFindings, causalFindings];

export function checkData(input: CheckInput, now: () => number = performance.now.bind(performance)): DataCheckReport {
  const started = now();
  const p = prepare(input);
  const findings = CHECKS.flatMap((check) => check(p));
  const rank = (s: Severity): number => SEVERITIES.indexOf(s);
  // Stable sort: inside a severity, the checks' order (size, labels, duplicates, texts, length).
  findings.sort((a, b) => rank(a.severity) - rank(b.severity));
  const counts: Record<Severity, number> = { error: 0, warning: 0, note: 0 };
  for (const f of findings) counts[f.severity]++;
  const tokens = (items: Prepared['train']): number | undefined => (input.tokenizer ? items.reduce((s, i) => s + tokenLength(i, input.task), 0) : undefined);
  return {
    task: input.task,
    train: { file: input.train.file, count: p.train.length, tokens: tokens(p.train) },
    validation: { file: input.validation.file, count: p.validation.length, tokens: tokens(p.validation) },
    contextLength: input.contextLength,
    findings,
    counts,
    seconds: (now() - started) / 1000,
  };
}

/** 2 with an error, 1 with a warning under `strict`, else 0. */
export function exitCodeOf(report: DataCheckReport, strict: boolean): 0 | 1 | 2 {
  if (report.counts.error > 0) return 2;
  if (strict && report.counts.warning > 0) return 1;
  return 0;
}
