// The layering rules of src/ (README, "Architecture"), checked by tests/architecture.test.ts:
// a forbidden import fails `npm test`. Each rule names the folders it keeps apart and why.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'No module imports itself back through others at run time (pool.ts <-> child-runner.ts was one); a cycle closed only by type imports loads nothing twice.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'trial-is-the-ground-floor',
      comment: 'src/trial/ (the domain: params, metrics, events, results, objective, states) imports nothing of the project.',
      severity: 'error',
      from: { path: '^src/trial/' },
      to: { path: '^src/', pathNot: '^src/trial/' },
    },
    {
      name: 'only-tfjs-and-cli-use-the-engine',
      comment: 'src/engine/ is the TensorFlow.js library: only the tfjs trainer, the train/pretrain commands and the library\'s fineTune (src/study/fine-tune.ts) use it.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(engine|trainers/tfjs|cli|data)/|^src/study/fine-tune\\.ts$' },
      to: { path: '^src/engine/' },
    },
    {
      name: 'the-data-check-shares-only-the-engine-data-rules',
      comment: 'finesweep data judges a dataset by the same normalisation the engine trains with (src/engine/data/, no tfjs): nothing else of the engine.',
      severity: 'error',
      from: { path: '^src/data/' },
      to: { path: '^src/engine/', pathNot: '^src/engine/data/' },
    },
    {
      name: 'the-engine-knows-no-sweep',
      comment: 'The engine is a library: it knows trials (src/trial/) and errors, nothing of sweeps, stores or trainers.',
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { path: '^src/', pathNot: '^src/(engine|trial)/|^src/(errors|rng|atomic-write)\\.ts$' },
    },
    {
      name: 'trainers-know-no-sweep',
      comment: 'A trainer turns a task and one trial into a result: it never reads the sweep, the store, the pool or the reporter.',
      severity: 'error',
      from: { path: '^src/trainers/' },
      to: { path: '^src/(sweep|store|pool|report|cli|schedule)/' },
    },
    {
      name: 'search-and-schedule-are-pure',
      comment: 'Samplers and schedulers decide from numbers: no store, no trainer, no pool, no spec (the spec -> search -> schedule -> spec loop).',
      severity: 'error',
      from: { path: '^src/(search|schedule)/' },
      to: { path: '^src/(store|trainers|engine|pool|sweep|report|cli|spec)/' },
    },
    {
      name: 'the-pool-knows-trainers-only-by-url',
      comment: 'The pool runs jobs by trainer module URL (trainers/registry.ts): no trainer, engine, spec, store or sweep.',
      severity: 'error',
      from: { path: '^src/pool/' },
      to: { path: '^src/(engine|trainers/(?!registry\\.ts$|trainer\\.ts$)|spec|store|sweep|report|cli|search|schedule)' },
    },
    {
      name: 'the-sweep-knows-no-trainer',
      comment: 'The controller reaches trainers through the registry and the port, never one trainer directly.',
      severity: 'error',
      from: { path: '^src/sweep/' },
      to: { path: '^src/(engine|report|cli)/|^src/trainers/(?!registry\\.ts$|trainer\\.ts$)' },
    },
    {
      name: 'the-store-records-only',
      comment: 'The store records events and files: it knows the domain, not who produced them.',
      severity: 'error',
      from: { path: '^src/store/' },
      to: { path: '^src/(sweep|pool|trainers|engine|report|cli|search|schedule|spec)/' },
    },
    {
      name: 'the-reporter-reads-the-store',
      comment: 'The reporter reads what the store recorded (and the spec): no sweep, pool, trainer or engine.',
      severity: 'error',
      from: { path: '^src/report/' },
      to: { path: '^src/(sweep|pool|trainers|engine|cli|schedule)/' },
    },
    {
      name: 'only-the-cli-is-on-top',
      comment: 'Nothing below the CLI imports it.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'product-code-only-in-src',
      comment: 'The product never imports tests or benchmarks (the synthetic trainers live there).',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(tests|bench|scripts)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs'] },
  },
};
