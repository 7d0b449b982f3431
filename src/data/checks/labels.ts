// Labels (classification only): mixed JSON types, one text with two labels, class balance, and
// labels the validation set has but train lacks.
import { finding, int, pct, plural, verb } from '../finding.js';
import { where, type Item, type Prepared } from '../prepare.js';
import type { Finding } from '../types.js';

/** A majority class at or above this rate, or a class under MIN_CLASS_EXAMPLES, is a warning. */
export const IMBALANCE_MAJORITY = 0.9;
export const MIN_CLASS_EXAMPLES = 10;

/** A label as it is written in the file: "1" for a string, 1 for a number, true for a boolean. */
function shown(i: Item): string {
  return i.example.labelType === 'string' || i.example.labelType === undefined ? JSON.stringify(i.example.label) : String(i.example.label);
}

function mixedTypes(p: Prepared, items: readonly Item[]): Finding[] {
  const byType = new Map<string, Item[]>();
  for (const i of items) {
    const t = i.example.labelType ?? 'string';
    const list = byType.get(t);
    if (list) list.push(i);
    else byType.set(t, [i]);
  }
  if (byType.size < 2) return [];
  // The type of the first example is the file's; the others are the odd ones out.
  // In file order: train's lines, then a separate validation file's (a split's are all in train's file).
  const side = (i: Item): number => (i.file === p.input.train.file ? 0 : 1);
  const inFile = [...items].sort((a, b) => side(a) - side(b) || a.example.line - b.example.line);
  const firstType = inFile[0].example.labelType ?? 'string';
  const odd = inFile.filter((i) => (i.example.labelType ?? 'string') !== firstType);
  const types = [...byType].map(([t, l]) => `${t} ${int(l.length)}`).join(', ');
  const first = odd[0];
  if (p.input.coerceLabels) {
    return [finding('mixed_label_types', 'note', odd.length, `labels of ${byType.size} JSON types (${types}), compared as strings (--coerce-labels)`,
      odd.map(where), 'write every label with one JSON type')];
  }
  return [finding('mixed_label_types', 'error', odd.length,
    `labels of ${byType.size} JSON types (${types}); the first label is a ${firstType}, ${where(first)} has the ${first.example.labelType} ${shown(first)}`,
    odd.map(where), 'write every label with one JSON type (1 and "1" are one class only after coercion: --coerce-labels)')];
}

function conflicts(items: readonly Item[]): Finding[] {
  const byHash = new Map<string, Item[]>();
  for (const i of items) {
    if (i.norm === '') continue;
    const list = byHash.get(i.hash);
    if (list) list.push(i);
    else byHash.set(i.hash, [i]);
  }
  const clashes = [...byHash.values()].filter((list) => new Set(list.map((i) => i.example.label)).size > 1);
  if (clashes.length === 0) return [];
  const places = clashes.map((list) => list.map((i) => `${where(i)} ${JSON.stringify(i.example.label)}`).slice(0, 2).join(' vs '));
  return [finding('label_conflicts', 'warning', clashes.length,
    `${plural(clashes.length, 'text')} ${verb(clashes.length, 'carries', 'carry')} different labels in different lines (${int(clashes.flat().length)} lines)`,
    places, 'decide the right label for each and keep one line: the model cannot fit both')];
}

function balance(p: Prepared): Finding[] {
  const counts = new Map<string, number>();
  for (const i of p.train) counts.set(i.example.label ?? '', (counts.get(i.example.label ?? '') ?? 0) + 1);
  const n = p.train.length;
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (sorted.length < 2) {
    return [finding('single_class', 'error', sorted.length, `train has ${plural(sorted.length, 'label')} (${sorted.map(([l]) => JSON.stringify(l)).join(', ') || 'none'}); classification needs at least 2`,
      [], 'add examples of the other class(es), or check --label-field')];
  }
  const [majority, majorityCount] = sorted[0];
  const [smallest, smallestCount] = sorted[sorted.length - 1];
  const rate = majorityCount / n;
  const severe = rate >= IMBALANCE_MAJORITY || smallestCount < MIN_CLASS_EXAMPLES;
  const dist = sorted.map(([l, c]) => `${JSON.stringify(l)} ${int(c)}`).join(', ');
  return [finding('class_balance', severe ? 'warning' : 'note', sorted.length,
    `train: ${sorted.length} classes (${dist}); majority ${JSON.stringify(majority)} ${pct(rate)}, smallest ${JSON.stringify(smallest)} ${int(smallestCount)}`,
    [], severe
      ? `accuracy near ${pct(rate)} means nothing here: add examples of ${JSON.stringify(smallest)} or rank on val_f1 (macro-F1)`
      : `a trial must beat the majority rate ${pct(rate)}; val_f1 weighs the classes equally`)];
}

function onlyInValidation(p: Prepared): Finding[] {
  const trainLabels = new Set(p.train.map((i) => i.example.label));
  const odd = p.validation.filter((i) => !trainLabels.has(i.example.label));
  if (odd.length === 0) return [];
  const labels = [...new Set(odd.map((i) => JSON.stringify(i.example.label)))];
  return [finding('labels_only_in_validation', 'error', odd.length,
    `validation: ${plural(odd.length, 'example')} with label(s) ${labels.slice(0, 5).join(', ')} never seen in train (the trainer refuses them)`,
    odd.map(where), 'add training examples of these labels, or drop them from validation')];
}

export function labelFindings(p: Prepared): Finding[] {
  if (p.input.task !== 'classification') return [];
  const all = [...p.train, ...p.validation];
  if (all.length === 0) return [];
  return [...mixedTypes(p, all), ...conflicts(all), ...balance(p), ...onlyInValidation(p)];
}
