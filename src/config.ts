import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { AppError } from './errors.js';
import { isValidZone } from './util/time.js';

// Configuration: defaults < zhoukan.config.json < environment (ZHOUKAN_*) < command-line flags.
// Validated once, every problem listed, then frozen. The only reader of process.env.

export interface FolderSource {
  name: string;
  /** Absolute path of the folder. */
  path: string;
}

export interface Config {
  site: {
    /** Base URL the output is served from; always ends with a slash. */
    url: string;
    title: string;
    description: string;
    /** Authority of tag: ids; fixed at first use when not configured. */
    idAuthority?: string;
  };
  timeZone: string;
  feed: { size: number };
  sources: FolderSource[];
  /** Absolute path of the output folder. */
  output: string;
  /** Absolute path of the data folder (archive, identity, outbox). */
  data: string;
}

export interface ConfigOverrides {
  configFile?: string;
  sources?: string[];
  output?: string;
  data?: string;
}

export const DEFAULT_CONFIG_FILE = 'zhoukan.config.json';

const DEFAULTS = {
  site: {
    url: 'http://127.0.0.1:8080/',
    title: '周刊 · 财经要闻',
    description: '经过清洗的中文财经新闻，每周一封邮件摘要。',
  },
  timeZone: 'Asia/Shanghai',
  feed: { size: 50 },
  sources: ['seeds'],
  output: 'output',
  data: 'data',
};

const KNOWN_KEYS: Record<string, string[] | null> = {
  site: ['url', 'title', 'description', 'idAuthority'],
  timeZone: null,
  feed: ['size'],
  sources: null,
  output: null,
  data: null,
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
  checkUnknownKeys(fromFile, problems);

  const url = env.ZHOUKAN_SITE_URL ?? stringAt(site, 'site.url', problems) ?? DEFAULTS.site.url;
  const siteUrl = normalizeSiteUrl(url, problems);
  const timeZone = env.ZHOUKAN_TIME_ZONE ?? stringAt(fromFile, 'timeZone', problems) ?? DEFAULTS.timeZone;
  if (!isValidZone(timeZone)) problems.push(`timeZone: "${timeZone}" is not an IANA time zone (e.g. Asia/Shanghai)`);

  const sizeText = env.ZHOUKAN_FEED_SIZE;
  const size = sizeText !== undefined ? Number(sizeText) : (numberAt(feed, 'feed.size', problems) ?? DEFAULTS.feed.size);
  if (!Number.isInteger(size) || size < 1 || size > 10_000) {
    problems.push(`feed.size: must be a whole number from 1 to 10000, got ${JSON.stringify(sizeText ?? size)}`);
  }

  const sources = overrides.sources?.length
    ? overrides.sources.map((path) => folderSource(resolve(cwd, path)))
    : readSources(fromFile.sources, fileDir, problems);
  checkDistinctNames(sources, problems);

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

  const idAuthority = stringAt(site, 'site.idAuthority', problems);
  if (idAuthority !== undefined && !/^[a-z0-9.-]+,\d{4}(-\d{2}(-\d{2})?)?$/i.test(idAuthority)) {
    problems.push(`site.idAuthority: must look like "example.com,2022-05-18" (RFC 4151), got "${idAuthority}"`);
  }

  if (problems.length > 0) {
    throw new AppError('CONFIG_INVALID', `invalid configuration:\n  - ${problems.join('\n  - ')}`);
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
    output,
    data,
  });
}

function readConfigFile(file: string, problems: string[]): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    problems.push(`${file}: not valid JSON (${(error as Error).message})`);
    return {};
  }
  if (!isRecord(parsed)) {
    problems.push(`${file}: must hold a JSON object`);
    return {};
  }
  return parsed;
}

function readSources(value: unknown, fileDir: string, problems: string[]): FolderSource[] {
  if (value === undefined) return DEFAULTS.sources.map((path) => folderSource(resolve(fileDir, path)));
  if (!Array.isArray(value)) {
    problems.push('sources: must be a list of folders ("posts" or {"name": "posts", "path": "posts"})');
    return [];
  }
  const sources: FolderSource[] = [];
  value.forEach((entry, index) => {
    if (typeof entry === 'string' && entry.trim()) {
      sources.push(folderSource(resolve(fileDir, entry)));
    } else if (isRecord(entry) && typeof entry.path === 'string' && entry.path.trim()) {
      const source = folderSource(resolve(fileDir, entry.path));
      if (entry.name !== undefined) {
        if (typeof entry.name === 'string' && /^[\w.-]+$/u.test(entry.name)) source.name = entry.name;
        else problems.push(`sources[${index}].name: use letters, digits, '.', '_' or '-'`);
      }
      sources.push(source);
    } else {
      problems.push(`sources[${index}]: must be a folder path or an object with "path"`);
    }
  });
  return sources;
}

/** Ids are built from source names, so two folders must not share one. */
function checkDistinctNames(sources: FolderSource[], problems: string[]): void {
  const names = sources.map((source) => source.name);
  for (const name of new Set(names.filter((name, i) => names.indexOf(name) !== i))) {
    problems.push(`sources: the name "${name}" is used twice; give each folder its own "name"`);
  }
}

function folderSource(path: string): FolderSource {
  return { name: basename(path).replace(/[^\w.-]+/gu, '-') || 'posts', path };
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

function checkUnknownKeys(fromFile: Record<string, unknown>, problems: string[]): void {
  for (const [key, value] of Object.entries(fromFile)) {
    if (!(key in KNOWN_KEYS)) {
      problems.push(`${key}: unknown setting`);
      continue;
    }
    const nested = KNOWN_KEYS[key];
    if (nested && isRecord(value)) {
      for (const inner of Object.keys(value)) {
        if (!nested.includes(inner)) problems.push(`${key}.${inner}: unknown setting`);
      }
    }
  }
}

function objectAt(from: Record<string, unknown>, key: string, problems: string[]): Record<string, unknown> {
  const value = from[key];
  if (value === undefined) return {};
  if (isRecord(value)) return value;
  problems.push(`${key}: must be an object`);
  return {};
}

function stringAt(from: Record<string, unknown>, path: string, problems: string[]): string | undefined {
  const value = from[path.split('.').pop() as string];
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value.trim()) return value.trim();
  problems.push(`${path}: must be a non-empty string`);
  return undefined;
}

function numberAt(from: Record<string, unknown>, path: string, problems: string[]): number | undefined {
  const value = from[path.split('.').pop() as string];
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  problems.push(`${path}: must be a number`);
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepFreeze<T>(value: T): Readonly<T> {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
