import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { AppError } from './errors.js';
import { readDatabase } from './config/database.js';
import { readDigest, readTaxonomy } from './config/digest.js';
import { readSmtp } from './config/smtp.js';
import type { Config } from './config/types.js';
import { checkUnknownKeys, deepFreeze, numberAt, objectAt, readConfigFile, stringAt, wholeNumberAt } from './config/fields.js';
import { checkDistinctNames, feedSource, folderSource, readFeeds, readSources } from './config/sources.js';
import { readThemeModelSetting } from './config/themes.js';
import { isValidZone } from './util/time.js';

// Configuration: defaults < zhoukan.config.json < environment (ZHOUKAN_*) < command-line flags.
// Validated once, every problem listed, then frozen. The only reader of process.env.

export type { SmtpSettings } from './config/smtp.js';
export type { Config, DigestSettings, FeedSource, FolderSource, SignupSettings, SmtpConfig } from './config/types.js';

export interface ConfigOverrides {
  configFile?: string;
  sources?: string[];
  feeds?: string[];
  output?: string;
  host?: string;
  port?: string;
  data?: string;
}

export const DEFAULT_CONFIG_FILE = 'zhoukan.config.json';
/** Cleaning threads one may ask for. */
const MAX_WORKERS = 16;

const DEFAULTS = {
  site: {
    url: 'http://127.0.0.1:8080/',
    title: '周刊 · 财经要闻',
    description: '经过清洗的中文财经新闻，每周一封邮件摘要。',
  },
  timeZone: 'Asia/Shanghai',
  feed: { size: 50 },
  sources: ['seeds'],
  schedule: { collect: '*/30 * * * *', digest: '0 8 * * 1' },
  digest: { from: '周刊 <digest@localhost>', maxArticles: 100, entriesPerTheme: 6, softBounceLimit: 3 },
  // A person signs up once or twice; a script from one address is stopped after a few.
  signup: { burst: 5, perHour: 20, resendMinutes: 15, pendingDays: 7 },
  server: { host: '127.0.0.1', port: 8080 },
  // maxItems: real feeds carry 10 to 50 items, a few some hundreds (the longest of our corpus, a
  // podcast, 190); a feed of 100,000 items would otherwise be cleaned and published whole.
  fetch: { connectTimeoutSeconds: 10, timeoutSeconds: 30, maxBytes: 10 * 1024 * 1024, maxItems: 500 },
  lockWaitSeconds: 10,
  // A job held this long by an instance that stopped answering is taken by another.
  cluster: { build: true, takeoverSeconds: 120 },
  output: 'output',
  data: 'data',
};

const KNOWN_KEYS: Record<string, string[] | null> = {
  site: ['url', 'title', 'description', 'idAuthority'],
  timeZone: null,
  feed: ['size'],
  sources: null,
  feeds: null,
  schedule: ['collect', 'digest'],
  digest: ['recipients', 'from', 'unsubscribeMailto', 'maxArticles', 'entriesPerTheme', 'doubleOptIn', 'softBounceLimit'],
  signup: ['burst', 'perHour', 'resendMinutes', 'pendingDays', 'trustProxy'],
  smtp: ['host', 'port', 'secure', 'user', 'requireTls', 'caFile', 'attempts', 'retryDelaySeconds', 'connections', 'ratePerSecond'],
  server: ['host', 'port'],
  fetch: ['connectTimeoutSeconds', 'timeoutSeconds', 'maxBytes', 'maxItems'],
  lockWaitSeconds: null,
  workers: null,
  output: null,
  data: null,
  database: ['url'],
  cluster: ['build', 'takeoverSeconds'],
  taxonomy: null,
  themeModel: null,
  $schema: null,
};

/**
 * Loads the configuration for a run. `cwd` is where relative flags resolve and where the default
 * config file is looked for; relative paths inside a config file resolve against that file's folder.
 */
export function loadConfig(
  overrides: ConfigOverrides = {},
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): Readonly<Config> {
  const problems: string[] = [];
  const explicitFile = overrides.configFile ?? env.ZHOUKAN_CONFIG;
  const file = resolve(cwd, explicitFile ?? DEFAULT_CONFIG_FILE);
  let fromFile: Record<string, unknown> = {};
  if (existsSync(file)) {
    fromFile = readConfigFile(file, problems);
  } else if (explicitFile) {
    problems.push(`${file}: config file not found`);
  }
  const fileDir = dirname(file);

  const site = objectAt(fromFile, 'site', problems);
  const feed = objectAt(fromFile, 'feed', problems);
  checkUnknownKeys(fromFile, KNOWN_KEYS, problems);

  const url = env.ZHOUKAN_SITE_URL ?? stringAt(site, 'site.url', problems) ?? DEFAULTS.site.url;
  const siteUrl = normalizeSiteUrl(url, problems);
  const timeZone = env.ZHOUKAN_TIME_ZONE ?? stringAt(fromFile, 'timeZone', problems) ?? DEFAULTS.timeZone;
  if (!isValidZone(timeZone)) problems.push(`timeZone: "${timeZone}" is not an IANA time zone (e.g. Asia/Shanghai)`);

  const size = wholeNumberAt(feed, 'feed.size', env.ZHOUKAN_FEED_SIZE, { min: 1, max: 10_000 }, problems) ?? DEFAULTS.feed.size;

  const sources = overrides.sources
    ? overrides.sources.map((path) => folderSource(resolve(cwd, path)))
    : readSources(fromFile.sources, fileDir, DEFAULTS.sources, problems);
  const feeds = overrides.feeds
    ? overrides.feeds.map((url, index) => feedSource(url, `--feed[${index}]`, problems))
    : readFeeds(fromFile.feeds, problems);
  checkDistinctNames([...sources, ...feeds], problems);

  const schedule = objectAt(fromFile, 'schedule', problems);
  const collectCron = stringAt(schedule, 'schedule.collect', problems) ?? DEFAULTS.schedule.collect;
  if (!isCronExpression(collectCron)) problems.push(`schedule.collect: "${collectCron}" is not a cron expression (e.g. "*/30 * * * *")`);
  const digestCron = stringAt(schedule, 'schedule.digest', problems) ?? DEFAULTS.schedule.digest;
  if (!isCronExpression(digestCron)) problems.push(`schedule.digest: "${digestCron}" is not a cron expression (e.g. "0 8 * * 1")`);
  const digest = readDigest(objectAt(fromFile, 'digest', problems), DEFAULTS.digest, problems);
  const signupFields = objectAt(fromFile, 'signup', problems);
  const signupNumber = (key: keyof typeof DEFAULTS.signup, max: number) =>
    wholeNumberAt(signupFields, `signup.${key}`, undefined, { min: 1, max }, problems) ?? DEFAULTS.signup[key];
  const signup = {
    burst: signupNumber('burst', 10_000),
    perHour: signupNumber('perHour', 100_000),
    resendMinutes: signupNumber('resendMinutes', 7 * 24 * 60),
    pendingDays: signupNumber('pendingDays', 365),
    trustProxy: signupFields.trustProxy === true,
  };
  if (signupFields.trustProxy !== undefined && typeof signupFields.trustProxy !== 'boolean') {
    problems.push(`signup.trustProxy: must be true or false, got ${JSON.stringify(signupFields.trustProxy)}`);
  }
  const smtp = readSmtp(objectAt(fromFile, 'smtp', problems), env, fileDir, problems);
  const taxonomy = readTaxonomy(fromFile.taxonomy, fileDir, problems);

  const server = objectAt(fromFile, 'server', problems);
  const host = overrides.host ?? env.ZHOUKAN_HOST ?? stringAt(server, 'server.host', problems) ?? DEFAULTS.server.host;
  const portText = overrides.port ?? env.ZHOUKAN_PORT;
  const port = portText !== undefined ? Number(portText) : (numberAt(server, 'server.port', problems) ?? DEFAULTS.server.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) problems.push(`server.port: must be a port number from 0 to 65535, got ${JSON.stringify(portText ?? port)}`);

  const fetchLimits = objectAt(fromFile, 'fetch', problems);
  const limit = (key: keyof typeof DEFAULTS.fetch, max: number) => {
    const value = numberAt(fetchLimits, `fetch.${key}`, problems) ?? DEFAULTS.fetch[key];
    if (!(value > 0 && value <= max)) problems.push(`fetch.${key}: must be a number above 0 and at most ${max}, got ${value}`);
    return value;
  };
  const lockWaitSeconds = numberAt(fromFile, 'lockWaitSeconds', problems) ?? DEFAULTS.lockWaitSeconds;
  if (!(lockWaitSeconds >= 0 && lockWaitSeconds <= 3600)) problems.push(`lockWaitSeconds: must be from 0 to 3600, got ${lockWaitSeconds}`);
  const workers = wholeNumberAt(fromFile, 'workers', env.ZHOUKAN_WORKERS, { min: 0, max: MAX_WORKERS }, problems);
  const fetch = {
    connectTimeoutSeconds: limit('connectTimeoutSeconds', 300),
    timeoutSeconds: limit('timeoutSeconds', 3600),
    maxBytes: limit('maxBytes', 1024 * 1024 * 1024),
    maxItems: wholeNumberAt(fetchLimits, 'fetch.maxItems', undefined, { min: 1, max: 100_000 }, problems) ?? DEFAULTS.fetch.maxItems,
  };

  const output = overrides.output
    ? resolve(cwd, overrides.output)
    : env.ZHOUKAN_OUTPUT
      ? resolve(cwd, env.ZHOUKAN_OUTPUT)
      : resolve(fileDir, stringAt(fromFile, 'output', problems) ?? DEFAULTS.output);
  const data = overrides.data
    ? resolve(cwd, overrides.data)
    : env.ZHOUKAN_DATA
      ? resolve(cwd, env.ZHOUKAN_DATA)
      : resolve(fileDir, stringAt(fromFile, 'data', problems) ?? DEFAULTS.data);

  const database = readDatabase(objectAt(fromFile, 'database', problems), env, problems);
  const clusterFields = objectAt(fromFile, 'cluster', problems);
  const cluster = {
    build: clusterFields.build ?? DEFAULTS.cluster.build,
    takeoverSeconds: wholeNumberAt(clusterFields, 'cluster.takeoverSeconds', undefined, { min: 2, max: 24 * 3600 }, problems) ?? DEFAULTS.cluster.takeoverSeconds,
  };
  if (typeof cluster.build !== 'boolean') problems.push(`cluster.build: must be true or false, got ${JSON.stringify(cluster.build)}`);
  const themeModel = readThemeModelSetting(fromFile.themeModel, fileDir, data, problems);

  const idAuthority = stringAt(site, 'site.idAuthority', problems);
  if (idAuthority !== undefined && !/^[a-z0-9.-]+,\d{4}(-\d{2}(-\d{2})?)?$/i.test(idAuthority)) {
    problems.push(`site.idAuthority: must look like "example.com,2022-05-18" (RFC 4151), got "${idAuthority}"`);
  }

  if (problems.length > 0) {
    const where = existsSync(file) ? `${file}: ` : '';
    throw new AppError('CONFIG_INVALID', `${where}invalid configuration:`, { details: problems });
  }
  return deepFreeze({
    site: {
      url: siteUrl,
      title: stringAt(site, 'site.title', []) ?? DEFAULTS.site.title,
      description: stringAt(site, 'site.description', []) ?? DEFAULTS.site.description,
      ...(idAuthority ? { idAuthority } : {}),
    },
    timeZone,
    feed: { size },
    sources,
    feeds,
    schedule: { collect: collectCron, digest: digestCron },
    digest,
    signup,
    ...(smtp ? { smtp } : {}),
    ...(taxonomy ? { taxonomy } : {}),
    ...(themeModel ? { themeModel } : {}),
    ...(env.ZHOUKAN_UNSUBSCRIBE_SECRET ? { unsubscribeSecret: env.ZHOUKAN_UNSUBSCRIBE_SECRET } : {}),
    server: { host, port },
    fetch,
    lockWaitSeconds,
    ...(workers !== undefined ? { workers } : {}),
    output,
    data,
    ...(database ? { database } : {}),
    cluster: cluster as Config['cluster'],
  });
}

/** Five or six space-separated cron fields (node-cron validates the details when it schedules). */
function isCronExpression(value: string): boolean {
  const fields = value.trim().split(/\s+/u);
  return (fields.length === 5 || fields.length === 6) && fields.every((field) => /^[\d*/,\-a-zA-Z?LW#]+$/u.test(field));
}

function normalizeSiteUrl(value: string, problems: string[]): string {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
    if (!url.pathname.endsWith('/')) url.pathname += '/';
    url.search = '';
    url.hash = '';
    return url.toString();
  } catch {
    problems.push(`site.url: "${value}" is not an absolute http(s) URL`);
    return DEFAULTS.site.url;
  }
}

