import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Tests spawn worker threads and child processes and open SQLite files; forks isolate native state.
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
  },
})
