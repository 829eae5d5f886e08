import { createHash } from 'node:crypto';
import PgBoss from 'pg-boss';
import { describeError } from '../errors.js';
import type { Log } from '../util/log.js';

// The job queue that instances on one PostgreSQL archive share: pg-boss, in its own schema of the
// archive's database. The only importer of pg-boss. Jobs are taken with SKIP LOCKED, so each is
// run by one instance; a job whose instance stopped answering expires and is taken by another.

/** The schema of pg-boss's tables, apart from the archive's. */
const SCHEMA = 'zhoukan_jobs';
/** How often an idle consumer asks for work (pg-boss's floor is 0.5 s). */
const POLL_MS = 500;

export type QueueName = 'zhoukan-collect' | 'zhoukan-feeds' | 'zhoukan-build' | 'zhoukan-digest' | 'zhoukan-deliver';

export interface QueueJob<T> {
  id: string;
  data: T;
}

export interface NewJob<T> {
  /** The same id twice is one job: senders that may repeat themselves (a retried job) give one. */
  id?: string;
  data: T;
  /** How long an instance may hold the job before it counts as dead and another takes it. */
  expireInSeconds: number;
  /** Further tries after a failure or an expiry. */
  retryLimit: number;
  retryDelaySeconds?: number;
}

export interface JobQueue {
  /** Adds jobs; those whose id is already queued are left as they are. */
  insert<T extends object>(queue: QueueName, jobs: NewJob<T>[]): Promise<void>;
  /** Sends one job; on a queue that holds one waiting job at most (build), a second is dropped. */
  send<T extends object>(queue: QueueName, data: T, options: { expireInSeconds: number; retryLimit: number }): Promise<void>;
  /** Runs `cron` (five fields, minutes) in `timeZone` on whichever instance's clock gets there first: once per tick. */
  schedule(queue: QueueName, cron: string, timeZone: string, options: { expireInSeconds: number; retryLimit: number }): Promise<void>;
  /** How many of the jobs `ids` are still to run, and what the completed ones returned. */
  progress<R>(queue: QueueName, ids: readonly string[]): Promise<{ unfinished: number; outputs: R[] }>;
  /**
   * Takes jobs of `queue` as long as the queue runs, `concurrency` at once, each completed (with
   * what the handler returns) or failed by itself (a failed job is retried by the queue's rules).
   */
  consume<T, R extends object | void = void>(queue: QueueName, options: { concurrency: number }, handler: (job: QueueJob<T>) => Promise<R>): void;
  /** Stops taking jobs, waits for the running ones, and closes the connections. */
  stop(): Promise<void>;
}

/**
 * Deliveries the instances of this archive have queued and not finished (0 when no instance ever
 * ran on it): a digest run by hand leaves those to them rather than send them a second time.
 */
export async function unfinishedDeliveries(url: string): Promise<number> {
  const boss = new PgBoss({ connectionString: url, schema: SCHEMA, application_name: 'zhoukan', max: 1, migrate: false, supervise: false, schedule: false });
  boss.on('error', () => undefined);
  try {
    await boss.start();
  } catch {
    // No queue in this database: no instance has run on it.
    return 0;
  }
  try {
    return await boss.getQueueSize('zhoukan-deliver', { before: 'completed' });
  } finally {
    await boss.stop({ graceful: false, wait: true });
  }
}

/** A job id (a UUID, as pg-boss wants) that the same parts always give. */
export function stableJobId(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\n')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export interface QueueOptions {
  /** How often expired jobs (those of a dead instance) are looked for and handed back. */
  maintenanceSeconds: number;
}

/**
 * Creates a queue unless it exists. Instances starting together race to create the same tables
 * (PostgreSQL may answer one with a deadlock): the loser looks again.
 */
async function createQueue(boss: PgBoss, name: QueueName, policy: 'standard' | 'short'): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    if (await boss.getQueue(name)) return;
    try {
      await boss.createQueue(name, { name, policy });
      return;
    } catch (error) {
      if (attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 400));
    }
  }
}

/** Connects to the archive's database, creates the queue's tables if needed, and starts. */
export async function openJobQueue(url: string, log: Log, options: QueueOptions): Promise<JobQueue> {
  const boss = new PgBoss({
    connectionString: url,
    schema: SCHEMA,
    application_name: 'zhoukan-jobs',
    max: 4,
    maintenanceIntervalSeconds: options.maintenanceSeconds,
    monitorStateIntervalSeconds: 3600,
  });
  boss.on('error', (error) => log.warn(`job queue: ${describeError(error)}`));
  await boss.start();
  for (const name of ['zhoukan-collect', 'zhoukan-feeds', 'zhoukan-digest', 'zhoukan-deliver'] as const) await createQueue(boss, name, 'standard');
  // The build queue keeps one waiting build at most: changes while one waits are in that one.
  await createQueue(boss, 'zhoukan-build', 'short');

  let stopping = false;
  const consumers: Promise<void>[] = [];
  const wake = new Set<() => void>();
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake.delete(done);
        resolve();
      }
      wake.add(done);
    });

  return {
    async insert(queue, jobs) {
      if (jobs.length === 0) return;
      await boss.insert(
        jobs.map((job) => ({
          name: queue,
          data: job.data,
          ...(job.id ? { id: job.id } : {}),
          expireInSeconds: job.expireInSeconds,
          retryLimit: job.retryLimit,
          ...(job.retryDelaySeconds ? { retryDelay: job.retryDelaySeconds, retryBackoff: true } : {}),
        })),
      );
    },
    async send(queue, data, sendOptions) {
      await boss.send(queue, data, sendOptions);
    },
    async schedule(queue, cron, timeZone, scheduleOptions) {
      await boss.schedule(queue, cron, {}, { tz: timeZone, ...scheduleOptions });
    },
    async progress<R>(queue: QueueName, ids: readonly string[]) {
      let unfinished = 0;
      const outputs: R[] = [];
      for (const id of ids) {
        const job = await boss.getJobById(queue, id, { includeArchive: true });
        if (job && (job.state === 'created' || job.state === 'retry' || job.state === 'active')) unfinished += 1;
        else if (job?.state === 'completed' && job.output) outputs.push(job.output as R);
      }
      return { unfinished, outputs };
    },
    consume(queue, consumeOptions, handler) {
      const running = new Set<Promise<void>>();
      const run = async (job: PgBoss.Job<unknown>) => {
        try {
          const output = await handler({ id: job.id, data: job.data as never });
          await boss.complete(queue, job.id, output ?? undefined);
        } catch (error) {
          log.warn(`${queue} job ${job.id}: ${describeError(error)}`);
          await boss.fail(queue, job.id, { message: describeError(error) }).catch(() => undefined);
        }
      };
      const loop = async () => {
        while (!stopping) {
          const free = consumeOptions.concurrency - running.size;
          const jobs = free > 0 ? await boss.fetch(queue, { batchSize: free }).catch(() => []) : [];
          for (const job of jobs ?? []) {
            const task = run(job).finally(() => {
              running.delete(task);
              for (const resume of wake) resume();
            });
            running.add(task);
          }
          // Full, or nothing to take: wait for a free slot or the next poll.
          if (!jobs?.length || running.size >= consumeOptions.concurrency) await pause(POLL_MS);
        }
        await Promise.all(running);
      };
      consumers.push(loop());
    },
    async stop() {
      stopping = true;
      for (const resume of wake) resume();
      await Promise.all(consumers);
      await boss.stop({ graceful: true, wait: true, timeout: 5000 });
    },
  };
}
