import type { AppError } from '../errors.js';
import type { Log } from '../util/log.js';
import { pgFault } from './pg-faults.js';
import { archiveFault as sqliteFault, SqliteStore } from './sqlite.js';
import type { ArchiveLocation } from './location.js';
import type { Store } from './store.js';

// Which archive a run uses: the PostgreSQL database the configuration names, else the SQLite file
// in data/. The PostgreSQL client is loaded only for a PostgreSQL archive.

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
