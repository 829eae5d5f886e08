import type { Config } from './config.js';
import { describeError } from './errors.js';
import { describeBuild, describeCollect, describeDigest } from './cli/summary.js';
import type { JobContext } from './jobs/context.js';
import { runDigest } from './jobs/digest.js';
import { withJobLock } from './jobs/lock.js';
import { runCollectAndBuild } from './jobs/pipeline.js';
import { startScheduler } from './scheduler.js';
import { startServer } from './server/server.js';
import { serverRoutes } from './server/routes.js';
import { createSubscriptionMailer, expirePendingSignups } from './jobs/subscription.js';
import { archiveLocation } from './store/location.js';
import { archiveFault } from './store/open.js';
import type { Store } from './store/store.js';
import { waitForAbort } from './util/abort.js';
import type { Log } from './util/log.js';

// `zhoukan start`: the output brought up to date at once, then a collect on schedule (rebuilding
// when something changed), the weekly digest, and the server for output/ with its routes, until
// the signal. The command line only hands it what it opened. On a PostgreSQL archive the jobs go
// through the queue the instances share instead (cluster/service.ts).

export interface ServiceContext {
  config: Readonly<Config>;
  store: Store;
  log: Log;
  /** Stops the service: the running job finishes first. */
  signal: AbortSignal;
  /** A fresh job context (its `now` is the time of the job). */
  jobContext(): JobContext;
  /** Tells the operator where the service is and when its jobs run next. */
  print(line: string): void;
}

/** Runs until the signal; 0, or 1 when the archive turned out damaged. */
export async function runService(service: ServiceContext): Promise<number> {
  const { config, log, store } = service;
  // A damaged archive stops the service: every job would fail on it, and writing to it can spread
  // the damage. A full disk or an I/O error is reported and the next scheduled run tries again.
  const damaged = new AbortController();
  const reportingFaults = (job: () => Promise<void>) => async () => {
    try {
      await job();
    } catch (error) {
      const fault = archiveFault(error, archiveLocation(config));
      if (!fault) throw error;
      if (fault.code === 'STORE_DAMAGED') damaged.abort();
      throw fault;
    }
  };
  // output/ and the signup routes, in every instance.
  const serve = async () => {
    const mailer = createSubscriptionMailer(config, log);
    const routes = { ...serverRoutes({ config, store, log, mail: mailer.send }) };
    const server = await startServer({ root: config.output, host: config.server.host, port: config.server.port, log, routes });
    return {
      url: server.url,
      async close() {
        await server.close();
        mailer.close();
      },
    };
  };
  if (config.database) {
    const { runClusterService } = await import('./cluster/service.js');
    return runClusterService(service, config.database.url, serve);
  }
  const server = await serve();
  const collectAndBuild = async (alwaysBuild: boolean) => {
    await expirePendingSignups({ config, store, log, now: new Date() });
    const summary = await runCollectAndBuild(service.jobContext(), { lockWaitMs: 0, alwaysBuild });
    const parts = [describeCollect(summary.collect)];
    if (summary.build) parts.push(describeBuild(summary.build, config));
    log.info(`${new Date().toISOString()} ${parts.join('; ')}`);
  };
  const weeklyDigest = reportingFaults(async () => {
    await collectAndBuild(false);
    const context = service.jobContext();
    const summary = await withJobLock('digest', context, { waitMs: config.lockWaitSeconds * 1000 }, () => runDigest(context));
    log.info(`${new Date().toISOString()} ${describeDigest(summary, config)}`);
  });
  // Bring the output up to date at once, then keep it so.
  await reportingFaults(() => collectAndBuild(true))().catch((error: unknown) => log.error(`collect failed: ${describeError(error)}`));
  if (damaged.signal.aborted) {
    await server.close();
    return 1;
  }
  const scheduler = startScheduler(
    [
      { name: 'collect', cron: config.schedule.collect, run: reportingFaults(() => collectAndBuild(false)) },
      { name: 'digest', cron: config.schedule.digest, run: weeklyDigest },
    ],
    { timeZone: config.timeZone, log },
  );
  const next = scheduler.nextRuns().map(({ name, next }) => `${name} next at ${next?.toISOString() ?? 'never'}`);
  service.print(`serving ${config.output} at ${server.url}; ${next.join(', ')} (${config.timeZone})`);
  await waitForAbort(AbortSignal.any([service.signal, damaged.signal]));
  log.info(damaged.signal.aborted ? 'stopping: the archive is damaged' : 'stopping: finishing the running job');
  await scheduler.stop();
  await server.close();
  return damaged.signal.aborted ? 1 : 0;
}
