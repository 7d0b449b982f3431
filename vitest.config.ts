import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Training tests are CPU-bound; two forks match the 2-core machines this runs on.
    pool: 'forks',
    maxWorkers: 2,
  },
});
