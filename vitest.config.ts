import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/** Test files that replace a module with vi.mock: they need a module graph of their own. */
const MOCKING = ['test/jobs/folder-items.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    globalSetup: ['test/support/skip-report.ts'],
    // Most of the suite waits on child processes, browsers and sockets: two files at a time even
    // on two cores (vitest's default there is one).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      {
        extends: true,
        // Files share a worker's module graph: importing the parsers, jieba and the themes once per
        // worker instead of once per file takes two thirds off the unit tests' CPU time. Every
        // worker is a process of its own (forks), so a test that sets process.env affects no other.
        test: { name: 'shared', include: ['test/**/*.test.ts'], exclude: MOCKING, pool: 'forks', isolate: false },
      },
      {
        extends: true,
        test: { name: 'isolated', include: MOCKING, pool: 'forks', isolate: true },
      },
    ],
  },
});
