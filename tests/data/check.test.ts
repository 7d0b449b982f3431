// The dataset check on examples built here (no files): each finding fires on the problem it names,
// with its count, its places and its severity, and stays quiet on clean data.
import { describe, expect, it } from 'vitest';
import { checkData, exitCodeOf } from '../../src/data/check.js';
import { earliestNearDuplicates, jaccard, NEAR_DUPLICATE_JACCARD, shingles } from '../../src/data/minhash.js';
import { normalize } from '../../src/data/prepare.js';
import type { CheckInput, CheckedExample, Finding } from '../../src/data/types.js';
import { Tokenizer } from '../../src/engine/tokenizer.js';

/** Distinct, ordinary sentences: no two share a 3-word shingle. */
function sentence(i: number): string {
  const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima'];
  return `message ${i} says ${words[i % 12]} ${words[(i * 5 + 1) % 12]} and number ${i * 7} about item ${i * 13} today`;
}

function examples(texts: string[], labels?: Array<string | number | boolean>, firstLine = 1): CheckedExample[] {
  return texts.map((text, i) => {
    const l = labels?.[i % labels.length];
    return l === undefined ? { text, line: firstLine + i } : { text, label: String(l), labelType: typeof l as 'string', line: firstLine + i };
  });
}

function input(train: CheckedExample[], validation: CheckedExample[], more: Partial<CheckInput> = {}): CheckInput {
  return { task: 'classification', train: { file: 'train.jsonl', examples: train }, validation: { file: 'val.jsonl', examples: validation }, ...more };
}

const clean = (): CheckInput => {
  const texts = Array.from({ length: 200 }, (_, i) => sentence(i));
  return input(examples(texts.slice(0, 160), ['ham', 'spam']), examples(texts.slice(160), ['ham', 'spam']));
};

const byCode = (findings: Finding[], code: string): Finding | undefined => findings.find((f) => f.code === code);

describe('dataset check', () => {
  it('finds nothing worse than a note on clean, balanced, distinct data', () => {
    const r = checkData(clean());
    expect(r.counts).toEqual({ error: 0, warning: 0, note: 1 });
    expect(r.findings.map((f) => f.code)).toEqual(['class_balance']);
    expect(exitCodeOf(r, true)).toBe(0);
  });

  it('counts exact duplicates inside train and across train/validation (leakage), with their lines', () => {
    const c = clean();
    const train = [...c.train.examples, { text: `  ${sentence(3).toUpperCase()} `, label: 'ham', labelType: 'string' as const, line: 161 }];
    const validation = [...c.validation.examples, { text: sentence(5), label: 'spam', labelType: 'string' as const, line: 41 }];
    const r = checkData({ ...c, train: { ...c.train, examples: train }, validation: { ...c.validation, examples: validation } });
    expect(byCode(r.findings, 'exact_duplicates_train')).toMatchObject({ severity: 'warning', count: 1, examples: ['train.jsonl:161 = 4'] });
    expect(byCode(r.findings, 'exact_duplicates_across')).toMatchObject({ severity: 'warning', count: 1, examples: ['val.jsonl:41 = train.jsonl:6'] });
    // The same text as ham at line 4 and spam at line 161: a label conflict.
    expect(byCode(r.findings, 'label_conflicts')).toMatchObject({ severity: 'warning', count: 1 });
  });

  it('makes leakage of a tenth of validation or more an error', () => {
    const c = clean();
    const leaked = c.train.examples.slice(0, 5).map((e, i) => ({ ...e, line: 100 + i }));
    const r = checkData({ ...c, validation: { ...c.validation, examples: [...c.validation.examples, ...leaked] } });
    expect(byCode(r.findings, 'exact_duplicates_across')).toMatchObject({ severity: 'error', count: 5 });
    expect(exitCodeOf(r, false)).toBe(2);
  });

  it('finds near-duplicates (a changed word or two) but not texts that only share a topic', () => {
    const base = 'please find attached the quarterly report for the northern region with figures for sales returns and stock levels as of march';
    const edited = base.replace('march', 'april').replace('please', 'kindly');
    const topical = 'the northern region sales figures were discussed at length in the meeting about stock levels and returns';
    const c = clean();
    const r = checkData({
      ...c,
      train: { ...c.train, examples: [...c.train.examples, ...examples([base], ['ham'], 161)] },
      validation: { ...c.validation, examples: [...c.validation.examples, ...examples([edited, topical], ['ham'], 41)] },
    });
    expect(byCode(r.findings, 'near_duplicates_across')).toMatchObject({ severity: 'warning', count: 1, examples: ['val.jsonl:41 ≈ train.jsonl:161'] });
    expect(jaccard(shingles(normalize(base)), shingles(normalize(edited)))).toBeGreaterThanOrEqual(NEAR_DUPLICATE_JACCARD);
    expect(jaccard(shingles(normalize(base)), shingles(normalize(topical)))).toBeLessThan(0.2);
  });

  it('finds for each text the earliest one at or above the threshold that an exhaustive comparison finds', () => {
    // 60 texts in 20 families of near-copies (one word changed) plus unrelated ones.
    const texts = Array.from({ length: 60 }, (_, i) => {
      const family = Math.floor(i / 3);
      return `${sentence(family)} and then ${sentence(family + 100)}${i % 3 === 1 ? ' indeed' : i % 3 === 2 ? ' truly' : ''}`;
    });
    const norms = texts.map(normalize);
    const exhaustive: string[] = [];
    for (let a = 0; a < norms.length; a++) {
      for (let b = a + 1; b < norms.length; b++) if (jaccard(shingles(norms[a]), shingles(norms[b])) >= NEAR_DUPLICATE_JACCARD) exhaustive.push(`${a},${b}`);
    }
    expect(exhaustive.length).toBeGreaterThan(20);
    const earliest = norms.map((_, b) => exhaustive.map((p) => p.split(',').map(Number)).find(([, y]) => y === b)?.[0] ?? -1);
    expect([...earliestNearDuplicates(norms)]).toEqual(earliest);
    // Only pairs `keep` allows: here, an earlier text of even index.
    const even = norms.map((_, b) => exhaustive.map((p) => p.split(',').map(Number)).find(([x, y]) => y === b && x % 2 === 0)?.[0] ?? -1);
    expect([...earliestNearDuplicates(norms, (a) => a % 2 === 0)]).toEqual(even);
  });

  it('checks a templated corpus (20,000 fillings of one message) and reports each filling near the first', () => {
    // Every text shares every bucket: comparing all pairs ran out of memory ("Set maximum size exceeded").
    const base = 'dear customer your account statement for this month is ready please log in to view the details and contact support if you have any questions about the charges listed here thank you';
    const texts = Array.from({ length: 20_000 }, (_, i) => `${base} ref ${i}`);
    const r = checkData(input(examples(texts.slice(0, 16_000), ['ham', 'spam']), examples(texts.slice(16_000), ['ham', 'spam'], 16_001)));
    expect(byCode(r.findings, 'near_duplicates_train')).toMatchObject({ count: 15_999 });
    expect(byCode(r.findings, 'near_duplicates_train')!.examples[0]).toBe('train.jsonl:2 ≈ 1');
    expect(byCode(r.findings, 'near_duplicates_across')).toMatchObject({ severity: 'error', count: 4_000 });
    expect(byCode(r.findings, 'near_duplicates_across')!.examples[0]).toBe('val.jsonl:16001 ≈ train.jsonl:1');
  });

  it('refuses labels of mixed JSON types, naming the first odd line, unless coerced', () => {
    const c = clean();
    const mixed = { ...c, train: { ...c.train, examples: examples(c.train.examples.map((e) => e.text), [1, '1', true, 0]) } };
    const r = checkData(mixed);
    const f = byCode(r.findings, 'mixed_label_types')!;
    expect(f.severity).toBe('error');
    expect(f.message).toMatch(/labels of 3 JSON types .*the first label is a number, train\.jsonl:2 has the string "1"/);
    expect(f.examples[0]).toBe('train.jsonl:2');
    expect(byCode(checkData({ ...mixed, coerceLabels: true }).findings, 'mixed_label_types')!.severity).toBe('note');
  });

  it('reports class balance, one class, and labels only in validation', () => {
    const c = clean();
    const skewed = examples(c.train.examples.map((e) => e.text), [...Array(19).fill('ham'), 'spam']);
    const r = checkData({ ...c, train: { ...c.train, examples: skewed } });
    expect(byCode(r.findings, 'class_balance')).toMatchObject({ severity: 'warning' });
    expect(byCode(r.findings, 'class_balance')!.message).toMatch(/majority "ham" 95\.0 %, smallest "spam" 8/);
    const one = checkData({ ...c, train: { ...c.train, examples: examples(c.train.examples.map((e) => e.text), ['ham']) } });
    expect(byCode(one.findings, 'single_class')).toMatchObject({ severity: 'error' });
    const extra = checkData({ ...c, validation: { ...c.validation, examples: examples(c.validation.examples.map((e) => e.text), ['ham', 'spam', 'eggs']) } });
    expect(byCode(extra.findings, 'labels_only_in_validation')).toMatchObject({ severity: 'error', count: 13 });
  });

  it('finds empty, whitespace-only and short texts, control and replacement characters, and markup', () => {
    const c = clean();
    const odd = examples(['', '   \n\t', 'hi', 'a\u0007bell in the text here', 'caf\ufffd au lait is on the menu', '<div><span><b>hi</b></span></div><br/><p>&nbsp;</p>'], ['ham', 'spam'], 161);
    const r = checkData({ ...c, train: { ...c.train, examples: [...c.train.examples, ...odd] } });
    expect(byCode(r.findings, 'empty_texts_train')).toMatchObject({ severity: 'warning', count: 2, examples: ['train.jsonl:161', 'train.jsonl:162'] });
    // The markup text has no space at all: one "word", so short too.
    expect(byCode(r.findings, 'short_texts_train')).toMatchObject({ severity: 'note', count: 2, examples: ['train.jsonl:163', 'train.jsonl:166'] });
    expect(byCode(r.findings, 'control_characters_train')).toMatchObject({ count: 1, examples: ['train.jsonl:164'] });
    expect(byCode(r.findings, 'replacement_characters_train')).toMatchObject({ count: 1, examples: ['train.jsonl:165'] });
    expect(byCode(r.findings, 'mostly_markup_train')).toMatchObject({ count: 1, examples: ['train.jsonl:166'] });
  });

  it('measures truncation with a tokenizer: share, tokens lost, and the context that keeps 90 % whole', () => {
    const tok = Tokenizer.train(Array.from({ length: 50 }, (_, i) => sentence(i)), 300);
    const c = clean();
    const long = (n: number): string => Array.from({ length: n }, (_, i) => sentence(i)).join(' ');
    const train = examples([...c.train.examples.slice(0, 80).map((e) => e.text), ...Array.from({ length: 20 }, () => long(3))], ['ham', 'spam']);
    const r = checkData({ ...c, train: { ...c.train, examples: train }, tokenizer: tok, contextLength: 64 });
    const f = byCode(r.findings, 'truncated_train')!;
    const lengths = train.map((e) => tok.encode(e.text).length + 1);
    const cut = lengths.filter((l) => l > 64).length;
    expect(f.count).toBe(cut);
    expect(f.severity).toBe(cut / 100 >= 0.1 ? 'warning' : 'note');
    const lost = lengths.reduce((s, l) => s + Math.max(0, l - 64), 0);
    expect(f.message).toContain(`${lost.toLocaleString('en-US')} of`);
    expect(f.message).toMatch(/a context of \d+ would keep 90 % whole/);
    expect(r.train.tokens).toBe(lengths.reduce((a, b) => a + b, 0));
  });

  it('for causal-lm: tokens in total and the share of validation text already seen in training', () => {
    const tok = Tokenizer.train(Array.from({ length: 50 }, (_, i) => sentence(i)), 300);
    const texts = Array.from({ length: 120 }, (_, i) => sentence(i));
    const seen = { task: 'causal-lm' as const, train: { file: 'd.jsonl', examples: examples(texts.slice(0, 100)) }, validation: { file: 'd.jsonl', examples: examples(texts.slice(0, 20), undefined, 200) }, tokenizer: tok, contextLength: 64 };
    const r = checkData(seen);
    expect(byCode(r.findings, 'tokens')).toMatchObject({ severity: 'note' });
    expect(byCode(r.findings, 'validation_seen_in_train')).toMatchObject({ severity: 'warning', count: 20 });
    expect(byCode(r.findings, 'validation_seen_in_train')!.message).toMatch(/^validation: 100\.0 % of its 8-token sequences also occur in train/);
    const other = Array.from({ length: 20 }, (_, i) => `zulu ${i * 31} yankee xray whiskey ${i * 17} victor uniform tango ${i}`);
    const unseen = checkData({ ...seen, validation: { file: 'd.jsonl', examples: examples(other, undefined, 200) } });
    expect(byCode(unseen.findings, 'validation_seen_in_train')!.severity).toBe('note');
  });

  it('for causal-lm past its n-gram budget: the same share, estimated on a consistent sample of n-grams, and says so', () => {
    // Texts of 200 words drawn from 5,000 (a fixed generator): distinct n-grams, as in a real corpus.
    let x = 12345;
    const next = (): number => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 8) % 5000;
    const vocabulary = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}x`);
    const long = (): string => Array.from({ length: 200 }, () => vocabulary[next()]).join(' ');
    const tok = Tokenizer.train(vocabulary, 2000);
    // Validation: 40 texts read in training, 40 not.
    const train = Array.from({ length: 400 }, () => long());
    const validation = [...train.slice(0, 40), ...Array.from({ length: 40 }, () => long())];
    const input = { task: 'causal-lm' as const, train: { file: 'd.jsonl', examples: examples(train) }, validation: { file: 'v.jsonl', examples: examples(validation) }, tokenizer: tok, contextLength: 64 };
    const share = (message: string): number => Number(/^validation: ([\d.]+) %/.exec(message)![1]) / 100;
    const exact = byCode(checkData(input).findings, 'validation_seen_in_train')!;
    const sampled = byCode(checkData({ ...input, maxTrainGrams: 5_000 }).findings, 'validation_seen_in_train')!;
    expect(exact.message).not.toMatch(/estimated/);
    expect(sampled.message).toMatch(/\(estimated on 1 in \d+ of them: [\d,]+ in train\)/);
    expect(Math.abs(share(sampled.message) - share(exact.message)), `${exact.message}\n${sampled.message}`).toBeLessThan(0.05);
    expect(share(exact.message)).toBeGreaterThan(0.4);
    expect(share(exact.message)).toBeLessThan(0.7);
    expect(Math.abs(sampled.count - exact.count)).toBeLessThanOrEqual(4);
  });

  it('exits 1 on warnings only with --strict', () => {
    const c = clean();
    const r = checkData({ ...c, train: { ...c.train, examples: c.train.examples.slice(0, 50) } });
    expect(r.counts.error).toBe(0);
    expect(r.counts.warning).toBeGreaterThan(0);
    expect(exitCodeOf(r, false)).toBe(0);
    expect(exitCodeOf(r, true)).toBe(1);
  });
});
