// The pure parts of the command trainer: argv placeholders and one metrics line.
import { describe, expect, it } from 'vitest';
import { placeholderNames, substitute } from '../../../src/trial/placeholders.js';
import { parseMetricsLine } from '../../../src/trainers/command/protocol.js';

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

describe('a metrics line', () => {
  it('keeps every numeric metric and ignores other fields', () => {
    expect(parseMetricsLine('{"epoch": 2, "train_loss": 0.5, "val_loss": 0.4, "val_bleu": 31.2, "note": "x", "ok": true}')).toEqual({
      kind: 'epoch',
      metrics: { epoch: 2, train_loss: 0.5, val_loss: 0.4, val_bleu: 31.2 },
    });
  });

  it("reads Python's NaN and Infinity: a non-finite loss marks divergence, other non-finite values are dropped", () => {
    expect(parseMetricsLine('{"epoch": 1, "val_loss": NaN}')).toEqual({ kind: 'epoch', metrics: { epoch: 1 }, nonFinite: { metric: 'val_loss', value: Number.NaN } });
    expect(parseMetricsLine('{"epoch": 1, "train_loss": -Infinity}')).toMatchObject({ nonFinite: { metric: 'train_loss', value: Number.NEGATIVE_INFINITY } });
    expect(parseMetricsLine('{"epoch": 1, "val_loss": 0.3, "grad_norm": Infinity}')).toEqual({ kind: 'epoch', metrics: { epoch: 1, val_loss: 0.3 } });
    // The words inside a string are text, not numbers.
    expect(parseMetricsLine('{"epoch": 1, "tag": "NaN Infinity", "val_loss": 0.3}')).toEqual({ kind: 'epoch', metrics: { epoch: 1, val_loss: 0.3 } });
  });

  it('refuses anything else, saying why', () => {
    expect(parseMetricsLine('loss 0.5')).toEqual({ kind: 'garbage', why: 'not JSON' });
    expect(parseMetricsLine('[1, 2]')).toEqual({ kind: 'garbage', why: 'not a JSON object' });
    expect(parseMetricsLine('{"val_loss": 0.5}')).toEqual({ kind: 'garbage', why: '"epoch" must be an integer >= 1, got nothing' });
    expect(parseMetricsLine('{"epoch": 1.5}')).toEqual({ kind: 'garbage', why: '"epoch" must be an integer >= 1, got 1.5' });
    expect(parseMetricsLine('{"epoch": "1"')).toEqual({ kind: 'garbage', why: 'not JSON' });
  });
});
