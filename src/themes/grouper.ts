import type { Theme, ThemeInput } from '../model.js';
import type { Log } from '../util/log.js';
import { compiledWorkerScript, createWorkerPool } from '../util/worker-pool.js';
import type { GroupOptions } from './group.js';

// Where articles are grouped by theme: in this thread, or in a thread of its own started with the
// command. Loading jieba's dictionary and IDF table takes 0.3 s of one core; started first, the
// thread does it while the main thread lists and reads the folders, and a rerun with one new post
// then waits for none of it (both cores are there to be used).

export interface ThemeGrouper {
  group(articles: readonly ThemeInput[], options: GroupOptions): Promise<Theme[]>;
  /**
   * Gives the memory and the cores back for now (a large collection runs its own workers); the
   * next `group` starts loading again.
   */
  standDown(): void;
  close(): Promise<void>;
}

/** Groups in this thread, loading jieba on first use. */
export const groupInThisThread: ThemeGrouper = {
  async group(articles, options) {
    const { groupByTheme } = await import('./group.js');
    return groupByTheme(articles, options);
  },
  standDown() {},
  async close() {},
};

/** Run from the TypeScript sources (the tests), there is none: grouping runs in this thread. */
const WORKER_SCRIPT = compiledWorkerScript(import.meta.url, 'group-worker.js');

/**
 * A grouper on a thread of its own, which starts loading at once. If the thread fails, grouping
 * falls back to this thread: a theme is never worth a failed run.
 */
export function startThemeThread(log: Pick<Log, 'warn'>): ThemeGrouper {
  const script = WORKER_SCRIPT;
  if (!script) return groupInThisThread;
  type Pool = ReturnType<typeof createWorkerPool<{ articles: readonly ThemeInput[]; options: GroupOptions }, Theme[]>>;
  const start = (): Pool => createWorkerPool(script, { size: 1 });
  let pool: Pool | undefined = start();
  const stopping: Promise<void>[] = [];
  let closing = false;
  const standDown = () => {
    if (pool) stopping.push(pool.close());
    pool = undefined;
  };
  return {
    group(articles, options) {
      pool ??= start();
      return pool.run({ articles, options }).catch((error: unknown) => {
        if (closing) throw error;
        log.warn(`the theme thread failed (${error instanceof Error ? error.message : String(error)}); grouping in the main thread`);
        return groupInThisThread.group(articles, options);
      });
    },
    standDown,
    async close() {
      closing = true;
      standDown();
      await Promise.all(stopping);
    },
  };
}
