// The data report: what is in the train and validation sets and what is wrong with them
// (empty texts, duplicates, train/validation leakage), computed before any training.
import { createHash } from 'node:crypto';
import type { DataReport } from '../../trial/types.js';
import type { RawExample } from './read.js';

/** Case, Unicode form and whitespace do not make two examples different. */
export function normalizedHash(text: string): string {
  const norm = text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
  return createHash('sha1').update(norm).digest('hex');
}

interface SideInput {
  file: string;
  examples: readonly RawExample[];
  truncated: number;
}

function side(input: SideInput, labelled: boolean): DataReport['train'] {
  const seen = new Set<string>();
  let duplicates = 0;
  let emptyTexts = 0;
  const labels: Record<string, number> = {};
  for (const e of input.examples) {
    if (e.text.trim() === '') emptyTexts++;
    const h = normalizedHash(e.text);
    if (seen.has(h)) duplicates++;
    else seen.add(h);
    if (labelled && e.label !== undefined) labels[e.label] = (labels[e.label] ?? 0) + 1;
  }
  const out: DataReport['train'] = { file: input.file, count: input.examples.length, emptyTexts, duplicates, truncated: input.truncated };
  if (labelled) out.labels = labels;
  return out;
}

/** How many leaked examples the report quotes (the count is always complete). */
const LEAK_EXAMPLES = 5;

export function buildDataReport(train: SideInput, validation: SideInput, labelled: boolean): DataReport {
  const trainHashes = new Set(train.examples.map((e) => normalizedHash(e.text)));
  const leaked = validation.examples.filter((e) => e.text.trim() !== '' && trainHashes.has(normalizedHash(e.text)));
  const report: DataReport = {
    train: side(train, labelled),
    validation: side(validation, labelled),
    leakage: {
      count: leaked.length,
      examples: leaked.slice(0, LEAK_EXAMPLES).map((e) => `${validation.file}:${e.line}: ${e.text.slice(0, 80)}`),
    },
    warnings: [],
  };
  const w = report.warnings;
  for (const [name, s] of [['train', report.train], ['validation', report.validation]] as const) {
    if (s.emptyTexts > 0) w.push(`${name}: ${s.emptyTexts} empty text(s)`);
    if (s.truncated > 0) w.push(`${name}: ${s.truncated} text(s) longer than the context were truncated`);
  }
  if (report.train.duplicates > 0) w.push(`train: ${report.train.duplicates} exact duplicate(s) (normalized text)`);
  if (leaked.length > 0) w.push(`leakage: ${leaked.length} validation example(s) also appear in train`);
  if (labelled) Object.assign(report, priorBaseline(report.train.labels ?? {}, report.validation.labels ?? {}));
  return report;
}

/**
 * Cross-entropy on validation of always predicting the training label prior, and the validation
 * accuracy of always predicting the majority training label: the floor a fine-tune must beat.
 */
export function priorBaseline(
  trainLabels: Record<string, number>,
  valLabels: Record<string, number>,
): { priorLoss: number; majorityRate: number } {
  const nTrain = Object.values(trainLabels).reduce((a, b) => a + b, 0);
  const nVal = Object.values(valLabels).reduce((a, b) => a + b, 0);
  const classes = Object.keys(trainLabels).sort();
  const majority = classes.reduce((best, c) => (trainLabels[c] > trainLabels[best] ? c : best), classes[0]);
  let loss = 0;
  for (const [label, n] of Object.entries(valLabels)) {
    // A validation label never seen in train gets a floor probability, not -log(0) = Infinity.
    const p = Math.max((trainLabels[label] ?? 0) / nTrain, 1e-7);
    loss -= (n / nVal) * Math.log(p);
  }
  return { priorLoss: nVal > 0 ? loss : 0, majorityRate: nVal > 0 ? (valLabels[majority] ?? 0) / nVal : 0 };
}
