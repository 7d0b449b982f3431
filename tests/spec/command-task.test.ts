// A `task.type: command` spec: what validates, and each bad input as one line naming the field.
import { mkdtempSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { validateSpec } from '../../src/spec/load.js';
import { run, STACK } from '../e2e/helpers.js';
import { validSpec } from './fixtures.js';

type Spec = Record<string, any>;

function commandSpec(): Spec {
  return {
    name: 'cmd',
    task: { type: 'command', command: ['python3', 'train.py', '--lr', '{learning_rate}', '--epochs', '{epochs}'] },
    parameters: { learning_rate: { values: [1e-4, 1e-3] }, epochs: { value: 3 } },
  };
}

function problemsOf(spec: unknown): string[] {
  try {
    validateSpec(spec, 'spec.json');
    return [];
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return err.problems;
  }
}

const with_ = (s: Spec, edit: (s: Spec) => unknown): Spec => (edit(s), s);

describe('a command task', () => {
  it('validates with defaults filled, needing only epochs among the parameters', () => {
    const spec = validateSpec(commandSpec(), 'spec.json');
    expect(spec.task).toEqual({ ...commandSpec().task, stop_grace_s: 30 });
    expect(spec.objective).toEqual({ metric: 'val_loss', goal: 'minimize' });
  });

  it("takes any metric as the objective (with a goal), and any parameter name or value as the program's own", () => {
    const s = with_(commandSpec(), (s) => {
      s.objective = { metric: 'val_bleu', goal: 'maximize' };
      s.parameters.method = { values: ['lora', 'full'] };
      s.parameters.lr_schedule = { value: 'cosine' };
      s.parameters.dropout = { value: 0.9 };
      s.task.env = { HF_HOME: '/tmp/hf', RUN: 'lr-{learning_rate}' };
      s.task.cwd = 'examples';
      s.task.stop_grace_s = 5;
    });
    const spec = validateSpec(s, 'spec.json');
    expect(spec.objective).toEqual({ metric: 'val_bleu', goal: 'maximize' });
    expect(spec.task).toMatchObject({ cwd: 'examples', stop_grace_s: 5 });
  });

  it('takes max_steps instead of epochs, task.metrics with a format or patterns, and {num_gpus}', () => {
    const s = with_(commandSpec(), (s) => {
      delete s.parameters.epochs;
      s.task.command = ['torchrun', '--nproc_per_node', '{num_gpus}', 'train.py', '--max-steps', '{max_steps}'];
      s.parameters.max_steps = { values: [200, 400] };
      s.task.metrics = { from: 'stdout', regex: ['step (?<step>\\d+)', 'valid loss (?P<val_loss>[0-9.]+)'] };
    });
    expect(validateSpec(s, 'spec.json').task).toMatchObject({ metrics: { from: 'stdout', regex: ['step (?<step>\\d+)', 'valid loss (?P<val_loss>[0-9.]+)'] } });
    const hf = with_(commandSpec(), (s) => (s.task.metrics = { from: 'stderr', format: 'hf_log' }));
    expect(validateSpec(hf, 'spec.json').task).toMatchObject({ metrics: { from: 'stderr', format: 'hf_log' } });
  });

  it.each<[string, (s: Spec) => unknown, string]>([
    ['a bad regex', (s) => (s.task.metrics = { from: 'stdout', regex: ['loss (?<val_loss>[0-9.]+'] }), '/task/metrics/regex/0: "loss (?<val_loss>[0-9.]+" not a valid regular expression: /loss (?<val_loss>[0-9.]+/: Unterminated group'],
    ['a regex without a named group', (s) => (s.task.metrics = { regex: 'loss ([0-9.]+)' }), '/task/metrics/regex: "loss ([0-9.]+)" has no named group: write (?<val_loss>[0-9.]+) for each metric'],
    ['a format and a regex', (s) => (s.task.metrics = { format: 'key_value', regex: 'loss (?<val_loss>[0-9.]+)' }), '/task/metrics/format: give either "format" or "regex" (patterns are a format of their own)'],
    ['an unknown format', (s) => (s.task.metrics = { format: 'csv' }), '/task/metrics/format: expected one of "jsonl", "key_value", "hf_log", got "csv"'],
    ['an unknown source', (s) => (s.task.metrics = { from: 'stdin' }), '/task/metrics/from: expected one of "file", "stdout", "stderr", got "stdin"'],
    ['trials_per_gpu with several GPUs a trial', (s) => (s.resources = { gpus_per_trial: 2, trials_per_gpu: 2 }), '/resources/trials_per_gpu: applies only when each trial takes one GPU, but gpus_per_trial is 2'],
    ['a GPU list shorter than gpus_per_trial', (s) => (s.resources = { gpus: [0, 1], gpus_per_trial: 4 }), '/resources/gpus_per_trial: 4 GPUs per trial, but resources.gpus lists 2 (0, 1)'],
    ['a fractional max_steps', (s) => (s.parameters.max_steps = { value: 2.5 }), '/parameters/max_steps/value: max_steps must be an integer >= 1, got 2.5'],
    ['an empty command', (s) => (s.task.command = []), '/task/command: must not be empty (give at least one value)'],
    ['a placeholder naming no parameter', (s) => s.task.command.push('{lerning_rate}'), '/task/command/6: placeholder {lerning_rate} names no parameter (did you mean {learning_rate}?)'],
    ['a placeholder far from any parameter', (s) => (s.task.env = { X: '{warmup}' }), '/task/env/X: placeholder {warmup} names no parameter (parameters: learning_rate, epochs; write {{ and }} for literal braces)'],
    ['a misspelt type', (s) => (s.task.type = 'comand'), '/task/type: expected one of "classification", "causal-lm", "command", got "comand" (did you mean "command"?)'],
    ['a misspelt key', (s) => (s.task.cwdd = 'x'), '/task/cwdd: unknown key "cwdd" (did you mean "cwd"?)'],
    ['an engine key on a command', (s) => (s.task.model = 'x'), '/task/model: unknown key "model" (expected one of type, command, cwd, env, stop_grace_s, metrics)'],
    ['a non-string argument', (s) => s.task.command.push(3), '/task/command/6: expected a string, got 3'],
    ['a negative grace', (s) => (s.task.stop_grace_s = -1), '/task/stop_grace_s: must be >= 0, got -1'],
    ['no epochs', (s) => (delete s.parameters.epochs, s.task.command.splice(4)), '/parameters/epochs: a command task needs "epochs" or "max_steps" (the most epochs or optimizer steps a trial reports)'],
    ['fractional epochs', (s) => (s.parameters.epochs = { value: 1.5 }), '/parameters/epochs/value: epochs must be an integer >= 1, got 1.5'],
    ['an unknown metric without a goal', (s) => (s.objective = { metric: 'val_bleu' }), '/objective/goal: required for the metric "val_bleu": say whether "minimize" or "maximize" is better'],
  ])('refuses %s in one line naming the field', (_name, edit, expected) => {
    expect(problemsOf(with_(commandSpec(), edit))).toEqual([`spec.json: ${expected}`]);
  });

  it('the engine keeps its own rules: its three parameters and its five metrics', () => {
    expect(problemsOf(with_(validSpec(), (s) => delete s.parameters.learning_rate))).toEqual(['spec.json: /parameters/learning_rate: required but missing']);
    expect(problemsOf(with_(validSpec(), (s) => (s.objective = { metric: 'val_bleu', goal: 'maximize' })))).toEqual([
      'spec.json: /objective/metric: expected one of "val_loss", "val_accuracy", "val_f1", "val_perplexity", "train_loss", got "val_bleu"',
    ]);
    expect(problemsOf(with_(validSpec(), (s) => (s.task.command = ['x'])))).toEqual([
      'spec.json: /task/command: unknown key "command" (expected one of type, model, data, method, top_k, forgetting, eval_every_steps)',
    ]);
  });
});

describe('a command spec through the CLI', () => {
  it('validate says ok with what the trials run; plan lists the trials', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'finesweep-cmdspec-'));
    writeFileSync(join(dir, 'sweep.json'), JSON.stringify(commandSpec()));
    const ok = await run(['validate', 'sweep.json'], dir);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('task      command "python3 train.py --lr {learning_rate} --epochs {epochs}"');
    const plan = await run(['plan', 'sweep.json', '--json'], dir);
    expect(plan.code).toBe(0);
    expect((JSON.parse(plan.stdout) as { count: number }).count).toBe(2);
    expect(readdirSync(dir)).toEqual(['sweep.json']);
  });

  it('validate checks the program as run does: a misspelt one is one line, exit 2, nothing written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'finesweep-cmdspec-'));
    writeFileSync(join(dir, 'sweep.json'), JSON.stringify(with_(commandSpec(), (s) => (s.task.command[0] = 'pyhton3'))));
    const bad = await run(['validate', 'sweep.json'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^finesweep: sweep\.json: \/task\/command\/0: program "pyhton3" not found on PATH\n$/);
    expect(bad.stdout).not.toMatch(/^ok/);
    expect(readdirSync(dir)).toEqual(['sweep.json']);
  });

  it('a bad command spec exits 2 with one line and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'finesweep-cmdspec-'));
    writeFileSync(join(dir, 'sweep.json'), JSON.stringify(with_(commandSpec(), (s) => s.task.command.push('{bs}'))));
    for (const cmd of ['validate', 'run']) {
      const bad = await run([cmd, 'sweep.json'], dir);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/^finesweep: sweep\.json:\d+:\d+: \/task\/command\/6: placeholder \{bs\} names no parameter \(parameters: learning_rate, epochs; write \{\{ and \}\} for literal braces\)\n$/);
      expect(bad.stderr).not.toMatch(STACK);
    }
    expect(readdirSync(dir)).toEqual(['sweep.json']);
  });
});
