#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Config } from './config.js';
import { AppError, describeError } from './errors.js';
import { describeBuild, describeCollect, describeDigest, plural } from './cli/summary.js';
import { runThemesCommand, THEMES_HELP } from './cli/themes.js';
import { SUBSCRIBERS_HELP } from './cli/subscribers-help.js';
import type { CollectSummary } from './jobs/collect.js';
import type { JobContext } from './jobs/context.js';
import { withJobLock } from './jobs/lock.js';
import type { DigestOptions } from './jobs/digest.js';
import type { ThemeGrouper } from './themes/grouper.js';
import { archiveLocation, sqliteLocation, type ArchiveLocation } from './store/location.js';
import { pgFault, redactUrl } from './store/pg-faults.js';
import type { Store } from './store/store.js';
import { waitForAbort } from './util/abort.js';
import { isEmailAddress } from './util/email.js';
import { createConsoleLog, escapeControls, type Log } from './util/log.js';
import { isoWeekRange, parseDate } from './util/time.js';

// The command line: runs one job once, or the service. The only place that sets the exit status.

const SHARED_OPTIONS = {
  config: { type: 'string' },
  source: { type: 'string', multiple: true },
  feed: { type: 'string', multiple: true },
  output: { type: 'string' },
  data: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  'dry-run': { type: 'boolean' },
  week: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  to: { type: 'string', multiple: true },
  'from-archive': { type: 'boolean' },
  themes: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const;

type ParsedOptions = ReturnType<typeof parseArgs<{ options: typeof SHARED_OPTIONS; strict: true; allowPositionals: false }>>['values'];

const SHARED_HELP = `Options:
  --config FILE   configuration file (default: ./zhoukan.config.json, optional)
  --source DIR    a folder of posts; repeat for more; replaces the configured folders for this run
  --feed URL      an RSS, Atom or JSON feed; repeat for more; replaces the configured feeds for this run
  --output DIR    where feeds and pages are written (default: output/)
  --data DIR      where the archive is kept (default: data/, the archive is data/zhoukan.db;
                  ZHOUKAN_DATABASE_URL=postgres://… keeps it on a PostgreSQL server instead)
  -q, --quiet     print only warnings, errors and the summary line
  -h, --help      show this help`;

const SERVER_HELP = `
  --host HOST     address to listen on (default: 127.0.0.1)
  --port PORT     port to listen on (default: 8080)`;

const DIGEST_HELP = `
  --dry-run       write the e-mail to data/outbox/ instead of sending it; nothing counts as sent
  --week 2022-W20 a digest of the articles published that ISO week (a preview or a backfill)
  --since DATE    a digest of the articles published from DATE (e.g. 2022-05-16 or 2022-05-16 08:00)
  --until DATE    ... up to DATE (exclusive)
  --to ADDR       send to ADDR instead of the configured recipients (repeatable); a preview that
                  leaves the articles for the next regular digest

Without SMTP settings (SMTP_URL, or smtp.host in the config) the e-mail is written to data/outbox/.`;

const MIGRATE_HELP = `
  --to URL        the empty PostgreSQL database to copy into, e.g. postgres://zhoukan@db.example.org/zhoukan
                  (give the password in PGPASSWORD: a URL on the command line is visible to other users)

The archive copied is data/zhoukan.db (see --data), whatever ZHOUKAN_DATABASE_URL says. Stop the
instances that write to it first; the copy is one transaction and every table's count is checked.`;

const BOUNCES_HELP = `DIR is a Maildir (new/, cur/) that receives the bounces of the digest's From address.
Each delivery status notification (RFC 3464) is read once: a permanent failure (5.x.x)
suppresses the address; a temporary one counts, and digest.softBounceLimit of them (3)
suppress it. A message read is moved to cur/ marked seen (:2,S), so a rerun skips it.`;

/** Options that only some commands take. */
const COMMAND_OPTIONS: Record<string, readonly (keyof typeof SHARED_OPTIONS)[]> = {
  serve: ['host', 'port'],
  start: ['host', 'port'],
  digest: ['dry-run', 'week', 'since', 'until', 'to'],
  themes: ['from-archive'],
  subscribers: ['themes'],
  migrate: ['to'],
};
const SPECIFIC_OPTIONS = new Set(Object.values(COMMAND_OPTIONS).flat());

interface Run {
  values: ParsedOptions;
  /** Words after the command's name (`themes` and `subscribers` take them). */
  positionals: string[];
  config: Readonly<Config>;
  log: Log;
  store: Store;
  signal: AbortSignal;
}

interface Command {
  summary: string;
  usage: string;
  extraHelp?: string;
  /** Checks the options against the configuration before any work; throws a USAGE error. */
  checkOptions?(values: ParsedOptions, config: Readonly<Config>): void;
  /** The SQLite archive in data/ whatever the configuration selects (`migrate` copies it). */
  sqliteArchive?: boolean;
  /** Takes arguments besides its options (`themes train FILE`). */
  positionals?: boolean;
  run(run: Run): Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  digest: {
    summary: 'the whole job: collect the sources, build feeds and pages, then send the weekly digest',
    usage: 'zhoukan digest [options]',
    extraHelp: DIGEST_HELP,
    checkOptions: (values, config) => void digestOptions(values, config),
    run: digest,
  },
  update: {
    summary: 'collect the sources, then build feeds and pages, without the digest',
    usage: 'zhoukan update [options]',
    run: update,
  },
  collect: {
    summary: 'collect new and changed posts and feed items into the archive',
    usage: 'zhoukan collect [options]',
    run: collect,
  },
  build: {
    summary: 'write feeds and pages from the archive',
    usage: 'zhoukan build [options]',
    run: build,
  },
  start: {
    summary: 'run as a service: collect on schedule, rebuild when something changed, send the weekly digest, serve output/',
    usage: 'zhoukan start [options]',
    extraHelp: `${SERVER_HELP}

On a PostgreSQL archive (ZHOUKAN_DATABASE_URL), every instance started against the database takes
a share of the jobs: each feed is fetched by one of them per round, builds run on those with
cluster.build, and each delivery of the digest is one job, taken by one of them (see the README:
Several instances).`,
    run: start,
  },
  themes: {
    summary: 'learn themes from labelled examples: themes train FILE, or past digests: themes train --from-archive',
    usage: 'zhoukan themes train [FILE] [--from-archive] [options]',
    extraHelp: THEMES_HELP,
    positionals: true,
    run: (run) => runThemesCommand(run.positionals, { fromArchive: run.values['from-archive'] ?? false }, run),
  },
  subscribers: {
    summary: 'the digest\'s subscribers: subscribers list|add|remove|import FILE.csv|export',
    usage: 'zhoukan subscribers list|add ADDR...|remove ADDR...|import FILE.csv|export [options]',
    extraHelp: SUBSCRIBERS_HELP,
    positionals: true,
    run: async (run) => {
      const { runSubscribersCommand } = await import('./cli/subscribers.js');
      return runSubscribersCommand({
        args: run.positionals,
        ...(run.values.themes !== undefined ? { themes: run.values.themes } : {}),
        config: run.config,
        store: run.store,
        log: run.log,
        now: new Date(),
        write: (text) => process.stdout.write(text),
      });
    },
  },
  migrate: {
    summary: 'copy the SQLite archive into an empty PostgreSQL database: migrate --to postgres://…',
    usage: 'zhoukan migrate --to postgres://user@host:5432/database [options]',
    extraHelp: MIGRATE_HELP,
    sqliteArchive: true,
    checkOptions: (values, config) => void migrationTarget(values, config),
    run: migrate,
  },
  bounces: {
    summary: 'read bounce reports from a Maildir: a hard bounce suppresses the address, soft ones count',
    usage: 'zhoukan bounces DIR [options]',
    extraHelp: BOUNCES_HELP,
    positionals: true,
    run: bounces,
  },
  serve: {
    summary: 'serve output/ over HTTP for feed readers and browsers',
    usage: 'zhoukan serve [options]',
    extraHelp: SERVER_HELP,
    run: serve,
  },
};

const MAIN_HELP = `zhoukan — clean feeds and a weekly digest from Chinese news

Usage: zhoukan <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, command]) => `  ${name.padEnd(11)} ${command.summary}`)
  .join('\n')}

Run "zhoukan <command> --help" for a command's options.`;

function jobContext(run: Run): JobContext {
  return { config: run.config, store: run.store, log: run.log, now: new Date(), fetch: globalThis.fetch, signal: run.signal };
}

// Each command loads only the modules it runs: start-up is part of every rerun's cost.

async function digest(run: Run): Promise<number> {
  const options = digestOptions(run.values, run.config);
  return withThemeThread(run, async (themes) => {
    const [status, { runDigest }] = await Promise.all([collectAndBuild(run, themes, { warnings: false }), import('./jobs/digest.js')]);
    if (status !== 0) return status;

    noteUnsubscribeLinks(run);
    const context = { ...jobContext(run), themes };
    const sent = await withJobLock('digest', context, { waitMs: run.config.lockWaitSeconds * 1000 }, async () =>
      runDigest(context, { ...options, resume: await resumeHere(run) }),
    );
    process.stdout.write(`zhoukan: ${describeDigest(sent, run.config)}; ${plural(run.log.warnings, 'warning')}\n`);
    const undelivered = sent.failed + sent.deferred;
    return sent.digestId && !sent.outbox && sent.delivered === 0 && undelivered > 0 ? 1 : 0;
  });
}

/**
 * Whether this run finishes the deliveries earlier runs left: not when instances on the PostgreSQL
 * archive have them queued (they send them; sending them here too would send them twice).
 */
async function resumeHere(run: Run): Promise<boolean> {
  if (!run.config.database || !run.config.smtp) return true;
  const { unfinishedDeliveries } = await import('./cluster/queue.js');
  const queued = await unfinishedDeliveries(run.config.database.url);
  if (queued > 0) run.log.info(`${queued} deliveries are queued for the instances sharing this archive; they send them, not this run`);
  return queued === 0;
}

async function bounces(run: Run): Promise<number> {
  const [dir, ...rest] = run.positionals;
  if (!dir || rest.length > 0) throw new AppError('USAGE', 'bounces: give one Maildir folder (zhoukan bounces DIR)');
  const { runBounces } = await import('./jobs/bounces.js');
  const summary = await runBounces(jobContext(run), dir);
  process.stdout.write(
    `zhoukan: bounces: read ${plural(summary.messages, 'message')}: ${summary.hard} hard, ${summary.soft} soft, ${summary.suppressed} suppressed, ${summary.unknown} not subscribers, ${summary.skipped} skipped; ${plural(run.log.warnings, 'warning')}\n`,
  );
  return 0;
}

async function update(run: Run): Promise<number> {
  return withThemeThread(run, (themes) => collectAndBuild(run, themes, { warnings: true }));
}

/** Runs a job beside a theme thread, started first: it loads the word segmenter while this thread collects. */
async function withThemeThread(run: Run, job: (themes: ThemeGrouper) => Promise<number>): Promise<number> {
  const { startThemeThread } = await import('./themes/grouper.js');
  const themes = startThemeThread(run.log);
  try {
    return await job(themes);
  } finally {
    await themes.close();
  }
}

/** Collects, then builds (always: a manual run brings the output up to date); prints the summary line and returns the exit status. */
async function collectAndBuild(run: Run, themes: ThemeGrouper, line: { warnings: boolean }): Promise<number> {
  const { runCollectAndBuild } = await import('./jobs/pipeline.js');
  const pipeline = await runCollectAndBuild({ ...jobContext(run), themes }, { lockWaitMs: run.config.lockWaitSeconds * 1000, alwaysBuild: true });
  const parts = [describeCollect(pipeline.collect)];
  if (pipeline.build) parts.push(describeBuild(pipeline.build, run.config));
  if (line.warnings) parts.push(plural(run.log.warnings, 'warning'));
  process.stdout.write(`zhoukan: ${parts.join('; ')}\n`);
  return await exitStatus(run, pipeline.collect);
}

/** The digest's options, every one checked: a bad --week is reported before the collect, not after. */
function digestOptions(values: ParsedOptions, config: Readonly<Config>): DigestOptions {
  const date = (flag: 'since' | 'until') => {
    const text = values[flag];
    if (text === undefined) return undefined;
    const parsed = parseDate(text, config.timeZone);
    if (!parsed) throw new AppError('USAGE', `--${flag}: cannot read "${text}" as a date (e.g. 2022-05-16 or 2022-05-16 08:00)`);
    return parsed;
  };
  const since = date('since');
  const until = date('until');
  if (values.week !== undefined) {
    if (!isoWeekRange(values.week, config.timeZone)) throw new AppError('USAGE', `--week: "${values.week}" is not an ISO week like 2022-W20`);
    if (since || until) throw new AppError('USAGE', '--week and --since/--until cannot be used together');
  }
  if (since && until && since >= until) throw new AppError('USAGE', '--since must be before --until');
  const address = values.to?.find((to) => !isEmailAddress(to));
  if (address !== undefined) throw new AppError('USAGE', `--to: "${address}" is not an e-mail address`);
  return {
    ...(values['dry-run'] ? { dryRun: true } : {}),
    ...(values.week ? { week: values.week } : {}),
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
    ...(values.to?.length ? { to: values.to } : {}),
  };
}

/** Says once per run why an e-mail offers only the mailto unsubscribe. */
function noteUnsubscribeLinks(run: Run): void {
  const { config, log } = run;
  if (!config.site.url.startsWith('https:')) {
    log.info(`note: site.url (${config.site.url}) is not https, so the digest offers only the mailto unsubscribe; set an https site.url and ZHOUKAN_UNSUBSCRIBE_SECRET for one-click unsubscribing`);
  } else if (!config.unsubscribeSecret) {
    log.info('note: ZHOUKAN_UNSUBSCRIBE_SECRET is not set, so the digest offers only the mailto unsubscribe');
  }
}

async function collect(run: Run): Promise<number> {
  const { runCollect } = await import('./jobs/collect.js');
  const context = jobContext(run);
  const summary = await withJobLock('collect', context, { waitMs: run.config.lockWaitSeconds * 1000 }, () => runCollect(context));
  process.stdout.write(`zhoukan: ${describeCollect(summary)}; ${plural(run.log.warnings, 'warning')}\n`);
  return await exitStatus(run, summary);
}

async function build(run: Run): Promise<number> {
  const { runBuild } = await import('./jobs/build.js');
  const context = jobContext(run);
  const summary = await withJobLock('build', context, { waitMs: run.config.lockWaitSeconds * 1000 }, () => runBuild(context));
  process.stdout.write(`zhoukan: ${describeBuild(summary, run.config)}; ${plural(run.log.warnings, 'warning')}\n`);
  return summary.articles === 0 ? 1 : 0;
}

async function serve(run: Run): Promise<number> {
  const [{ startServer }, { serverRoutes }, { createSubscriptionMailer, expirePendingSignups }] = await Promise.all([
    import('./server/server.js'),
    import('./server/routes.js'),
    import('./jobs/subscription.js'),
  ]);
  const { config, store, log } = run;
  const mailer = createSubscriptionMailer(config, log);
  await expirePendingSignups({ config, store, log, now: new Date() });
  const routes = serverRoutes({ config, store, log, mail: mailer.send });
  const server = await startServer({ root: config.output, host: config.server.host, port: config.server.port, log, routes });
  process.stdout.write(`zhoukan: serving ${config.output} at ${server.url} (Ctrl-C to stop)\n`);
  await waitForAbort(run.signal);
  await server.close();
  mailer.close();
  return 0;
}

/** The URL of `migrate --to`, checked, with an existing SQLite archive to copy. */
function migrationTarget(values: ParsedOptions, config: Readonly<Config>): string {
  const [url, ...more] = values.to ?? [];
  if (!url || more.length > 0) throw new AppError('USAGE', '--to: give the PostgreSQL database to copy into, once (--to postgres://user@host:5432/database)');
  if (!/^postgres(ql)?:\/\//u.test(url)) throw new AppError('USAGE', `--to: ${redactUrl(url)} is not a PostgreSQL URL (postgres://user@host:5432/database)`);
  const source = sqliteLocation(config).path;
  if (!existsSync(source)) throw new AppError('USAGE', `${source}: no archive to copy (see --data)`);
  return url;
}

async function migrate(run: Run): Promise<number> {
  const url = migrationTarget(run.values, run.config);
  const [{ SqliteStore }, { PgStore }, { copyToPostgres }] = await Promise.all([
    import('./store/sqlite.js'),
    import('./store/postgres.js'),
    import('./store/copy-to-postgres.js'),
  ]);
  if (!(run.store instanceof SqliteStore)) throw new Error('migrate reads the SQLite archive');
  const where = redactUrl(url);
  let target: Store | undefined;
  try {
    const opened = await PgStore.open(url);
    target = opened;
    const copied = await copyToPostgres(run.store, opened);
    const width = Math.max(...copied.map(({ table }) => table.length));
    process.stdout.write(`zhoukan: copied ${run.store.path} to ${where}; the count of every table checked:\n`);
    for (const { table, rows } of copied) process.stdout.write(`  ${table.padEnd(width)} ${rows}\n`);
    return 0;
  } catch (error) {
    throw pgFault(error, where) ?? error;
  } finally {
    await target?.close();
  }
}

async function start(run: Run): Promise<number> {
  const { runService } = await import('./service.js');
  noteUnsubscribeLinks(run);
  return runService({ ...run, jobContext: () => jobContext(run), print: (line) => process.stdout.write(`zhoukan: ${line}\n`) });
}

/** 1 when nothing at all could be read: the archive is empty after collecting. */
async function exitStatus(run: Run, summary: CollectSummary): Promise<number> {
  if (run.signal.aborted) return 130;
  if ((await run.store.counts()).articles > 0) return 0;
  const sources = [...run.config.sources.map((source) => source.path), ...run.config.feeds.map((feed) => feed.url)];
  run.log.error(`no article could be read from ${sources.join(', ') || 'any source'} (${summary.skipped} skipped)`);
  return 1;
}


/** SIGINT/SIGTERM abort the run: the job finishes the batch it is writing, then the archive is closed. */
function abortOnSignals(log: Log): AbortController {
  const controller = new AbortController();
  const stop = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      log.error(`${signal} again: stopping now`);
      process.exit(130);
    }
    log.info(`${signal}: finishing the current write, then stopping (again to stop now)`);
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return controller;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name) {
    process.stderr.write(`zhoukan: no command given\n\n${MAIN_HELP}\n`);
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${MAIN_HELP}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`zhoukan: unknown command "${escapeControls(name)}"\n\n${MAIN_HELP}\n`);
    return 2;
  }
  const help = `${command.summary}\n\nUsage: ${command.usage}\n\n${SHARED_HELP}${command.extraHelp ?? ''}\n`;
  let values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: rest, options: SHARED_OPTIONS, allowPositionals: command.positionals ?? false, strict: true }));
  } catch (error) {
    // node:util's messages run over lines of their own; each is escaped.
    const message = describeError(error).split('\n').map(escapeControls).join('\n');
    process.stderr.write(`zhoukan ${name}: ${message}\n\n${help}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(help);
    return 0;
  }
  const allowed = new Set(COMMAND_OPTIONS[name] ?? []);
  const misplaced = Object.keys(values).filter((key) => SPECIFIC_OPTIONS.has(key as keyof typeof SHARED_OPTIONS) && !allowed.has(key as keyof typeof SHARED_OPTIONS));
  if (misplaced.length > 0) {
    process.stderr.write(`zhoukan ${name}: --${misplaced.join(', --')} is not an option of ${name}\n\n${help}`);
    return 2;
  }
  const port = values.port;
  if (port !== undefined && !(/^\d{1,5}$/u.test(port) && Number(port) <= 65_535)) {
    process.stderr.write(`zhoukan ${name}: --port: "${escapeControls(port)}" is not a port number (0 to 65535)\n\n${help}`);
    return 2;
  }
  const log = createConsoleLog({ quiet: values.quiet });
  // Loaded only now: help and usage errors answer without the configuration's and the archive's modules.
  const [{ loadConfig }, { archiveFault, openArchive }] = await Promise.all([import('./config.js'), import('./store/open.js')]);
  let archive: ArchiveLocation | undefined;
  let store: Store | undefined;
  try {
    const config = loadConfig({
      configFile: values.config,
      sources: values.source,
      feeds: values.feed,
      output: values.output,
      data: values.data,
      host: values.host,
      port: values.port,
    });
    command.checkOptions?.(values, config);
    archive = command.sqliteArchive ? sqliteLocation(config) : archiveLocation(config);
    store = await openArchive(archive, { log });
    return await command.run({ values, positionals, config, log, store, signal: abortOnSignals(log).signal });
  } catch (error) {
    if (error instanceof AppError && error.code === 'USAGE') {
      process.stderr.write(`zhoukan ${name}: ${escapeControls(error.message)} (see zhoukan ${name} --help)\n`);
      return 2;
    }
    // A damaged or full archive, wherever a job met it (a build wraps it in its own error).
    const fault = archive ? archiveFault(error, archive) : undefined;
    if (fault) {
      log.error(fault.message);
      return 1;
    }
    if (error instanceof AppError) {
      log.error(error.headline, error.details);
      return 1;
    }
    throw error;
  } finally {
    // A fault on closing is reported, as the run's work is already committed.
    try {
      await store?.close();
    } catch (error) {
      if (archive) log.error(archiveFault(error, archive)?.message ?? `${archive.path}: closing the archive failed: ${describeError(error)}`);
    }
  }
}

/** A bug's message (escaped: it may quote outside text) and the stack frames that locate it. */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return escapeControls(String(error));
  const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /u.test(line));
  return [escapeControls(`${error.name}: ${error.message}`), ...frames].join('\n');
}

main(process.argv.slice(2)).then(
  (code) => {
    // exitCode, not exit(): let stdout and stderr drain first.
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`zhoukan: unexpected failure: ${describeFailure(error)}\n`);
    process.exitCode = 70;
  },
);
