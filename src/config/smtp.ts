import { accessSync, constants, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { numberAt, stringAt } from './fields.js';

// How the digest is sent: the SMTP settings of the file (smtp.*) and of the environment (SMTP_URL,
// SMTP_PASSWORD), checked and resolved here into what the mailer connects with, so a mistake is
// reported when the configuration is loaded, not when Monday's digest is sent.

/** SMTP as resolved: every part known, defaults applied. */
export interface SmtpSettings {
  host: string;
  port: number;
  /** Implicit TLS (smtps, port 465). */
  secure: boolean;
  /** STARTTLS required; true unless the host is loopback, or set. */
  requireTls: boolean;
  user?: string;
  /** From the environment only (SMTP_PASSWORD). Never logged. */
  password?: string;
  /** PEM file of the CA (or the self-signed certificate) to trust for the server. */
  caFile?: string;
}

/** The SMTP settings with how often and how patiently a message is tried. */
export interface SmtpConfig extends SmtpSettings {
  /** Tries per message within one run before it is left for the next run. */
  attempts: number;
  /** Wait before the second try; doubles after each. */
  retryDelaySeconds: number;
  /** SMTP connections kept open at once, each sending one message at a time. */
  connections: number;
  /** Messages handed to the server per second at most, over all connections. */
  ratePerSecond: number;
}

/** Defaults: a few connections, and listmonk's cap, which providers' limits for a new account match. */
export const DEFAULT_SMTP_CONNECTIONS = 4;
export const DEFAULT_SMTP_RATE_PER_SECOND = 100;

/** The parts of SMTP_URL (smtp://user@host:587, smtps://host:465); never its password. */
interface SmtpUrl {
  host?: string;
  port?: number;
  secure: boolean;
  user?: string;
}

/** The resolved SMTP settings, or undefined when neither smtp.host nor SMTP_URL is set. */
export function readSmtp(from: Record<string, unknown>, env: NodeJS.ProcessEnv, fileDir: string, problems: string[]): SmtpConfig | undefined {
  const url = env.SMTP_URL?.trim() ? readSmtpUrl(env.SMTP_URL.trim(), problems) : undefined;
  const host = stringAt(from, 'smtp.host', problems) ?? url?.host;
  if (!url && !host) return undefined;
  const flag = (key: 'secure' | 'requireTls') => {
    const value = from[key];
    if (value === undefined || typeof value === 'boolean') return value;
    problems.push(`smtp.${key}: must be true or false`);
    return undefined;
  };
  const secure = flag('secure') ?? url?.secure ?? false;
  const port = numberAt(from, 'smtp.port', problems) ?? url?.port ?? (secure ? 465 : 587);
  if (!(Number.isInteger(port) && port > 0 && port < 65_536)) problems.push(`smtp.port: must be a port number, got ${port}`);
  const caFile = stringAt(from, 'smtp.caFile', problems);
  const caPath = caFile ? resolve(fileDir, caFile) : undefined;
  if (caPath && !isReadableFile(caPath)) problems.push(`smtp.caFile: cannot read ${caPath}`);
  const attempts = numberAt(from, 'smtp.attempts', problems) ?? 4;
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > 10) problems.push(`smtp.attempts: must be a whole number from 1 to 10, got ${attempts}`);
  const retryDelaySeconds = numberAt(from, 'smtp.retryDelaySeconds', problems) ?? 2;
  if (!(retryDelaySeconds >= 0 && retryDelaySeconds <= 600)) problems.push(`smtp.retryDelaySeconds: must be from 0 to 600, got ${retryDelaySeconds}`);
  const connections = numberAt(from, 'smtp.connections', problems) ?? DEFAULT_SMTP_CONNECTIONS;
  if (!Number.isInteger(connections) || connections < 1 || connections > 50) problems.push(`smtp.connections: must be a whole number from 1 to 50, got ${connections}`);
  const ratePerSecond = numberAt(from, 'smtp.ratePerSecond', problems) ?? DEFAULT_SMTP_RATE_PER_SECOND;
  if (!(ratePerSecond >= 0.01 && ratePerSecond <= 100_000)) problems.push(`smtp.ratePerSecond: must be from 0.01 to 100000, got ${ratePerSecond}`);
  const fileUser = stringAt(from, 'smtp.user', problems);
  const user = fileUser ?? url?.user;
  const password = env.SMTP_PASSWORD || undefined;
  // Without a password the server would be reached without logging in, and the digest refused
  // only when it is sent (Monday 08:00 under the service): say so now.
  if (user && !password) {
    const where = fileUser ? 'smtp.user' : "SMTP_URL's user";
    problems.push(`${where} is set but SMTP_PASSWORD is not: set the password in the environment (SMTP_PASSWORD), or remove the user to send without logging in`);
  }
  if (!host) {
    problems.push('smtp: no host (set smtp.host, or SMTP_URL such as smtp://user@host:587)');
    return undefined;
  }
  return {
    host,
    port,
    secure,
    requireTls: !secure && (flag('requireTls') ?? !isLoopback(host)),
    ...(user ? { user } : {}),
    ...(password ? { password } : {}),
    ...(caPath ? { caFile: caPath } : {}),
    attempts,
    retryDelaySeconds,
    connections,
    ratePerSecond,
  };
}

/** SMTP_URL's parts. The URL is never quoted in a message: it may hold a password. */
function readSmtpUrl(value: string, problems: string[]): SmtpUrl | undefined {
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
  return {
    ...(url.hostname ? { host: url.hostname.replace(/^\[|\]$/g, '') } : {}),
    ...(url.port ? { port: Number(url.port) } : {}),
    secure: url.protocol === 'smtps:',
    ...(url.username ? { user: decodeURIComponent(url.username) } : {}),
  };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function isReadableFile(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
