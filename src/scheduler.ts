import cron, { type ScheduledTask } from 'node-cron';
import { AppError, describeError } from './errors.js';
import type { Log } from './util/log.js';

// Runs jobs on cron schedules in the configured time zone. The only importer of node-cron.
// A job never overlaps itself in this process (noOverlap); across processes the archive's job
// locks keep jobs of one kind apart.

export interface ScheduledJob {
  name: string;
  /** Cron expression, read in the scheduler's time zone. */
  cron: string;
  run(): Promise<void>;
}

export interface Scheduler {
  /** Stops scheduling and waits for running jobs to finish. */
  stop(): Promise<void>;
  /** When each job runs next. */
  nextRuns(): { name: string; next: Date | null }[];
}

export function startScheduler(jobs: ScheduledJob[], options: { timeZone: string; log: Log }): Scheduler {
  const { log } = options;
  for (const job of jobs) {
    if (!cron.validate(job.cron)) {
      throw new AppError('CONFIG_INVALID', `schedule for ${job.name}: "${job.cron}" is not a valid cron expression`);
    }
  }
  const running = new Set<Promise<void>>();
  const tasks: { name: string; task: ScheduledTask }[] = jobs.map((job) => {
    const task = cron.schedule(
      job.cron,
      async () => {
        const run = job.run().catch((error: unknown) => log.error(`${job.name} failed: ${describeError(error)}`));
        running.add(run);
        try {
          await run;
        } finally {
          running.delete(run);
        }
      },
      { timezone: options.timeZone, name: job.name, noOverlap: true },
    );
    task.on('execution:overlap', () => log.info(`${job.name}: the previous run is still going; skipping this one`));
    return { name: job.name, task };
  });
  return {
    async stop() {
      await Promise.all(tasks.map(({ task }) => task.stop()));
      await Promise.all(running);
      await Promise.all(tasks.map(({ task }) => task.destroy()));
    },
    nextRuns() {
      return tasks.map(({ name, task }) => ({ name, next: task.getNextRun() }));
    },
  };
}
