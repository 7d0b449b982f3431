// Spec checks of LoRA, few-shot and the checkpoint retention settings.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { validateSpec } from '../../src/spec/load.js';
import { validSpec } from './fixtures.js';

function problemsOf(spec: unknown): string[] {
  try {
    validateSpec(spec, 'spec.json');
    return [];
  } catch (err) {
    if (err instanceof InputError) return err.problems;
    throw err;
  }
}

function lora(): Record<string, any> {
  const s = validSpec();
  s.task.method = 'lora';
  s.parameters.lora_rank = { values: [4, 8] };
  return s;
}

describe('LoRA in the spec', () => {
  it('accepts method lora with rank, alpha and targets, all sweepable', () => {
    const s = lora();
    s.parameters.lora_alpha = { values: [8, 16.5] };
    s.parameters.lora_targets = { values: ['q,v', 'attention', 'all', 'q, k, fc'] };
    expect(problemsOf(s)).toEqual([]);
    const swept = validSpec();
    swept.parameters.method = { values: ['full', 'lora'] };
    swept.parameters.lora_rank = { value: 8 };
    expect(problemsOf(swept)).toEqual([]);
  });

  it.each([
    ['lora_rank with method full', (s: any) => ((s.task.method = 'full'), s), '/parameters/lora_rank: lora_rank applies only with method "lora", but task.method is "full"'],
    [
      'lora_alpha with a swept method that never is lora',
      (s: any) => {
        delete s.task.method;
        s.parameters.method = { values: ['head', 'full'] };
        delete s.parameters.lora_rank;
        s.parameters.lora_alpha = { value: 8 };
        return s;
      },
      '/parameters/lora_alpha: lora_alpha applies only with method "lora", but the parameter method takes only "head", "full"',
    ],
    ['method lora without a rank', (s: any) => (delete s.parameters.lora_rank, s), '/task/method: method "lora" needs the parameter lora_rank (e.g. { "values": [4, 8, 16] })'],
    ['a fractional rank', (s: any) => ((s.parameters.lora_rank = { value: 2.5 }), s), '/parameters/lora_rank/value: lora_rank must be an integer >= 1, got 2.5'],
    ['alpha 0', (s: any) => ((s.parameters.lora_alpha = { value: 0 }), s), '/parameters/lora_alpha/value: lora_alpha must be a number > 0, got 0'],
    [
      'an unknown target',
      (s: any) => ((s.parameters.lora_targets = { values: ['q,v', 'q,query'] }), s),
      '/parameters/lora_targets/values/1: lora_targets must be a comma-separated string of q, k, v, o, fc, proj (or attention, mlp, all), got "q,query"',
    ],
  ])('refuses %s, in one line naming the field', (_name, edit, expected) => {
    expect(problemsOf(edit(lora()))).toEqual([`spec.json: ${expected}`]);
  });
});

describe('few-shot and retention in the spec', () => {
  it('accepts task.data.shots, the parameter shots (integers or "all") and resources.checkpoints', () => {
    const s = validSpec();
    s.task.data.shots = 16;
    s.parameters.shots = { values: [8, 32, 'all'] };
    s.resources = { checkpoints: { keep: 'last', keep_top_trials: 3, max_disk_mb: 50 } };
    expect(problemsOf(s)).toEqual([]);
    const resolved = validateSpec(validSpec(), 'spec.json') as any;
    expect(resolved.resources.checkpoints).toEqual({ keep: 'best', keep_top_trials: 5 });
  });

  it.each([
    ['shots 0 in the data', (s: any) => ((s.task.data.shots = 0), s), '/task/data/shots'],
    ['a shots parameter of "some"', (s: any) => ((s.parameters.shots = { values: [8, 'some'] }), s), '/parameters/shots/values/1: shots must be an integer >= 1 or "all", got "some"'],
    ['keep "none"', (s: any) => ((s.resources = { checkpoints: { keep: 'none' } }), s), '/resources/checkpoints/keep'],
    ['keep_top_trials 0', (s: any) => ((s.resources = { checkpoints: { keep_top_trials: 0 } }), s), '/resources/checkpoints/keep_top_trials'],
  ])('refuses %s', (_name, edit, expected) => {
    const problems = problemsOf(edit(validSpec()));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`spec.json: ${expected}`);
  });
});
