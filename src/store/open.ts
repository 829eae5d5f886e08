import { join } from 'node:path';
import type { AppError } from '../errors.js';
import type { Config } from '../config.js';
import type { Log } from '../util/log.js';
import { pgFault, redactUrl } from './pg-faults.js';
import { archiveFault as sqliteFault, SqliteStore } from './sqlite.js';
import type { Store } from './store.js';

// Which archive a run uses: the PostgreSQL database the configuration names, else the SQLite file
// in data/. The PostgreSQL client is loaded only for a PostgreSQL archive.

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

/** Opens the archive (creating its schema if needed). */
export async function openArchive(location: ArchiveLocation, options: { log?: Pick<Log, 'warn'> } = {}): Promise<Store> {
  if (location.kind === 'sqlite') return SqliteStore.open(location.path, options);
  const { PgStore } = await import('./postgres.js');
  return PgStore.open(location.url);
}

/**
 * The archive's faults that no retry within the run can mend, found in `error` or its causes, as
 * one message that names the archive and says what to do; undefined for anything else.
 */
export function archiveFault(error: unknown, location: ArchiveLocation): AppError | undefined {
  return location.kind === 'sqlite' ? sqliteFault(error, location.path) : pgFault(error, location.path);
}
