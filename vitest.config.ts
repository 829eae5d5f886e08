import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/** Test files that replace a module with vi.mock: they need a module graph of their own. */
const MOCKING = ['test/jobs/folder-items.test.ts'];

export default defineConfig({
  test: {
    // A guard against hangs, not a speed limit: the longest tests (the site crawl, a digest of
    // 2,000 posts after a crash, validate-feeds over every theme feed) take 7-30 s here and went
    // past 60 s when the shared machine was loaded (load average 15-22).
    testTimeout: 180_000,
    hookTimeout: 180_000,
    globalSetup: ['test/support/skip-report.ts'],
    // Most of the suite waits on child processes, browsers and sockets: two files at a time even
    // on two cores (vitest's default there is one).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      {
        extends: true,
        // Files share a worker's module graph: importing the parsers, jieba and the themes once per
        // worker instead of once per file halves the unit tests' CPU time (47 → 20 CPU-s). Every
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
