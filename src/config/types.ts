// The configuration's shape, as loadConfig (config.ts) returns it, frozen. The readers of its
// parts (config/*.ts) and config.ts share these types; config.ts exports them to the rest.

import type { ThemeModelSetting } from '../themes/model-file.js';
import type { Taxonomy } from '../themes/taxonomy.js';
import type { DatabaseConfig } from './database.js';
import type { SmtpConfig } from './smtp.js';

export type { SmtpConfig } from './smtp.js';

export interface FolderSource {
  name: string;
  /** Absolute path of the folder. */
  path: string;
}

export interface FeedSource {
  name: string;
  /** The feed's configured URL: its key in the archive, even after a permanent redirect. */
  url: string;
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
  /** Remote RSS, Atom or JSON feeds. */
  feeds: FeedSource[];
  /** Cron expressions, read in `timeZone`. */
  schedule: { collect: string; digest: string };
  digest: DigestSettings;
  /** The signup form's limits (server/subscription.ts). */
  signup: SignupSettings;
  /** Absent when no SMTP server is configured: the digest then goes to data/outbox/. */
  smtp?: SmtpConfig;
  /** Themes for the digest; undefined groups by clustering alone. */
  taxonomy?: Taxonomy;
  /** The learned theme model's file (`zhoukan themes train`); undefined: none. */
  themeModel?: ThemeModelSetting;
  /** Secret for the per-recipient unsubscribe tokens (ZHOUKAN_UNSUBSCRIBE_SECRET); environment only. */
  unsubscribeSecret?: string;
  server: { host: string; port: number };
  /** How long a manual run waits for a job of the same kind running in another process. */
  lockWaitSeconds: number;
  /** Threads that clean a large change (0: the main thread cleans); unset, the cores and the change decide. */
  workers?: number;
  /** Limits on fetching one remote feed. */
  fetch: { connectTimeoutSeconds: number; timeoutSeconds: number; maxBytes: number; maxItems: number };
  /** Absolute path of the output folder. */
  output: string;
  /** Absolute path of the data folder (archive, identity, outbox). */
  data: string;
  /** A PostgreSQL archive (ZHOUKAN_DATABASE_URL or database.url); absent: the SQLite archive in `data`. */
  database?: DatabaseConfig;
  /** How `zhoukan start` instances on one PostgreSQL archive share the work. */
  cluster: {
    /** This instance writes output/ (builds); false on instances whose output/ nobody serves. */
    build: boolean;
    /** How long a job held by an instance that stopped answering waits before another takes it. */
    takeoverSeconds: number;
  };
}

export interface DigestSettings {
  recipients: string[];
  /** The From address, e.g. "周刊 <digest@example.org>". */
  from: string;
  /** Where unsubscribe e-mails go (the mailto: of List-Unsubscribe). */
  unsubscribeMailto: string;
  /** Articles in one digest at most (the first digest takes the newest of the archive). */
  maxArticles: number;
  /** Entries shown per theme in the e-mail; the rest are on the web copy. */
  entriesPerTheme: number;
  /** The signup form sends a confirmation link and subscribes only once it is followed (default true). */
  doubleOptIn: boolean;
  /** Soft bounces (reports of a temporary failure) after which an address is suppressed. */
  softBounceLimit: number;
}

export interface SignupSettings {
  /** Signups one client address may make at once (the token bucket's size). */
  burst: number;
  /** ... and then per hour (the bucket's refill rate). */
  perHour: number;
  /** At most one confirmation (or "manage your subscription") mail per address in this many minutes. */
  resendMinutes: number;
  /** A signup never confirmed is forgotten after this many days; its link expires with it. */
  pendingDays: number;
  /** Count clients by the address a reverse proxy adds last to X-Forwarded-For. */
  trustProxy: boolean;
}
