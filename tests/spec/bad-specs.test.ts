// The bad-spec corpus: each spec is wrong in one way and must give exactly one line that names the
// file, the JSON pointer and what was expected.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { validateSpec } from '../../src/spec/load.js';
import { randomSpec, validSpec } from './fixtures.js';

type Spec = Record<string, any>;
const cases: Array<[string, () => unknown, string]> = [
  [
    'log_uniform with min 0',
    () => {
      const s = randomSpec();
      s.parameters.learning_rate.min = 0;
      return s;
    },
    '/parameters/learning_rate/min: min must be > 0 for log_uniform, got 0',
  ],
  [
    'min above max',
    () => {
      const s = randomSpec();
      s.parameters.weight_decay = { distribution: 'uniform', min: 0.1, max: 0.01 };
      return s;
    },
    '/parameters/weight_decay/min: min > max (0.1 > 0.01)',
  ],
  [
    'a misspelt parameter (and no "learning_rate is missing" on top)',
    () => {
      const s = validSpec();
      s.parameters.learnig_rate = s.parameters.learning_rate;
      delete s.parameters.learning_rate;
      return s;
    },
    '/parameters/learnig_rate: unknown key "learnig_rate" (did you mean "learning_rate"?)',
  ],
  [
    'a misspelt top-level key',
    () => {
      const s = validSpec();
      s.paramters = s.parameters;
      delete s.parameters;
      return s;
    },
    '/paramters: unknown key "paramters" (did you mean "parameters"?)',
  ],
  [
    'a misspelt task key',
    () => with_(validSpec(), (s) => (s.task.methd = 'head')),
    '/task/methd: unknown key "methd" (did you mean "method"?)',
  ],
  [
    'an unknown key with no near match',
    () => with_(validSpec(), (s) => (s.task.colour = 'blue')),
    '/task/colour: unknown key "colour" (expected one of type, model, data, method, top_k, forgetting, eval_every_steps)',
  ],
  [
    'empty values',
    () => with_(validSpec(), (s) => (s.parameters.batch_size = { values: [] })),
    '/parameters/batch_size/values: must not be empty (give at least one value)',
  ],
  [
    'a negative batch size',
    () => with_(validSpec(), (s) => (s.parameters.batch_size = { value: -8 })),
    '/parameters/batch_size/value: batch_size must be an integer >= 1, got -8',
  ],
  [
    'epochs 0',
    () => with_(validSpec(), (s) => (s.parameters.epochs = { values: [0, 2] })),
    '/parameters/epochs/values/0: epochs must be an integer >= 1, got 0',
  ],
  [
    'fractional epochs',
    () => with_(validSpec(), (s) => (s.parameters.epochs = { value: 2.5 })),
    '/parameters/epochs/value: epochs must be an integer >= 1, got 2.5',
  ],
  [
    'an unknown strategy (W&B\'s name for TPE gets finesweep\'s)',
    () => with_(validSpec(), (s) => (s.strategy = { type: 'bayes' })),
    '/strategy/type: expected one of "grid", "random", "tpe", got "bayes" (W&B\'s "bayes" is finesweep\'s "tpe", a Tree-structured Parzen Estimator)',
  ],
  [
    'an unknown strategy',
    () => with_(validSpec(), (s) => (s.strategy = { type: 'hyperband' })),
    '/strategy/type: expected one of "grid", "random", "tpe", got "hyperband"',
  ],
  [
    'grid with a distribution',
    () => with_(validSpec(), (s) => (s.parameters.learning_rate = { distribution: 'log_uniform', min: 1e-5, max: 1e-3 })),
    '/parameters/learning_rate/distribution: grid takes only "value" or "values"; use strategy "random" or "tpe" for a distribution',
  ],
  [
    'random without trials',
    () => with_(randomSpec(), (s) => delete s.strategy.trials),
    '/strategy/trials: required for strategy "random" (how many trials to draw)',
  ],
  [
    'grid with trials',
    () => with_(validSpec(), (s) => (s.strategy.trials = 5)),
    '/strategy/trials: only random and tpe take "trials"; grid runs every combination',
  ],
  [
    'val_accuracy on a causal-lm task',
    () => with_(validSpec(), (s) => ((s.task.type = 'causal-lm'), (s.objective = { metric: 'val_accuracy' }))),
    '/objective/metric: val_accuracy needs task type "classification"; a "causal-lm" task cannot produce it',
  ],
  [
    'val_perplexity on a classification task',
    () => with_(validSpec(), (s) => (s.objective = { metric: 'val_perplexity', goal: 'minimize' })),
    '/objective/metric: val_perplexity needs task type "causal-lm"; a "classification" task cannot produce it',
  ],
  [
    'an unknown metric',
    () => with_(validSpec(), (s) => (s.objective = { metric: 'val_acc' })),
    '/objective/metric: expected one of "val_loss", "val_accuracy", "val_f1", "val_perplexity", "train_loss", got "val_acc"',
  ],
  [
    'a non-numeric string learning rate',
    () => with_(validSpec(), (s) => (s.parameters.learning_rate = { value: 'fast' })),
    '/parameters/learning_rate/value: expected a number, got the string "fast"',
  ],
  [
    'a number written as a string',
    () => with_(validSpec(), (s) => (s.parameters.learning_rate = { values: [0.001, '0.01'] })),
    '/parameters/learning_rate/values/1: expected a number, got the string "0.01" (write it without quotes)',
  ],
  [
    'true as a number of epochs',
    () => with_(validSpec(), (s) => (s.parameters.epochs = { value: true })),
    '/parameters/epochs/value: expected a number, got true',
  ],
  [
    'NaN (as YAML .nan parses)',
    () => with_(validSpec(), (s) => (s.parameters.learning_rate = { value: Number.NaN })),
    '/parameters/learning_rate/value: NaN is not allowed (expected a finite number)',
  ],
  [
    'Infinity (as YAML .inf parses)',
    () => with_(randomSpec(), (s) => (s.parameters.learning_rate.max = Number.POSITIVE_INFINITY)),
    '/parameters/learning_rate/max: Infinity is not allowed (expected a finite number)',
  ],
  [
    'a method value outside full/head/top_k/lora',
    () => with_(validSpec(), (s) => (s.parameters.method = { values: ['full', 'qlora'] })),
    '/parameters/method/values/1: method must be one of full, head, top_k, lora, got "qlora"',
  ],
  [
    'method as a distribution',
    () => with_(randomSpec(), (s) => (s.parameters.method = { distribution: 'uniform', min: 0, max: 1 })),
    '/parameters/method/distribution: method takes "value" or "values" among full, head, top_k, lora, not a distribution',
  ],
  [
    'a misspelt task method',
    () => with_(validSpec(), (s) => (s.task.method = 'hed')),
    '/task/method: expected one of "full", "head", "top_k", "lora", got "hed" (did you mean "head"?)',
  ],
  [
    'a string seed',
    () => with_(validSpec(), (s) => (s.seed = 'abc')),
    '/seed: expected an integer, got the string "abc"',
  ],
  [
    'a negative seed',
    () => with_(validSpec(), (s) => (s.seed = -1)),
    '/seed: must be >= 0, got -1',
  ],
  [
    'a name with a space',
    () => with_(validSpec(), (s) => (s.name = 'my sweep')),
    `/name: must start with a letter or digit and contain only letters, digits, '.', '_' and '-', got "my sweep"`,
  ],
  [
    'no task',
    () => with_(validSpec(), (s) => delete s.task),
    '/task: required but missing',
  ],
  [
    'no training file',
    () => with_(validSpec(), (s) => delete s.task.data.train),
    '/task/data/train: required but missing',
  ],
  [
    'a split of 1.5',
    () => with_(validSpec(), (s) => (s.task.data.split = 1.5)),
    '/task/data/split: must be < 1, got 1.5',
  ],
  [
    'both a validation file and a split',
    () => with_(validSpec(), (s) => ((s.task.data.validation = 'val.jsonl'), (s.task.data.split = 0.1))),
    '/task/data/split: give either "validation" (a file) or "split" (a fraction), not both',
  ],
  [
    'gpus "all"',
    () => with_(validSpec(), (s) => (s.resources = { gpus: 'all' })),
    '/resources/gpus: expected "auto", 0 or a non-empty list of distinct integers >= 0, got the string "all"',
  ],
  [
    'zero workers',
    () => with_(validSpec(), (s) => (s.resources = { workers: 0 })),
    '/resources/workers: must be >= 1, got 0',
  ],
  [
    'a bare number as a parameter',
    () => with_(validSpec(), (s) => (s.parameters.weight_decay = 0.01)),
    '/parameters/weight_decay: expected an object such as { "value": 0.01 }, { "values": [...] } or a distribution, got 0.01',
  ],
  [
    'both value and values',
    () => with_(validSpec(), (s) => (s.parameters.epochs = { value: 1, values: [1, 2] })),
    '/parameters/epochs: give only one of "value", "values", "distribution", got value and values',
  ],
  [
    'an empty parameter',
    () => with_(validSpec(), (s) => (s.parameters.dropout = {})),
    '/parameters/dropout: expected one of "value", "values" or "distribution" (with "min" and "max")',
  ],
  [
    'min without a distribution',
    () => with_(validSpec(), (s) => (s.parameters.epochs = { value: 2, min: 1 })),
    '/parameters/epochs/min: "min" applies only with a "distribution"',
  ],
  [
    'q_uniform without q',
    () => with_(randomSpec(), (s) => (s.parameters.weight_decay = { distribution: 'q_uniform', min: 0, max: 0.1 })),
    '/parameters/weight_decay/q: required for q_uniform (the step)',
  ],
  [
    'q_uniform with no multiple of q in range',
    () => with_(randomSpec(), (s) => (s.parameters.dropout = { distribution: 'q_uniform', min: 0.31, max: 0.39, q: 0.25 })),
    '/parameters/dropout/q: no multiple of q (0.25) lies in [min, max] = [0.31, 0.39]',
  ],
  [
    'int_uniform with a fractional bound',
    () => with_(randomSpec(), (s) => (s.parameters.batch_size = { distribution: 'int_uniform', min: 1.5, max: 8 })),
    '/parameters/batch_size/min: must be an integer for int_uniform, got 1.5',
  ],
  [
    'a continuous distribution for an integer parameter',
    () => with_(randomSpec(), (s) => (s.parameters.batch_size = { distribution: 'uniform', min: 8, max: 64 })),
    '/parameters/batch_size/distribution: batch_size must be an integer: use int_uniform (or q_uniform with an integer q and min)',
  ],
  [
    'a distribution without max',
    () => with_(randomSpec(), (s) => delete s.parameters.learning_rate.max),
    '/parameters/learning_rate/max: required for a distribution',
  ],
  [
    'an unknown distribution',
    () => with_(randomSpec(), (s) => (s.parameters.learning_rate.distribution = 'loguniform')),
    '/parameters/learning_rate/distribution: expected one of "uniform", "log_uniform", "int_uniform", "q_uniform", got "loguniform" (did you mean "log_uniform"?)',
  ],
  [
    'a repeated value',
    () => with_(validSpec(), (s) => (s.parameters.batch_size = { values: [16, 32, 16] })),
    '/parameters/batch_size/values/2: duplicate value 16',
  ],
  [
    'dropout 1',
    () => with_(validSpec(), (s) => (s.parameters.dropout = { value: 1 })),
    '/parameters/dropout/value: dropout must be a number in [0, 1), got 1',
  ],
  [
    'more random trials than the space holds',
    () => {
      const s = validSpec();
      s.strategy = { type: 'random', trials: 10 };
      return s;
    },
    '/strategy/trials: 10 trials requested but the parameter space has only 4 distinct combinations',
  ],
  [
    'an unknown early-stopping rule',
    () => with_(validSpec(), (s) => (s.early_stopping = { type: 'hyperband' })),
    '/early_stopping/type: expected one of "none", "median", "asha", got "hyperband"',
  ],
  [
    'rejudge that is not a boolean',
    () => with_(validSpec(), (s) => (s.early_stopping = { type: 'asha', rejudge: 'yes' })),
    '/early_stopping/rejudge: expected true or false, got the string "yes"',
  ],
  ['a list instead of an object', () => [validSpec()], '/: expected an object (the sweep spec), got a list'],
];

function with_(s: Spec, change: (s: Spec) => unknown): Spec {
  change(s);
  return s;
}

function problemsOf(spec: unknown): string[] {
  try {
    validateSpec(spec, 'spec.json');
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as InputError).problems;
  }
  throw new Error('the spec was accepted');
}

describe('a bad spec gives one line that names the file, the JSON pointer and what was expected', () => {
  it('the corpus has at least 25 distinct bad specs', () => {
    expect(new Set(cases.map((c) => c[2])).size).toBeGreaterThanOrEqual(25);
  });

  it.each(cases)('%s', (_name, make, expected) => {
    expect(problemsOf(make())).toEqual([`spec.json: ${expected}`]);
  });

  it('reports every problem of a spec at once, one line each', () => {
    const s = validSpec();
    s.seed = -1;
    s.parameters.batch_size = { value: 0 };
    s.task.type = 'regression';
    const problems = problemsOf(s);
    expect(problems).toHaveLength(3);
    expect(problems.every((p) => p.startsWith('spec.json: /') && !p.includes('\n'))).toBe(true);
  });

  it('does not modify the object it validates', () => {
    const s = validSpec();
    const before = JSON.stringify(s);
    validateSpec(s, 'spec.json');
    expect(JSON.stringify(s)).toBe(before);
  });
});
