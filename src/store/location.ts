import { join } from 'node:path';
import type { Config } from '../config.js';
import { redactUrl } from './pg-faults.js';

// Where a run's archive is, worked out from the configuration without opening it (or loading a
// database client): the PostgreSQL database the configuration names, else the SQLite file in data/.

export const ARCHIVE_FILE = 'zhoukan.db';

/** Where the archive is; `path` is what messages show (a PostgreSQL URL without its password). */
export type ArchiveLocation = { kind: 'sqlite'; path: string } | { kind: 'postgres'; path: string; url: string };

export function archiveLocation(config: Pick<Config, 'data' | 'database'>): ArchiveLocation {
  if (config.database) return { kind: 'postgres', path: redactUrl(config.database.url), url: config.database.url };
  return sqliteLocation(config);
}

/** The SQLite archive in data/, whatever the configuration selects. */
export function sqliteLocation(config: Pick<Config, 'data'>): ArchiveLocation {
  return { kind: 'sqlite', path: join(config.data, ARCHIVE_FILE) };
}
