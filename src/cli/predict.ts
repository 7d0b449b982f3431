// `finesweep predict <model-dir> (<input.jsonl|.csv|-> | --text "...")`: run an exported model.
// Classification: the label and every class's probability per text. Causal LM: the perplexity per
// text (how well the model predicts it: lower is more in-domain), or with --generate N a
// continuation of each text (greedy; seeded sampling with --temperature).
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { selectBackend } from '../engine/backend.js';
import { formatOf, parseExamples, readExamples, type DataFormat } from '../engine/data/read.js';
import { loadExportedModel } from '../engine/exported.js';
import { classify, generate, perplexities } from '../engine/predict.js';
import { InputError } from '../errors.js';

interface PredictFlags {
  text?: string;
  textField: string;
  format: string;
  generate?: string;
  temperature?: string;
  seed?: string;
}

const FORMATS = ['jsonl', 'csv'] as const;

function count(flag: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min) throw new InputError(`${flag}: expected a whole number >= ${min}, got ${JSON.stringify(value)}`);
  return Number(value);
}

function readTexts(input: string | undefined, flags: PredictFlags): string[] {
  if (flags.text !== undefined) {
    if (input !== undefined) throw new InputError('--text and an input file: give one of them');
    return [flags.text];
  }
  if (input === undefined) throw new InputError('an input file (.jsonl or .csv, or - for JSONL on standard input) or --text "..." is required');
  if (input === '-') {
    const format: DataFormat = 'jsonl';
    return parseExamples('standard input', readFileSync(0), format, { textField: flags.textField }).map((e) => e.text);
  }
  formatOf(input);
  return readExamples(input, { textField: flags.textField }).map((e) => e.text);
}

function csvCell(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export async function predictCommand(modelDir: string, input: string | undefined, flags: PredictFlags, out: (line: string) => void): Promise<void> {
  if (!(FORMATS as readonly string[]).includes(flags.format)) throw new InputError(`--format: expected one of ${FORMATS.join(', ')}, got ${JSON.stringify(flags.format)}`);
  const tokens = count('--generate', flags.generate, 1);
  const temperature = flags.temperature === undefined ? 0 : Number(flags.temperature);
  if (!(Number.isFinite(temperature) && temperature >= 0)) throw new InputError(`--temperature: expected a number >= 0, got ${JSON.stringify(flags.temperature)}`);
  const seed = count('--seed', flags.seed, 0) ?? 0;
  const texts = readTexts(input, flags);
  // wasm: a forward pass needs no GPU, and loading native tfjs prints kernel warnings on stderr.
  await selectBackend('wasm');
  const m = await loadExportedModel(modelDir);
  try {
    if (tokens !== undefined && m.task.taskType !== 'causal-lm') throw new InputError(`--generate: ${modelDir} is a ${m.task.taskType} model; only a causal-lm model generates text`);
    const tty = process.stderr.isTTY === true && texts.length > 64;
    const progress = (done: number) => tty && process.stderr.write(`\rpredicted ${done}/${texts.length}${done === texts.length ? '\n' : ''}`);
    const csv = flags.format === 'csv';
    if (m.task.taskType === 'classification') {
      const labels = m.task.labels!;
      if (csv) out(['label', ...labels.map((l) => `p_${l}`)].map(csvCell).join(','));
      for (const p of classify(m, texts, progress)) {
        out(csv ? [p.label, ...labels.map((l) => p.probabilities[l])].map(csvCell).join(',') : JSON.stringify(p));
      }
    } else if (tokens !== undefined) {
      if (csv) out('continuation');
      texts.forEach((t, i) => {
        const continuation = generate(m, t, tokens, temperature, seed + i);
        out(csv ? csvCell(continuation) : JSON.stringify({ continuation }));
      });
    } else {
      if (csv) out('perplexity,tokens');
      for (const p of perplexities(m, texts, progress)) out(csv ? `${p.perplexity},${p.tokens}` : JSON.stringify(p));
    }
  } finally {
    m.dispose();
  }
}

export function registerPredict(program: Command): void {
  program
    .command('predict')
    .description('run an exported model (finesweep export) on texts: labels and class probabilities, or perplexity / a continuation for a causal LM')
    .argument('<model-dir>', 'an exported model directory')
    .argument('[input]', 'texts to predict: a .jsonl or .csv file, or - for JSONL on standard input')
    .option('--text <text>', 'predict one text given on the command line')
    .option('--text-field <name>', 'the field (JSONL key or CSV column) that holds the text', 'text')
    .option('--format <format>', `output: ${FORMATS.join(', ')} (one line per text)`, 'jsonl')
    .option('--generate <n>', 'causal-lm: continue each text by n tokens instead of scoring it')
    .option('--temperature <t>', 'with --generate: 0 (default) is greedy, above 0 samples (seeded)')
    .option('--seed <n>', 'with --generate and a temperature: the sampling seed (default 0)')
    .addHelpText(
      'after',
      `
Examples:
  $ finesweep predict models/spam emails.jsonl
  $ finesweep predict models/spam emails.csv --text-field body --format csv > predictions.csv
  $ echo '{"text": "WIN a FREE prize now"}' | finesweep predict models/spam -
  $ finesweep predict models/domain --text "The court held that" --generate 20
`,
    )
    .action(async (modelDir: string, input: string | undefined, flags: PredictFlags) => {
      const lines: string[] = [];
      await predictCommand(modelDir, input, flags, (line) => lines.push(line));
      process.stdout.write(lines.length ? `${lines.join('\n')}\n` : '');
    });
}
