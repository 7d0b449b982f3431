// Spec files as a user writes them: JSON and YAML, syntax errors with line and column, missing files.
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { loadSpec } from '../../src/spec/load.js';

const dir = mkdtempSync(join(tmpdir(), 'finesweep-spec-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const yamlSpec = (lr: string): string => `
name: tiny
task:
  type: classification
  model: ../models/base
  data: { train: data/spam.jsonl }
parameters:
  learning_rate: { value: ${lr} }
  batch_size: { value: 16 }
  epochs: { value: 1 }
`;

async function problems(path: string): Promise<string[]> {
  try {
    await loadSpec(path);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as InputError).problems;
  }
  throw new Error('the spec was accepted');
}

describe('loadSpec', () => {
  it('loads every example sweep in sweeps/', async () => {
    const examples = readdirSync('sweeps').filter((f) => /\.(json|ya?ml)$/.test(f));
    expect(examples.sort()).toEqual(['domain-lm.json', 'spam-grid.json', 'spam-lora.json', 'spam-pytorch.json', 'spam-random.yaml', 'spam-shots.json', 'transfer-methods.json']);
    for (const f of examples) {
      const loaded = await loadSpec(join('sweeps', f));
      expect(loaded.baseDir).toBe(join(process.cwd(), 'sweeps'));
      expect(loaded.path).toBe(join(process.cwd(), 'sweeps', f));
    }
  });

  it('reads YAML and resolves its base directory', async () => {
    const path = file('ok.yaml', yamlSpec('3.0e-4'));
    const { spec, baseDir } = await loadSpec(path);
    expect(spec.parameters.learning_rate).toEqual({ value: 3e-4 });
    expect(baseDir).toBe(dir);
  });

  it('reads a JSON file that starts with a byte-order mark', async () => {
    const path = file('bom.json', '\uFEFF' + JSON.stringify({ name: 'bom', task: { type: 'causal-lm', model: 'm', data: { train: 't' } }, parameters: { learning_rate: { value: 1e-3 }, batch_size: { value: 2 }, epochs: { value: 1 } } }));
    expect((await loadSpec(path)).spec.name).toBe('bom');
  });

  it('reads YAML numbers such as 1e-3 as numbers (YAML 1.2)', async () => {
    const { spec } = await loadSpec(file('exp.yaml', yamlSpec('1e-3')));
    expect(spec.parameters.learning_rate.value).toBe(0.001);
  });

  it('names NaN and Infinity in YAML', async () => {
    expect(await problems(file('nan.yaml', yamlSpec('.nan')))).toEqual([
      `${dir}/nan.yaml:8:27: /parameters/learning_rate/value: NaN is not allowed (expected a finite number)`,
    ]);
    expect(await problems(file('inf.yml', yamlSpec('.inf')))).toEqual([
      `${dir}/inf.yml:8:27: /parameters/learning_rate/value: Infinity is not allowed (expected a finite number)`,
    ]);
  });

  it('gives a JSON syntax error with its line and column', async () => {
    const path = file('bad.json', '{\n  "name": "x",\n  "seed": tru\n}\n');
    const [line, ...rest] = await problems(path);
    expect(rest).toEqual([]);
    expect(line).toMatch(new RegExp(`^${path}:3:11: invalid JSON: Unexpected token`));
    expect(line).not.toContain('\n');
  });

  it('gives a JSON error at the end of a truncated file', async () => {
    const path = file('cut.json', '{\n  "name": "x",\n');
    const [line] = await problems(path);
    expect(line).toMatch(new RegExp(`^${path}:3:1: invalid JSON: `));
  });

  it('gives a YAML syntax error with its line and column', async () => {
    const path = file('bad.yaml', 'name: x\nparameters:\n  learning_rate: { value: 1\n');
    const lines = await problems(path);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines[0]).toMatch(new RegExp(`^${path}:\\d+:\\d+: invalid YAML: `));
  });

  it('places each problem at its line and column, in the order of the file', async () => {
    const path = file(
      'placed.json',
      [
        '{',
        '  "name": "placed",',
        '  "task": { "type": "causal-lm", "model": "m", "data": { "train": "t" }, "methd": "head" },',
        '  "parameters": {',
        '    "learning_rate": { "value": 0.001 },',
        '    "batch_size": { "values": [8, -1] },',
        '    "epochs": { "value": 1 }',
        '  },',
        '  "objective": { "metric": "val_f1" },',
        '  "seed": "one"',
        '}',
      ].join('\n'),
    );
    expect(await problems(path)).toEqual([
      `${path}:3:74: /task/methd: unknown key "methd" (did you mean "method"?)`,
      `${path}:6:35: /parameters/batch_size/values/1: batch_size must be an integer >= 1, got -1`,
      `${path}:9:28: /objective/metric: val_f1 needs task type "classification"; a "causal-lm" task cannot produce it`,
      `${path}:10:11: /seed: expected an integer, got the string "one"`,
    ]);
  });

  it('places a missing key at the object that lacks it', async () => {
    const path = file('missing-key.yaml', 'name: m\ntask:\n  type: classification\n  data: { train: t }\nparameters:\n  learning_rate: { value: 0.1 }\n  batch_size: { value: 1 }\n  epochs: { value: 1 }\n');
    expect(await problems(path)).toEqual([`${path}:3:3: /task/model: required but missing`]);
  });

  it('refuses duplicate keys in YAML', async () => {
    const path = file('dup.yaml', 'name: x\nname: y\n');
    expect(await problems(path)).toEqual([`${path}:2:1: invalid YAML: Map keys must be unique`]);
  });

  it('refuses a key repeated in a JSON object (JSON.parse would keep the last one silently)', async () => {
    const path = file('dup.json', '{\n  "name": "a",\n  "seed": 1,\n  "name": "b"\n}\n');
    expect(await problems(path)).toEqual([`${path}:4:3: invalid JSON: key "name" appears twice in one object; give each key once`]);
  });

  it('refuses an empty file', async () => {
    const path = file('empty.yaml', '');
    expect(await problems(path)).toEqual([`${path}: /: expected an object (the sweep spec), got null`]);
  });

  it('names a missing file', async () => {
    expect(await problems(join(dir, 'nope.json'))).toEqual([`${dir}/nope.json: file not found`]);
  });

  it('names a directory given as a spec', async () => {
    const path = join(dir, 'sub.json');
    mkdirSync(path);
    expect(await problems(path)).toEqual([`${path}: is a directory, expected a spec file`]);
  });

  it('refuses an unknown extension', async () => {
    const path = file('spec.toml', 'name = "x"');
    expect(await problems(path)).toEqual([`${path}: expected a .json, .yaml or .yml spec file`]);
  });
});
