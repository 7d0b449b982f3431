// The first hour of a new user at the CLI (the compiled CLI, `npm run build` first): output piped
// into `head`, discovering how to sweep one's own script, the data command's help and errors, a
// spec with several problems, and a W&B user's first spec.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'bin/finesweep.js');
/** A stack trace's frame line: a user's mistake never shows one. */
const STACK = /\n\s+at /;

function finesweep(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `finesweep <args> | head -0`: the reader is gone before the command writes anything. */
function intoClosedPipe(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((res) => child.on('close', (code) => res({ code, stderr })));
}

const workspace = (): string => mkdtempSync(join(tmpdir(), 'finesweep-first-hour-'));

describe('the first hour at the CLI', () => {
  it.each([[['validate', 'sweeps/spam-grid.json', '--no-data']], [['plan', '--help']], [['report', '--help']]])(
    'output into a closed pipe (%j | head -1) ends quietly with the exit code of the command',
    async (args) => {
      const r = await intoClosedPipe(args);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    },
  );

  it('--help and run --help say how to sweep your own script, and the page they name exists', () => {
    for (const args of [['--help'], ['run', '--help']]) {
      const r = finesweep(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/"type": "command"|task\.type "command"/);
      expect(r.stdout).toContain('docs/command-trainer.md');
      expect(r.stdout).toContain('Sweeping your own script');
    }
    expect(existsSync(join(ROOT, 'docs/command-trainer.md'))).toBe(true);
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain('\n## Sweeping your own script\n');
  });

  it('data --help names the default model, not the path finesweep is installed at', () => {
    const r = finesweep(['data', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('(default: the shipped models/base)');
    expect(r.stdout).not.toContain(ROOT);
  });

  it('a spec with two problems: each line has the finesweep: prefix', () => {
    const dir = workspace();
    writeFileSync(
      join(dir, 'two.json'),
      JSON.stringify(
        {
          name: 'x',
          task: { type: 'classification', model: 'm', data: { train: 't.jsonl' } },
          parameters: { learning_rat: { value: 1e-3 }, batch_size: { value: 2 }, epochs: { value: 1 } },
          stratgy: { type: 'grid' },
        },
        null,
        2,
      ),
    );
    const r = finesweep(['validate', 'two.json'], dir);
    expect(r.code).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(line).toMatch(/^finesweep: two\.json:\d+:\d+: \//);
    expect(r.stderr).toContain('/parameters/learning_rat:');
    expect(r.stderr).toContain('/stratgy:');
  });

  it('a CSV without its label column: the header found and how to name the column (--label-field; task.data.label_field in a spec)', () => {
    const dir = workspace();
    writeFileSync(join(dir, 'train.csv'), 'body,y\nhello there,1\nbye now,0\n');
    const data = finesweep(['data', 'train.csv', '--text-field', 'body'], dir);
    expect(data.code).toBe(2);
    expect(data.stderr).not.toMatch(STACK);
    expect(data.stderr).toBe("finesweep: train.csv:2: missing label field 'label' (the header has 'body', 'y'); name the label column with --label-field\n");
    expect(finesweep(['data', 'train.csv', '--text-field', 'body', '--label-field', 'y'], dir).stderr).not.toContain('missing label field');

    writeFileSync(
      join(dir, 'spec.json'),
      JSON.stringify({
        name: 'csv',
        task: { type: 'classification', model: join(ROOT, 'models/base'), data: { train: 'train.csv', text_field: 'body' } },
        parameters: { learning_rate: { value: 1e-3 }, batch_size: { value: 2 }, epochs: { value: 1 } },
      }),
    );
    const validate = finesweep(['validate', 'spec.json'], dir);
    expect(validate.code).toBe(2);
    expect(validate.stderr).toBe("finesweep: train.csv:2: missing label field 'label' (the header has 'body', 'y'); name the label column with task.data.label_field\n");
  });

  it("a W&B user's first spec: method, metric and log_uniform_values are answered with finesweep's names", () => {
    const dir = workspace();
    writeFileSync(
      join(dir, 'wandb.yaml'),
      [
        'name: wb',
        'method: bayes',
        'metric: { name: val_loss, goal: minimize }',
        'task: { type: command, command: [python3, train.py, "--lr", "{learning_rate}"] }',
        'parameters:',
        '  learning_rate: { distribution: log_uniform_values, min: 1.0e-5, max: 1.0e-2 }',
        '  epochs: { value: 3 }',
        '',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'train.py'), '');
    const r = finesweep(['validate', 'wandb.yaml'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(STACK);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^finesweep: wandb\.yaml:2:1: \/method: unknown key "method" \(W&B's "method" is finesweep's "strategy": .*"tpe" .*\)$/);
    expect(lines[1]).toMatch(/^finesweep: wandb\.yaml:3:1: \/metric: unknown key "metric" \(W&B's "metric" is finesweep's "objective": \{ "metric": .*\)$/);
    expect(lines[2]).toMatch(/\/parameters\/learning_rate\/distribution: expected one of .*, got "log_uniform_values" \(W&B's "log_uniform_values" is finesweep's "log_uniform".*\)$/);
  });
});
