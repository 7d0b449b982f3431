import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { loadSplit, type DataConfig } from '../../src/engine/data/dataset.js';
import { readExamples } from '../../src/engine/data/read.js';
import { buildDataReport, priorBaseline } from '../../src/engine/data/report.js';
import { stratifiedSample, stratifiedSplit } from '../../src/engine/data/split.js';

const dir = mkdtempSync(join(tmpdir(), 'finesweep-data-'));
function file(name: string, content: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}
function jsonl(rows: unknown[]): string {
  return rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
}
const labelled = { textField: 'text', labelField: 'label' };
function config(train: string, extra: Partial<DataConfig> = {}): DataConfig {
  return { train, split: 0.25, textField: 'text', labelField: 'label', ...extra };
}
function errorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError');
}

describe('reading data files', () => {
  it('reads JSONL with configurable fields and scalar labels, skipping blank lines', () => {
    const p = file('a.jsonl', jsonl([{ body: 'one', y: 1 }, { body: 'two', y: true }]) + '\n' + jsonl([{ body: 'three', y: 'x' }]));
    const ex = readExamples(p, { textField: 'body', labelField: 'y' });
    expect(ex.map((e) => [e.text, e.label, e.line])).toEqual([['one', '1', 1], ['two', 'true', 2], ['three', 'x', 4]]);
  });

  it('parses CSV with quoted commas, quotes and newlines, and reports the record line', () => {
    const p = file('a.csv', 'text,label\n"hello, world",ham\n"say ""hi""\nagain",spam\nplain,ham\n');
    const ex = readExamples(p, labelled);
    expect(ex.map((e) => e.text)).toEqual(['hello, world', 'say "hi"\nagain', 'plain']);
    expect(ex.map((e) => e.label)).toEqual(['ham', 'spam', 'ham']);
    const missing = errorOf(() => readExamples(file('b.csv', 'body,label\nx,ham\n'), labelled));
    expect(missing.message).toMatch(/b\.csv:2: missing text field 'text'/);
  });

  it('names the file and line of a missing field', () => {
    const p = file('m.jsonl', jsonl([{ text: 'a', label: 'x' }, { text: 'b' }]));
    expect(errorOf(() => readExamples(p, labelled)).message).toBe(`${p}:2: missing label field 'label'`);
    expect(errorOf(() => readExamples(p, { textField: 'body' })).message).toBe(`${p}:1: missing text field 'body'`);
  });

  it('refuses a label of unknown type (an object)', () => {
    const p = file('o.jsonl', jsonl([{ text: 'a', label: 'x' }, { text: 'b', label: { name: 'y' } }]));
    expect(errorOf(() => readExamples(p, labelled)).message).toMatch(/o\.jsonl:2: label field 'label' has unknown label type an object/);
  });

  it('refuses an empty file, a bad JSON line and a non-UTF-8 line', () => {
    expect(errorOf(() => readExamples(file('e.jsonl', '\n\n'), labelled)).message).toMatch(/e\.jsonl: data file has no examples/);
    const bad = file('j.jsonl', '{"text":"a","label":"x"}\n{"text": "b", label}\n');
    expect(errorOf(() => readExamples(bad, labelled)).message).toMatch(/j\.jsonl:2: not a JSON line/);
    const latin1 = Buffer.concat([Buffer.from('{"text":"ok","label":"x"}\n{"text":"caf'), Buffer.from([0xe9]), Buffer.from('","label":"y"}\n')]);
    expect(errorOf(() => readExamples(file('l.jsonl', latin1), labelled)).message).toBe(`${join(dir, 'l.jsonl')}:2: not valid UTF-8`);
    expect(errorOf(() => readExamples(file('l.csv', Buffer.concat([Buffer.from('text,label\n'), Buffer.from([0xff, 0x0a])])), labelled)).message).toMatch(/l\.csv:2: not valid UTF-8/);
    expect(errorOf(() => readExamples(join(dir, 'nope.jsonl'), labelled)).message).toMatch(/nope\.jsonl: cannot read data file \(ENOENT\)/);
    expect(errorOf(() => readExamples(file('x.txt', 'a'), labelled)).message).toMatch(/unknown data format '\.txt'/);
  });
});

describe('splits and samples', () => {
  const rows = Array.from({ length: 100 }, (_, i) => ({ text: `text ${i}`, label: i < 80 ? 'ham' : 'spam', line: i + 1 }));

  it('holds out a stratified, seeded validation split', () => {
    const a = stratifiedSplit(rows, 0.25, 7);
    expect(a.validation.length).toBe(25);
    expect(a.validation.filter((e) => e.label === 'spam').length).toBe(5);
    expect(a.train.length).toBe(75);
    expect(stratifiedSplit(rows, 0.25, 7)).toEqual(a);
    expect(stratifiedSplit(rows, 0.25, 8).validation).not.toEqual(a.validation);
    const seen = new Set([...a.train, ...a.validation].map((e) => e.line));
    expect(seen.size).toBe(100);
  });

  it('samples max_examples keeping label proportions', () => {
    const s = stratifiedSample(rows, 10, 3);
    expect(s.length).toBe(10);
    expect(s.filter((e) => e.label === 'spam').length).toBe(2);
    expect(stratifiedSample(rows, 10, 3)).toEqual(s);
  });

  it('applies max_examples before the split, and refuses a single-class classification set', () => {
    const p = file('many.jsonl', jsonl(rows.map(({ text, label }) => ({ text, label }))));
    const s = loadSplit(config(p, { maxExamples: 40 }), 'classification', 1);
    expect(s.train.length + s.validation.length).toBe(40);
    expect(s.validation.length).toBe(10);
    const one = file('one.jsonl', jsonl([{ text: 'a', label: 'x' }, { text: 'b', label: 'x' }]));
    expect(errorOf(() => loadSplit(config(one), 'classification', 1)).message).toMatch(/at least 2 labels/);
    // causal-lm ignores labels entirely.
    expect(loadSplit(config(one), 'causal-lm', 1).train.length).toBe(1);
  });
});

describe('the data report', () => {
  it('finds leakage when train and validation share rows, and duplicates inside train', () => {
    const train = file('t.jsonl', jsonl([
      { text: 'Buy cheap pills now', label: 'spam' },
      { text: 'meeting at noon', label: 'ham' },
      { text: 'Meeting   at NOON', label: 'ham' },
      { text: '', label: 'ham' },
    ]));
    const val = file('v.jsonl', jsonl([
      { text: 'buy cheap pills NOW ', label: 'spam' },
      { text: 'a different note', label: 'ham' },
    ]));
    const s = loadSplit(config(train, { validation: val }), 'classification', 1);
    const r = buildDataReport(
      { file: train, examples: s.train, truncated: 0 },
      { file: val, examples: s.validation, truncated: 1 },
      true,
    );
    expect(r.leakage.count).toBe(1);
    expect(r.leakage.examples[0]).toContain(`${val}:1:`);
    expect(r.train).toEqual({ file: train, count: 4, emptyTexts: 1, duplicates: 1, truncated: 0, labels: { spam: 1, ham: 3 } });
    expect(r.validation.truncated).toBe(1);
    expect(r.warnings.join('\n')).toMatch(/leakage: 1 validation example/);
    expect(r.majorityRate).toBe(0.5);
    expect(r.priorLoss).toBeCloseTo(-(0.5 * Math.log(0.75) + 0.5 * Math.log(0.25)), 10);
  });

  it('reports no leakage for disjoint sets', () => {
    const r = buildDataReport(
      { file: 'a', examples: [{ text: 'x', line: 1 }], truncated: 0 },
      { file: 'b', examples: [{ text: 'y', line: 1 }], truncated: 0 },
      false,
    );
    expect(r.leakage).toEqual({ count: 0, examples: [] });
    expect(r.priorLoss).toBeUndefined();
  });

  it('gives the prior baseline a floor for a label unseen in train', () => {
    const b = priorBaseline({ a: 3, b: 1 }, { a: 1, c: 1 });
    expect(Number.isFinite(b.priorLoss)).toBe(true);
    expect(b.majorityRate).toBe(0.5);
  });
});
