// A small valid spec that each test bends in one place.
export function validSpec(): Record<string, any> {
  return {
    name: 'tiny',
    seed: 1,
    task: { type: 'classification', model: '../models/base', data: { train: 'data/spam.jsonl' } },
    strategy: { type: 'grid' },
    parameters: {
      learning_rate: { values: [1e-4, 1e-3] },
      batch_size: { value: 16 },
      epochs: { values: [1, 2] },
    },
  };
}

/** The same spec switched to random search with `trials` draws. */
export function randomSpec(trials = 4): Record<string, any> {
  const s = validSpec();
  s.strategy = { type: 'random', trials };
  s.parameters.learning_rate = { distribution: 'log_uniform', min: 1e-5, max: 1e-2 };
  return s;
}
