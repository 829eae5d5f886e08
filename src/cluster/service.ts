import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config, FeedSource } from '../config.js';
import { describeBuild, describeCollect, describeDigest } from '../cli/summary.js';
import { AppError, describeError } from '../errors.js';
import { runBuild } from '../jobs/build.js';
import { emptyCollectSummary, FEED_CONCURRENCY, PER_HOST_CONCURRENCY, runCollect, type CollectSummary } from '../jobs/collect.js';
import type { JobContext } from '../jobs/context.js';
import { createDeliverer, emptyDigestSummary, recordDigest, runDigest, type Deliverer } from '../jobs/digest.js';
import { withJobLock } from '../jobs/lock.js';
import { expirePendingSignups } from '../jobs/subscription.js';
import { startScheduler } from '../scheduler.js';
import type { ServiceContext } from '../service.js';
import { waitForAbort } from '../util/abort.js';
import { feedLanes } from './lanes.js';
import { openJobQueue, stableJobId, type JobQueue } from './queue.js';

// `zhoukan start` on a PostgreSQL archive: every instance pointed at the database takes a share of
// the work from one job queue, so N instances divide it instead of repeating it.
//   - collect (scheduled, once per tick whichever instance's clock gets there first): the remote
//     feeds split into lanes, at most PER_HOST_CONCURRENCY per host, each lane a job that any
//     instance takes; when every lane is done, one build is asked for.
//   - the folders of the configuration that exist on this machine: collected here, on the same
//     schedule, under a lock in the archive so a folder shared by several machines is read by one.
//   - build: taken only by instances with cluster.build, one at a time (the archive's build lock),
//     with at most one more waiting.
//   - digest (scheduled in the configured time zone): chosen and recorded by one instance, each
//     delivery then its own job with an id made from the digest and the reader, so it is queued once.
// A job whose instance dies is taken again by another after cluster.takeoverSeconds.

interface LaneJob {
  round: string;
  host: string;
  feeds: FeedSource[];
}

interface DeliverJob {
  digestId: string;
  recipient: string;
}

/** Jobs that may run long (a round waits for its lanes; a build or digest of a large archive). */
const LONG_JOB_SECONDS = 3600;
/** How often a round looks whether its lanes are done. */
const ROUND_POLL_MS = 250;
/** A round started this recently makes a starting instance leave it be (several started together). */
const STARTUP_ROUND_GAP_MS = 60_000;
const LAST_ROUND = 'cluster.lastRound';

export async function runClusterService(service: ServiceContext, url: string, serve: () => Promise<{ url: string; close(): Promise<void> }>): Promise<number> {
  const { config, log, store } = service;
  checkSchedules(config);
  const queue = await openJobQueue(url, log, { maintenanceSeconds: Math.max(1, Math.floor(config.cluster.takeoverSeconds / 4)) });
  // A send's connect, greeting and each read are limited so that the three fit well within the
  // takeover time: a job is never taken from an instance still sending it.
  const sendTimeoutMs = Math.min(30_000, (config.cluster.takeoverSeconds * 1000) / 4);
  const deliverer = config.smtp ? createDeliverer(() => service.jobContext(), config.smtp, { timeoutMs: sendTimeoutMs }) : undefined;
  const server = await serve();
  const takeover = config.cluster.takeoverSeconds;
  const requestBuild = () => queue.send('zhoukan-build', {}, { expireInSeconds: LONG_JOB_SECONDS, retryLimit: 2 });

  queue.consume<object>('zhoukan-collect', { concurrency: 1 }, async (job) => {
    const context = service.jobContext();
    await store.setMeta(LAST_ROUND, String(Date.now()));
    await expirePendingSignups({ config, store, log, now: context.now });
    const lanes = feedLanes(config.feeds, PER_HOST_CONCURRENCY).map((lane, index) => ({
      id: stableJobId(job.id, lane.host, String(index)),
      data: { round: job.id, host: lane.host, feeds: lane.feeds } satisfies LaneJob,
      expireInSeconds: takeover + laneSeconds(lane.feeds.length, config),
      retryLimit: 2,
    }));
    await queue.insert('zhoukan-feeds', lanes);
    // The lanes are looked at in order, each until it is done: one query a look, however many lanes.
    const outputs: CollectSummary[] = [];
    let done = 0;
    while (done < lanes.length && !service.signal.aborted) {
      const lane = await queue.progress<CollectSummary>('zhoukan-feeds', [lanes[done]?.id as string]);
      if (lane.unfinished > 0) {
        await sleep(ROUND_POLL_MS);
        continue;
      }
      outputs.push(...lane.outputs);
      done += 1;
    }
    // Failed, the round is taken up by another instance, which waits for the same lanes.
    if (done < lanes.length) throw new AppError('STOPPED', `collect round ${job.id}: stopping before its lanes were done`);
    const total = outputs.reduce(addSummaries, emptyCollectSummary());
    const failedLanes = lanes.length - outputs.length;
    const failed = failedLanes > 0 ? ` (${failedLanes} lanes failed; see the instances' logs)` : '';
    log.info(`${new Date().toISOString()} collect round ${job.id}: ${lanes.length} lanes of ${config.feeds.length} feeds done${failed}; ${describeCollect(total)}`);
    await requestBuild();
  });

  queue.consume<LaneJob, CollectSummary>('zhoukan-feeds', { concurrency: FEED_CONCURRENCY }, async (job) => {
    const summary = await runCollect(service.jobContext(), { folders: [], feeds: job.data.feeds, perHost: 1 });
    // Stopped midway: the lane is tried again, by this instance or another (a feed already done answers 304).
    if (service.signal.aborted) throw new AppError('STOPPED', `lane of ${job.data.host}: stopping before its feeds were done`);
    log.info(`${new Date().toISOString()} lane of ${job.data.host}, ${job.data.feeds.length} feeds: ${describeCollect(summary)}`);
    return summary;
  });

  if (config.cluster.build) {
    queue.consume<object>('zhoukan-build', { concurrency: 1 }, async () => {
      const context = service.jobContext();
      const summary = await withJobLock('build', context, { waitMs: LONG_JOB_SECONDS * 1000 }, () => runBuild(context));
      log.info(`${new Date().toISOString()} ${describeBuild(summary, config)}`);
    });
  }

  queue.consume<object>('zhoukan-digest', { concurrency: 1 }, async (job) => {
    const context = service.jobContext();
    await withJobLock('digest', context, { waitMs: config.lockWaitSeconds * 1000 }, () => chooseDigest(job.id, context, queue, deliverer));
  });

  if (deliverer) {
    const smtp = config.smtp as NonNullable<Config['smtp']>;
    queue.consume<DeliverJob>('zhoukan-deliver', { concurrency: smtp.connections }, async (job) => {
      const outcome = await deliverer.deliver(job.data.digestId, job.data.recipient);
      // Thrown, the job is tried again later by the queue (with a growing delay).
      if (outcome === 'deferred') throw new AppError('MAIL_SEND', `${job.data.digestId}: ${job.data.recipient}: deferred by the server`);
    });
  }

  await queue.schedule('zhoukan-collect', config.schedule.collect, config.timeZone, { expireInSeconds: LONG_JOB_SECONDS, retryLimit: 1 });
  await queue.schedule('zhoukan-digest', config.schedule.digest, config.timeZone, { expireInSeconds: LONG_JOB_SECONDS, retryLimit: 2 });

  // This machine's folders, on the collect schedule; then a first round and a build, unless
  // another instance just started one.
  const localFolders = config.sources.filter((source) => existsSync(source.path));
  for (const source of config.sources) {
    if (!localFolders.includes(source)) log.info(`${source.path} is not on this machine; the instances that have it collect it`);
  }
  const collectFolders = async () => {
    if (localFolders.length === 0) return;
    const context = service.jobContext();
    // The lock a collect run by hand takes too: one reading of the folders at a time.
    const lock = await store.tryLock('collect', context.now);
    if (!lock) return;
    try {
      const summary = await runCollect(context, { folders: localFolders, feeds: [] });
      logCollect(summary, log);
      if (summary.new + summary.updated + summary.deleted > 0) await requestBuild();
    } finally {
      await lock.release();
    }
  };
  await collectFolders().catch((error: unknown) => log.error(`collecting the folders failed: ${describeError(error)}`));
  await startRound(service, queue).catch((error: unknown) => log.error(`starting a collect round failed: ${describeError(error)}`));
  await requestBuild();
  const scheduler = startScheduler([{ name: 'collect folders', cron: config.schedule.collect, run: collectFolders }], { timeZone: config.timeZone, log });

  const roles = [config.cluster.build ? 'builds' : 'does not build', deliverer ? 'sends' : 'writes the digest to the outbox'];
  service.print(`serving ${config.output} at ${server.url}; sharing the jobs of ${store.path} (this instance ${roles.join(' and ')}); collect "${config.schedule.collect}", digest "${config.schedule.digest}" (${config.timeZone})`);
  await waitForAbort(service.signal);
  log.info('stopping: finishing the running jobs');
  await scheduler.stop();
  await queue.stop();
  await server.close();
  deliverer?.close();
  return 0;
}

/**
 * Records the digest and queues a job per open delivery (this digest's, and any an earlier run
 * left). The ids come from this job and the delivery: a retry of this job queues nothing twice.
 */
async function chooseDigest(jobId: string, context: JobContext, queue: JobQueue, deliverer: Deliverer | undefined): Promise<void> {
  const { config, store, log } = context;
  if (!deliverer) {
    log.info(`${new Date().toISOString()} ${describeDigest(await runDigest(context), config)}`);
    return;
  }
  const summary = emptyDigestSummary();
  await recordDigest(context, { send: true }, summary);
  const open = await store.digests.openDeliveries();
  const smtp = config.smtp as NonNullable<Config['smtp']>;
  await queue.insert(
    'zhoukan-deliver',
    open.map((delivery) => ({
      id: stableJobId(jobId, delivery.digestId, delivery.recipient),
      data: { digestId: delivery.digestId, recipient: delivery.recipient } satisfies DeliverJob,
      expireInSeconds: config.cluster.takeoverSeconds,
      // The queue makes the retries that sendWithRetry makes in a single run, and one more for a takeover.
      retryLimit: smtp.attempts,
      retryDelaySeconds: Math.max(1, smtp.retryDelaySeconds),
    })),
  );
  const chosen = summary.digestId ? `${summary.digestId}: ${summary.articles} articles in ${summary.themes} themes; ` : '';
  log.info(`${new Date().toISOString()} digest: ${chosen}${open.length} deliveries queued`);
}

/** A first round when this instance starts, unless one began in the last minute (instances started together). */
async function startRound(service: ServiceContext, queue: JobQueue): Promise<void> {
  const { store } = service;
  const lock = await store.tryLock('collect-round', new Date());
  if (!lock) return;
  try {
    const last = Number((await store.getMeta(LAST_ROUND)) ?? 0);
    if (Date.now() - last < STARTUP_ROUND_GAP_MS) return;
    await store.setMeta(LAST_ROUND, String(Date.now()));
    await queue.send('zhoukan-collect', {}, { expireInSeconds: LONG_JOB_SECONDS, retryLimit: 1 });
  } finally {
    await lock.release();
  }
}

/** pg-boss runs schedules by the minute: a seconds field would fire once a minute at most. */
function checkSchedules(config: Readonly<Config>): void {
  for (const [name, cron] of Object.entries(config.schedule)) {
    if (cron.trim().split(/\s+/u).length !== 5) {
      throw new AppError('CONFIG_INVALID', `schedule.${name}: "${cron}" has a seconds field; with a PostgreSQL archive, schedules run by the minute (five fields, e.g. "*/30 * * * *")`);
    }
  }
}

/** The longest a lane of `feeds` feeds may take, fetched one after the other. */
function laneSeconds(feeds: number, config: Readonly<Config>): number {
  return feeds * (config.fetch.connectTimeoutSeconds + config.fetch.timeoutSeconds);
}

function logCollect(summary: CollectSummary, log: ServiceContext['log']): void {
  if (summary.new + summary.updated + summary.failedSources.length > 0) log.info(`${new Date().toISOString()} ${describeCollect(summary)}`);
}

/** Two lanes' summaries as one. */
function addSummaries(total: CollectSummary, lane: CollectSummary): CollectSummary {
  return {
    new: total.new + lane.new,
    updated: total.updated + lane.updated,
    unchanged: total.unchanged + lane.unchanged,
    duplicates: total.duplicates + lane.duplicates,
    skipped: total.skipped + lane.skipped,
    deleted: total.deleted + lane.deleted,
    notModified: total.notModified + lane.notModified,
    backingOff: total.backingOff + lane.backingOff,
    failedSources: [...total.failedSources, ...lane.failedSources],
  };
}
