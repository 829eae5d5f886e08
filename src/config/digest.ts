import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from '../config.js';
import { DEFAULT_TAXONOMY, validateTaxonomy, type Taxonomy } from '../themes/taxonomy.js';
import { numberAt, removeUnsafeKeys, stringAt } from './fields.js';

// The digest: who gets it, how it is sent, and the themes it is grouped by.

const ADDRESS = /^[^\s@<>]+@[^\s@<>]+$/u;

export function readDigest(
  from: Record<string, unknown>,
  defaults: Pick<Config['digest'], 'from' | 'maxArticles' | 'entriesPerTheme'>,
  problems: string[],
): Config['digest'] {
  const recipients: string[] = [];
  const listed = from.recipients ?? [];
  if (!Array.isArray(listed)) problems.push('digest.recipients: must be a list of e-mail addresses');
  else {
    listed.forEach((entry, index) => {
      if (typeof entry === 'string' && ADDRESS.test(entry.trim())) recipients.push(entry.trim());
      else problems.push(`digest.recipients[${index}]: ${JSON.stringify(entry)} is not an e-mail address`);
    });
  }
  const sender = stringAt(from, 'digest.from', problems) ?? defaults.from;
  const senderAddress = /<([^>]+)>\s*$/u.exec(sender)?.[1] ?? sender;
  if (!ADDRESS.test(senderAddress)) problems.push(`digest.from: "${sender}" has no e-mail address (e.g. "周刊 <digest@example.org>")`);
  const unsubscribeMailto = stringAt(from, 'digest.unsubscribeMailto', problems) ?? senderAddress;
  if (!ADDRESS.test(unsubscribeMailto)) problems.push(`digest.unsubscribeMailto: "${unsubscribeMailto}" is not an e-mail address`);
  const whole = (key: 'maxArticles' | 'entriesPerTheme', max: number) => {
    const value = numberAt(from, `digest.${key}`, problems) ?? defaults[key];
    if (!Number.isInteger(value) || value < 1 || value > max) problems.push(`digest.${key}: must be a whole number from 1 to ${max}, got ${value}`);
    return value;
  };
  return { recipients, from: sender, unsubscribeMailto, maxArticles: whole('maxArticles', 1000), entriesPerTheme: whole('entriesPerTheme', 50) };
}

export function readSmtp(
  from: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  fileDir: string,
  problems: string[],
): Config['smtp'] | undefined {
  const url = env.SMTP_URL?.trim() || undefined;
  const urlUser = url ? readSmtpUrl(url, problems) : undefined;
  const host = stringAt(from, 'smtp.host', problems);
  if (!url && !host) return undefined;
  const port = numberAt(from, 'smtp.port', problems);
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65_536)) problems.push(`smtp.port: must be a port number, got ${port}`);
  const flag = (key: 'secure' | 'requireTls') => {
    const value = from[key];
    if (value === undefined || typeof value === 'boolean') return value;
    problems.push(`smtp.${key}: must be true or false`);
    return undefined;
  };
  const caFile = stringAt(from, 'smtp.caFile', problems);
  const caPath = caFile ? resolve(fileDir, caFile) : undefined;
  if (caPath && !isReadableFile(caPath)) problems.push(`smtp.caFile: cannot read ${caPath}`);
  const attempts = numberAt(from, 'smtp.attempts', problems) ?? 4;
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > 10) problems.push(`smtp.attempts: must be a whole number from 1 to 10, got ${attempts}`);
  const retryDelaySeconds = numberAt(from, 'smtp.retryDelaySeconds', problems) ?? 2;
  if (!(retryDelaySeconds >= 0 && retryDelaySeconds <= 600)) problems.push(`smtp.retryDelaySeconds: must be from 0 to 600, got ${retryDelaySeconds}`);
  const user = stringAt(from, 'smtp.user', problems);
  const password = env.SMTP_PASSWORD || undefined;
  // Without a password the server would be reached without logging in, and the digest refused
  // only when it is sent (Monday 08:00 under the service): say so now.
  if ((user ?? urlUser) && !password) {
    const where = user ? 'smtp.user' : "SMTP_URL's user";
    problems.push(`${where} is set but SMTP_PASSWORD is not: set the password in the environment (SMTP_PASSWORD), or remove the user to send without logging in`);
  }
  const settings = {
    attempts,
    retryDelaySeconds,
    url,
    host,
    port,
    secure: flag('secure'),
    user,
    password,
    requireTls: flag('requireTls'),
    caFile: caPath,
  };
  return Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined)) as Config['smtp'];
}

function isReadableFile(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Checks SMTP_URL and returns its user, if any. The URL is never quoted in a message: it may hold a
 * password.
 */
function readSmtpUrl(value: string, problems: string[]): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    problems.push('SMTP_URL: not a URL (e.g. smtp://user@host:587, the password in SMTP_PASSWORD)');
    return undefined;
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') problems.push('SMTP_URL: must start with smtp:// or smtps://');
  if (!url.hostname) problems.push('SMTP_URL: names no host (e.g. smtp://user@host:587)');
  if (url.password) problems.push('SMTP_URL: holds a password; give it in SMTP_PASSWORD only (e.g. SMTP_URL=smtp://user@host:587)');
  return url.username || undefined;
}

/**
 * The digest's themes: the default taxonomy, one given inline or in a JSON file, or `false` for
 * clustering alone.
 */
export function readTaxonomy(value: unknown, fileDir: string, problems: string[]): Taxonomy | undefined {
  if (value === undefined) return DEFAULT_TAXONOMY;
  if (value === false) return undefined;
  let data = value;
  let where = 'taxonomy';
  if (typeof value === 'string') {
    where = resolve(fileDir, value);
    try {
      data = JSON.parse(readFileSync(where, 'utf8'));
    } catch (error) {
      problems.push(`taxonomy: cannot read ${where}: ${(error as Error).message}`);
      return DEFAULT_TAXONOMY;
    }
    removeUnsafeKeys(data, where, '', problems);
  }
  const { taxonomy, problems: found } = validateTaxonomy(data);
  problems.push(...found.map((problem) => `${where}: ${problem}`));
  return taxonomy ?? DEFAULT_TAXONOMY;
}
