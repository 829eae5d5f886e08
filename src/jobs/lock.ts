import { AppError } from '../errors.js';
import type { LockHandle } from '../store/store.js';
import type { JobContext } from './context.js';

export interface LockOptions {
  /** How long to wait for another process's job of the same kind to finish. */
  waitMs: number;
  pollMs?: number;
}

/**
 * Runs `job` holding the archive's lock for its kind: jobs of one kind never overlap on one archive,
 * whichever process runs them. When the lock stays taken for `waitMs`, fails with a clear message.
 */
export async function withJobLock<T>(
  kind: string,
  context: Pick<JobContext, 'store' | 'now' | 'signal'>,
  options: LockOptions,
  job: () => Promise<T>,
): Promise<T> {
  const lock = await acquireJobLock(kind, context, options);
  try {
    return await job();
  } finally {
    await lock.release();
  }
}

/** Takes the archive's lock for a job kind, waiting up to `waitMs`; the caller releases it. */
export async function acquireJobLock(kind: string, context: Pick<JobContext, 'store' | 'now' | 'signal'>, options: LockOptions): Promise<LockHandle> {
  const { store } = context;
  const deadline = Date.now() + options.waitMs;
  let lock = await store.tryLock(kind, context.now);
  while (!lock && Date.now() < deadline && !context.signal?.aborted) {
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 250));
    lock = await store.tryLock(kind, context.now);
  }
  if (!lock) {
    const holder = await store.lockHolder(kind);
    const who = holder ? `process ${holder.pid} on ${holder.host}, since ${holder.since.toISOString()}` : 'another process';
    throw new AppError('LOCKED', `another ${kind} is running on ${store.path} (${who}); try again when it has finished`);
  }
  return lock;
}
