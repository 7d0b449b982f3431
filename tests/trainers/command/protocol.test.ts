// The pure parts of the command trainer: argv placeholders, each metrics format on real lines, and
// the rules that turn reports into evaluations (steps, fractional epochs, order, resume).
import { describe, expect, it } from 'vitest';
import { placeholderNames, substitute } from '../../../src/trial/placeholders.js';
import { FORMATS, lineReaderOf } from '../../../src/trainers/command/formats/index.js';
import { EvaluationSequencer, type Outcome, type SequencerOptions } from '../../../src/trainers/command/evaluations.js';
import type { EpochMetrics } from '../../../src/trial/types.js';

describe('argv placeholders', () => {
  it('finds {name} for any parameter; {{ }} are literal braces; other braces pass through', () => {
    expect(placeholderNames('--lr={learning_rate} {batch_size}')).toEqual(['learning_rate', 'batch_size']);
    expect(placeholderNames('{{learning_rate}} {"a": 1} {} { x }')).toEqual([]);
    expect(substitute('--lr={learning_rate}', { learning_rate: 1e-7 })).toBe('--lr=1e-7');
    expect(substitute('{flag}/{name}', { flag: true, name: 'x' })).toBe('true/x');
    expect(substitute('{{learning_rate}} {"a": 1}', { learning_rate: 1 })).toBe('{learning_rate} {"a": 1}');
    expect(() => substitute('{lr}', { learning_rate: 1 })).toThrow('placeholder {lr} names no parameter');
  });
});

describe('the jsonl format', () => {
  const read = FORMATS.jsonl;
  it('keeps every numeric field and ignores the others', () => {
    expect(read('{"epoch": 2, "train_loss": 0.5, "val_bleu": 31.2, "note": "x", "ok": true}', true)).toEqual({ kind: 'values', values: { epoch: 2, train_loss: 0.5, val_bleu: 31.2 } });
  });
  it("reads Python's NaN and Infinity, not inside strings", () => {
    expect(read('{"step": 1, "val_loss": NaN, "g": -Infinity}', true)).toEqual({ kind: 'values', values: { step: 1, val_loss: Number.NaN, g: Number.NEGATIVE_INFINITY } });
    expect(read('{"epoch": 1, "tag": "NaN Infinity", "val_loss": 0.3}', true)).toEqual({ kind: 'values', values: { epoch: 1, val_loss: 0.3 } });
  });
  it('refuses anything else in the metrics file, and lets ordinary output pass on stdout', () => {
    expect(read('loss 0.5', true)).toEqual({ kind: 'garbage', why: 'not JSON' });
    expect(read('[1, 2]', true)).toEqual({ kind: 'garbage', why: 'not a JSON object' });
    expect(read('loss 0.5', false)).toEqual({ kind: 'none' });
    expect(read('{ not json', false)).toEqual({ kind: 'none' });
    expect(read('{"lr": 0.1, "model": "base"}', false)).toEqual({ kind: 'none' });
    expect(read('{"step": 5, "epoch": 0.5, "val_loss": 1}', false)).toEqual({ kind: 'values', values: { step: 5, epoch: 0.5, val_loss: 1 } });
  });
});

describe('the key_value format (Katib)', () => {
  it('reads every name=value pair on a line, nan and inf included', () => {
    expect(FORMATS.key_value('epoch=3 step = 1200 val-loss=0.51 lr=1e-4 acc=.9 bad=nan', false)).toEqual({
      kind: 'values',
      values: { epoch: 3, step: 1200, 'val-loss': 0.51, lr: 1e-4, acc: 0.9, bad: Number.NaN },
    });
    expect(FORMATS.key_value('Loading checkpoint shards: 100%', false)).toEqual({ kind: 'none' });
    expect(FORMATS.key_value('url=http://x', false)).toEqual({ kind: 'none' });
  });
});

describe('the hf_log format (transformers Trainer)', () => {
  const read = FORMATS.hf_log;
  it("reads the Trainer's dicts with finesweep's names", () => {
    // A training line joins the next evaluation (no mark of its own); an eval line is the evaluation.
    expect(read("{'loss': 0.6931, 'grad_norm': 1.25, 'learning_rate': 5e-05, 'epoch': 0.5}", false)).toEqual({
      kind: 'values',
      values: { train_loss: 0.6931, grad_norm: 1.25, learning_rate: 5e-5 },
      toNext: true,
    });
    expect(read("{'eval_loss': 0.51, 'eval_accuracy': 0.8, 'eval_runtime': 1.2, 'epoch': 1.0}", false)).toEqual({
      kind: 'values',
      values: { val_loss: 0.51, val_accuracy: 0.8, val_runtime: 1.2, epoch: 1 },
    });
  });
  it('finds the dict after a progress bar, reads nan, and skips the closing summary and other text', () => {
    expect(read(" 50%|#####     | 10/20 [00:01<00:01]{'loss': nan, 'epoch': 0.5}", false)).toEqual({ kind: 'values', values: { train_loss: Number.NaN }, toNext: true });
    expect(read("{'train_runtime': 12.3, 'train_samples_per_second': 8.1, 'train_loss': 0.6, 'epoch': 3.0}", false)).toEqual({ kind: 'none' });
    expect(read("{'a': 'text, with } brace', 'eval_x': 1, 'epoch': 2.0}", false)).toEqual({ kind: 'values', values: { val_x: 1, epoch: 2 } });
    expect(read('Some weights were not initialized', false)).toEqual({ kind: 'none' });
    expect(read("{'loss': 0.5", true)).toMatchObject({ kind: 'garbage' });
  });
});

describe('the regex format', () => {
  it("reads named groups from each pattern that matches; Python's (?P<name>) works too", () => {
    const read = lineReaderOf({ regex: ['\\| epoch (?<epoch>\\d+) \\|', 'valid loss (?P<val_loss>[\\d.]+)', 'ppl (?<val_ppl>[\\d.]+)'] });
    expect(read('| end of epoch 1 | time: 3.1s | valid loss 6.47 | valid ppl 645.2', false)).toMatchObject({ kind: 'values', values: { val_loss: 6.47, val_ppl: 645.2 } });
    expect(read('| epoch 2 | 200/400 batches', false)).toEqual({ kind: 'values', values: { epoch: 2 } });
    expect(read('nothing here', false)).toEqual({ kind: 'none' });
  });
  it('a group whose text is not a number is refused, naming the group and the pattern', () => {
    const read = lineReaderOf({ regex: 'loss (?<val_loss>\\S+)' });
    expect(read('loss 0.25', false)).toEqual({ kind: 'values', values: { val_loss: 0.25 } });
    expect(read('loss n/a', false)).toEqual({ kind: 'garbage', why: 'group val_loss of /task/metrics/regex/0 matched "n/a", which is not a number' });
  });
});

/** Feeds reports to a sequencer: the evaluations it records and each outcome. */
function sequence(reports: Array<Record<string, number>>, opts: Partial<SequencerOptions> = {}): { evaluations: EpochMetrics[]; outcomes: Outcome[] } {
  const evaluations: EpochMetrics[] = [];
  const s = new EvaluationSequencer({ resume: { epoch: 0 }, oneLineOneEvaluation: true, ...opts }, (m) => evaluations.push(m));
  const outcomes = reports.map((r) => s.add(r));
  s.finish();
  return { evaluations, outcomes };
}

describe('reports -> evaluations', () => {
  it('whole epochs stay epochs; a step keeps its epoch (fractional mid-epoch), or takes step / max_steps', () => {
    expect(sequence([{ epoch: 1, val_loss: 0.5 }, { epoch: 2, val_loss: 0.4 }]).evaluations).toEqual([
      { epoch: 1, val_loss: 0.5 },
      { epoch: 2, val_loss: 0.4 },
    ]);
    expect(sequence([{ step: 200, epoch: 0.5, val_loss: 0.5 }, { step: 400, epoch: 1, val_loss: 0.4 }]).evaluations).toEqual([
      { epoch: 0.5, step: 200, val_loss: 0.5 },
      { epoch: 1, step: 400, val_loss: 0.4 },
    ]);
    expect(sequence([{ step: 50, val_loss: 0.5 }, { step: 100, val_loss: 0.4 }], { maxSteps: 200 }).evaluations).toEqual([
      { epoch: 0.25, step: 50, val_loss: 0.5 },
      { epoch: 0.5, step: 100, val_loss: 0.4 },
    ]);
    expect(sequence([{ epoch: 0.25, val_loss: 0.5 }, { epoch: 0.5, val_loss: 0.4 }]).evaluations).toEqual([
      { epoch: 0.25, val_loss: 0.5 },
      { epoch: 0.5, val_loss: 0.4 },
    ]);
  });

  it('refuses a step that goes back, an epoch that goes back, a skipped epoch, a repeat, mixed marks, a step with no epoch to place it', () => {
    const why = (reports: Array<Record<string, number>>): string | undefined => {
      const o = sequence(reports).outcomes.find((x) => x.kind === 'failure');
      return o?.kind === 'failure' ? o.why : undefined;
    };
    expect(why([{ step: 200, epoch: 1 }, { step: 100, epoch: 1.5 }])).toBe('step 100 after step 200: steps must increase');
    expect(why([{ step: 200, epoch: 1 }, { step: 200, epoch: 1 }])).toBe('step 200 (epoch 1) again: each line is a new evaluation');
    expect(why([{ epoch: 0.5 }, { epoch: 0.25 }])).toBe('epoch 0.25 after epoch 0.5: epochs must not go back');
    expect(why([{ epoch: 1 }, { epoch: 3 }])).toBe('expected epoch 2, got epoch 3');
    expect(why([{ epoch: 2 }])).toBe('expected epoch 1, got epoch 2');
    expect(why([{ step: 10, epoch: 0.1 }, { epoch: 1 }])).toBe('"step" is missing (earlier lines had one)');
    expect(why([{ step: 2.5 }])).toBe('"step" must be an integer >= 1, got 2.5');
    expect(why([{ val_loss: 1 }])).toMatch(/^"step" or "epoch" is missing/);
    expect(why([{ step: 10, val_loss: 1 }])).toMatch(/^"epoch" is missing at step 10: report the epoch reached/);
  });

  it('a non-finite loss is a divergence at its mark; another non-finite value is dropped', () => {
    const { outcomes, evaluations } = sequence([{ step: 10, epoch: 0.1, val_loss: 0.5, grad_norm: Number.POSITIVE_INFINITY }, { step: 20, epoch: 0.2, val_loss: Number.NaN }]);
    expect(evaluations).toEqual([{ epoch: 0.1, step: 10, val_loss: 0.5 }]);
    expect(outcomes[1]).toEqual({ kind: 'diverged', reason: 'val_loss became NaN at step 20 (epoch 0.2)' });
  });

  it('gathers the reports at one mark into one evaluation, recorded once the objective is in', () => {
    const evaluations: EpochMetrics[] = [];
    const s = new EvaluationSequencer({ resume: { epoch: 0 }, oneLineOneEvaluation: false, objective: 'val_loss' }, (m) => evaluations.push(m));
    s.add({ epoch: 0.5, train_loss: 0.7 });
    expect(evaluations).toEqual([]);
    s.add({ epoch: 0.5, val_loss: 0.6 });
    expect(evaluations).toEqual([{ epoch: 0.5, train_loss: 0.7, val_loss: 0.6 }]);
    expect(s.add({ epoch: 0.5, val_runtime: 1 })).toEqual({ kind: 'late', names: ['val_runtime'] });
    s.add({ epoch: 1, train_loss: 0.5 });
    s.add({ val_acc: 0.9 }); // a pattern without a mark joins the open evaluation
    s.finish();
    expect(evaluations[1]).toEqual({ epoch: 1, train_loss: 0.5, val_acc: 0.9 });
    // A line with the step and one with only the epoch (two patterns) make one evaluation.
    const both: EpochMetrics[] = [];
    const t = new EvaluationSequencer({ resume: { epoch: 0 }, oneLineOneEvaluation: false }, (m) => both.push(m));
    t.add({ epoch: 1, step: 40, train_loss: 0.5 });
    t.add({ epoch: 1, val_ppl: 3 });
    t.finish();
    expect(both).toEqual([{ epoch: 1, step: 40, train_loss: 0.5, val_ppl: 3 }]);
    // transformers' training lines join the next evaluation, even while the last one is still open.
    const hf: EpochMetrics[] = [];
    const u = new EvaluationSequencer({ resume: { epoch: 0 }, oneLineOneEvaluation: false }, (m) => hf.push(m));
    u.add({ train_loss: 0.9 }, true);
    u.add({ epoch: 1, val_loss: 0.8 });
    u.add({ train_loss: 0.7 }, true);
    u.add({ epoch: 2, val_loss: 0.6 });
    u.finish();
    expect(hf).toEqual([{ epoch: 1, train_loss: 0.9, val_loss: 0.8 }, { epoch: 2, train_loss: 0.7, val_loss: 0.6 }]);
  });

  it('on resume, ignores what was journaled and goes on from there', () => {
    const steps = sequence([{ step: 100, epoch: 0.5, val_loss: 1 }, { step: 200, epoch: 1, val_loss: 0.9 }, { step: 300, epoch: 1.5, val_loss: 0.8 }], { resume: { epoch: 1, step: 200 } });
    expect(steps.evaluations).toEqual([{ epoch: 1.5, step: 300, val_loss: 0.8 }]);
    const epochs = sequence([{ epoch: 1 }, { epoch: 2 }, { epoch: 3, val_loss: 0.1 }], { resume: { epoch: 2 } });
    expect(epochs.evaluations).toEqual([{ epoch: 3, val_loss: 0.1 }]);
    expect(sequence([{ epoch: 4 }], { resume: { epoch: 2 } }).outcomes[0]).toEqual({ kind: 'failure', why: 'expected epoch 3, got epoch 4' });
  });
});
