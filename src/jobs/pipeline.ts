import { Build, runBuild, type BuildSummary } from './build.js';
import { emptyCollectSummary, runCollect, type CollectSummary } from './collect.js';
import type { JobContext } from './context.js';
import { acquireJobLock, withJobLock } from './lock.js';
import { AppError } from '../errors.js';
import type { LockHandle } from '../store/store.js';

export interface PipelineOptions {
  /** How long to wait for a collect or build running in another process. */
  lockWaitMs: number;
  /** Build even when the collect changed nothing (a manual run always does). */
  alwaysBuild: boolean;
}

export interface PipelineSummary {
  collect: CollectSummary;
  /** Why collecting was skipped, when it was (another process was collecting). */
  collectSkipped?: string;
  build?: BuildSummary;
}

/**
 * Collect, then build. When the build lock is free as the collect starts, it is held from then on
 * and the pages of each saved batch are written during the collect (see Build). When another
 * process holds the collect lock past the wait (a running service mid-collect), the build still
 * runs on the archive as it is, so a manual run works beside `zhoukan start`.
 */
export async function runCollectAndBuild(context: JobContext, options: PipelineOptions): Promise<PipelineSummary> {
  let collect = emptyCollectSummary();
  let collectSkipped: string | undefined;
  let collectLock: LockHandle | undefined;
  try {
    collectLock = await acquireJobLock('collect', context, { waitMs: options.lockWaitMs });
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'LOCKED') throw error;
    collectSkipped = error.message;
    context.log.warn(`${error.message}; building from the archive as it is`);
  }
  // Taken only after the collect lock (every process takes them in that order), and only if free.
  const buildLock = collectLock ? await context.store.tryLock('build', context.now) : undefined;
  try {
    const build = buildLock ? await Build.start(context) : undefined;
    if (collectLock) {
      try {
        collect = await runCollect(context, build ? { onSaved: (results) => build.writeSaved(results) } : {});
      } finally {
        await collectLock.release();
      }
    }
    if (context.signal?.aborted) return { collect, ...(collectSkipped ? { collectSkipped } : {}) };
    const changed = collect.new + collect.updated > 0;
    if (!changed && !options.alwaysBuild) return { collect };
    const summary = build ? await build.finish() : await withJobLock('build', context, { waitMs: options.lockWaitMs }, () => runBuild(context));
    return { collect, ...(collectSkipped ? { collectSkipped } : {}), build: summary };
  } finally {
    await buildLock?.release();
  }
}
