import { AppError } from '../errors.js';
import type { PgStore } from './postgres.js';
import type { SqliteStore } from './sqlite.js';

// `zhoukan migrate --to postgres://…`: copies a SQLite archive into an empty PostgreSQL one, row for
// row (revisions, slugs and time stamps as they are), in one transaction on the server, so that a
// failure leaves the target as empty as it was. Job locks are not copied: they belong to processes.

/** Tables in an order that respects their references; each with its primary key (the order batches are read in). */
const TABLES: readonly { table: string; keys: readonly string[]; filters?: readonly string[] }[] = [
  { table: 'meta', keys: ['key'] },
  // A duplicate refers to its original, which is never a duplicate itself: originals first.
  { table: 'articles', keys: ['id'], filters: ['duplicate_of IS NULL', 'duplicate_of IS NOT NULL'] },
  { table: 'files', keys: ['source', 'path'] },
  { table: 'sources', keys: ['key'] },
  { table: 'digests', keys: ['id'] },
  { table: 'digest_articles', keys: ['digest_id', 'article_id'] },
  { table: 'deliveries', keys: ['digest_id', 'recipient'] },
  { table: 'unsubscribes', keys: ['recipient'] },
  { table: 'subscribers', keys: ['address'] },
];

/** PostgreSQL takes at most 65,535 parameters per statement. */
const MAX_PARAMETERS = 65_535;

export interface CopiedTable {
  table: string;
  rows: number;
}

/** Copies the archive; refuses a target that holds anything; checks every table's count before committing. */
export async function copyToPostgres(source: SqliteStore, target: PgStore, options: { batchSize?: number } = {}): Promise<CopiedTable[]> {
  const batchSize = options.batchSize ?? 500;
  return source.readConsistently(() =>
    target.transaction(async (client) => {
      // Holds off any instance that would save into the target meanwhile.
      await client.query(`SELECT value FROM meta WHERE key = 'revision' FOR UPDATE`);
      const held = await targetContents(client);
      if (held.length > 0) {
        throw new AppError(
          'STORE_NOT_EMPTY',
          `${target.path}: the target archive is not empty (${held.join(', ')}); migrate copies into an empty database only: create a new one (createdb) and run again`,
        );
      }
      const copied: CopiedTable[] = [];
      for (const { table, keys, filters } of TABLES) {
        for (const filter of filters ?? ['1']) {
          for await (const rows of source.exportRows(table, keys, filter, batchSize)) await insertRows(client, table, rows);
        }
        const expected = await source.countRows(table);
        const { rows } = await client.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`);
        const found = rows[0]?.n ?? 0;
        if (found !== expected) {
          throw new AppError('STORE_IO', `${target.path}: ${table} holds ${found} rows after the copy, the SQLite archive ${expected}; nothing was copied`);
        }
        copied.push({ table, rows: found });
      }
      return copied;
    }),
  );
}

/** What a target holds beyond a new archive's own rows, as "3 articles" parts. */
async function targetContents(client: QueryClient): Promise<string[]> {
  const held: string[] = [];
  for (const { table } of TABLES) {
    const filter = table === 'meta' ? ` WHERE NOT (key = 'revision' AND value = '0')` : '';
    const { rows } = await client.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}${filter}`);
    const count = rows[0]?.n ?? 0;
    if (count > 0) held.push(`${count} ${table === 'meta' ? 'settings' : table}`);
  }
  return held;
}

interface QueryClient {
  query<R extends object>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

/** One multi-row INSERT per batch (split to stay under the parameter limit); meta's revision row is replaced. */
async function insertRows(client: QueryClient, table: string, rows: Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0] as Record<string, unknown>);
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
  for (let start = 0; start < rows.length; start += perStatement) {
    const slice = rows.slice(start, start + perStatement);
    const values: unknown[] = [];
    const tuples = slice.map((row) => `(${columns.map((column) => `$${values.push(row[column])}`).join(', ')})`);
    const conflict = table === 'meta' ? ' ON CONFLICT (key) DO UPDATE SET value = excluded.value' : '';
    await client.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}${conflict}`, values);
  }
}
