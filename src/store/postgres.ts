import pg from 'pg';
import { hostname } from 'node:os';
import { AppError, describeError } from '../errors.js';
import { pgFault, redactUrl } from './pg-faults.js';
import type { Article, SourceState } from '../model.js';
import { shortHash } from '../util/hash.js';
import { PG_MIGRATIONS } from './pg-migrations.js';
import { PgDigestRecords } from './postgres-digests.js';
import { PgSubscriberRecords } from './postgres-subscribers.js';
import { PgBatch } from './pg-batch.js';
import { SaveQueue } from './save-queue.js';
import { fromRow, sourceStateFromRow, type ArticleRow, type SourceRow } from './rows.js';
import type { CollectedItem, FileRecord, FileStamp, FileState, ItemIdentity, LockHandle, SaveResult, Store } from './store.js';

// The archive on a PostgreSQL server through `pg` (a pool of connections): the implementation of
// Store that several instances can share. The only importer of pg besides the job queue. Each
// write that SQLite does in a transaction is a transaction here too.

/** Runs a query on the pool or on one client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'>;

/** BIGINT (int8) columns hold millisecond times and counts: read them as numbers, not strings. */
const TYPES = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === pg.types.builtins.INT8 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/** How long to wait for a connection to the server (or a free one in the pool). */
const CONNECT_TIMEOUT_MS = 30_000;

/** The first key of zhoukan's advisory locks ("zk"), so they do not collide with another program's on a shared database. */
const LOCK_CLASS = 0x7a6b;
/** The second key of the lock that serialises schema migrations (job locks use hashtext(kind)). */
const MIGRATION_LOCK = 0;

interface LockRow {
  pid: number;
  host: string;
  acquired_at: number;
}

export interface PgStoreOptions {
  /** Connections in the pool; each held job lock keeps one. */
  maxConnections?: number;
}

/** The archive in a PostgreSQL database. */
export class PgStore implements Store {
  /** The server's URL without its password, for messages. */
  readonly path: string;
  readonly digests: PgDigestRecords;
  readonly subscribers: PgSubscriberRecords;
  /** Connections that hold a job lock, released on close. */
  private readonly lockClients = new Set<pg.PoolClient>();
  private readonly saves = new SaveQueue<CollectedItem, SaveResult>((items, now) => this.saveBatch(items, new Date(now)));
  private readonly sourceWrites = new SaveQueue<SourceState, undefined>((states) => this.writeSourceStates(states));

  private constructor(
    private readonly pool: pg.Pool,
    path: string,
  ) {
    this.path = path;
    this.digests = new PgDigestRecords(pool, (work) => this.transaction(work));
    this.subscribers = new PgSubscriberRecords(pool);
  }

  /**
   * Connects to the database at `url` and brings its schema up to date (under an advisory lock, so
   * instances that start at once migrate one after the other). A server that cannot be reached or
   * refuses the login is one clear error naming the URL without its password.
   */
  static async open(url: string, options: PgStoreOptions = {}): Promise<PgStore> {
    const where = redactUrl(url);
    const pool = new pg.Pool({
      connectionString: url,
      max: options.maxConnections ?? 8,
      types: TYPES,
      application_name: 'zhoukan',
      // A server behind a firewall that drops packets would otherwise hold the run for minutes.
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    });
    // An idle connection that the server drops is an error event on the pool; without a listener
    // it would end the process. The next query opens a new connection and meets the fault itself.
    pool.on('error', () => undefined);
    const store = new PgStore(pool, where);
    try {
      await store.transaction(async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_CLASS, MIGRATION_LOCK]);
        await migrate(client);
      });
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw pgFault(error, where) ?? new AppError('STORE_IO', `${where}: cannot open the archive: ${describeError(error)}`, { cause: error });
    }
    return store;
  }

  /** Runs `work` in one transaction on one connection: all of it is committed, or none. */
  async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      client.release();
      return result;
    } catch (error) {
      // A connection whose rollback fails is dropped, not returned to the pool.
      const rollback = await client.query('ROLLBACK').then(
        () => undefined,
        (failure: unknown) => (failure instanceof Error ? failure : new Error(String(failure))),
      );
      client.release(rollback);
      throw error;
    }
  }

  async close(): Promise<void> {
    for (const client of this.lockClients) client.release(true);
    this.lockClients.clear();
    if (!this.pool.ended) await this.pool.end();
  }

  async getMeta(key: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ value: string }>('SELECT value FROM meta WHERE key = $1', [key]);
    return rows[0]?.value;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.pool.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
  }

  async fileStates(source: string): Promise<Map<string, FileState>> {
    const { rows } = await this.pool.query<{ path: string; size: number; mtime_ms: number; content_hash: string; article_id: string | null; deleted_at: number | null }>(
      'SELECT path, size, mtime_ms, content_hash, article_id, deleted_at FROM files WHERE source = $1',
      [source],
    );
    const states = new Map<string, FileState>();
    for (const row of rows) {
      const state: FileState = { size: row.size, mtimeMs: row.mtime_ms, contentHash: row.content_hash, deleted: row.deleted_at !== null };
      if (row.article_id) state.articleId = row.article_id;
      states.set(row.path, state);
    }
    return states;
  }

  async fileStamps(source: string): Promise<Map<string, FileStamp>> {
    const { rows } = await this.pool.query<{ path: string; size: number; mtime_ms: number; deleted_at: number | null }>(
      'SELECT path, size, mtime_ms, deleted_at FROM files WHERE source = $1',
      [source],
    );
    return new Map(rows.map((row) => [row.path, { size: row.size, mtimeMs: row.mtime_ms, deleted: row.deleted_at !== null }]));
  }

  async fileContentHash(source: string, path: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ content_hash: string }>('SELECT content_hash FROM files WHERE source = $1 AND path = $2', [source, path]);
    return rows[0]?.content_hash;
  }

  async touchFiles(files: FileRecord[]): Promise<void> {
    if (files.length === 0) return;
    await this.pool.query(
      `UPDATE files SET size = t.size, mtime_ms = t.mtime_ms, deleted_at = NULL
       FROM unnest($1::text[], $2::text[], $3::bigint[], $4::float8[]) AS t(source, path, size, mtime_ms)
       WHERE files.source = t.source AND files.path = t.path`,
      [files.map((f) => f.source), files.map((f) => f.path), files.map((f) => f.size), files.map((f) => f.mtimeMs)],
    );
  }

  async markFilesDeleted(source: string, paths: string[], now: Date): Promise<void> {
    if (paths.length === 0) return;
    await this.pool.query('UPDATE files SET deleted_at = $1 WHERE source = $2 AND path = ANY($3::text[]) AND deleted_at IS NULL', [
      now.getTime(),
      source,
      paths,
    ]);
  }

  /**
   * Saves a batch all or nothing, as SQLite does. The calls made while a save is under way are saved
   * together in the next transaction (see SaveQueue): that is one wait for the revision counter's
   * lock for all the feeds of this process that are fetched at once, not one each.
   */
  async saveCollected(items: CollectedItem[], now: Date): Promise<SaveResult[]> {
    if (items.length === 0) return [];
    return this.saves.save(items, now.getTime());
  }

  /**
   * Saves a batch in one transaction. The batch first locks the revision counter's
   * row and holds it to the commit, so batches from several instances save one after the other:
   * each takes the next revisions, and a revision is never committed after a higher one a reader
   * (a digest, a build) may already have counted from. A sequence would hand out numbers without
   * that order. Finding an id, a duplicate body or a free slug under the same lock sees every
   * earlier batch, so two instances never archive the same id twice or give two articles one slug.
   */
  private async saveBatch(items: CollectedItem[], now: Date): Promise<SaveResult[]> {
    return this.transaction(async (client) => {
      const { rows } = await client.query<{ value: string }>(`SELECT value FROM meta WHERE key = 'revision' FOR UPDATE`);
      const start = Number(rows[0]?.value ?? '0');
      const batch = await PgBatch.load(client, items, now, start);
      const results = items.map((item) => batch.save(item));
      await batch.write(client);
      if (batch.currentRevision !== start) {
        await client.query(`UPDATE meta SET value = $1 WHERE key = 'revision'`, [String(batch.currentRevision)]);
      }
      return results;
    });
  }

  async revision(): Promise<number> {
    return Number((await this.getMeta('revision')) ?? '0');
  }

  async latestArticles(limit: number): Promise<Article[]> {
    const { rows } = await this.pool.query<ArticleRow>('SELECT * FROM articles WHERE duplicate_of IS NULL ORDER BY published DESC, id LIMIT $1', [limit]);
    return rows.map(fromRow);
  }

  async revisionsSince(revision: number): Promise<number[]> {
    const { rows } = await this.pool.query<{ revision: number }>('SELECT revision FROM articles WHERE revision > $1 ORDER BY revision', [revision]);
    return rows.map((row) => row.revision);
  }

  async articlesAtRevisions(revisions: readonly number[]): Promise<(Article & { revision: number })[]> {
    const { rows } = await this.pool.query<ArticleRow>(
      'SELECT * FROM articles WHERE revision = ANY($1::bigint[]) AND duplicate_of IS NULL ORDER BY revision',
      [revisions],
    );
    return rows.map((row) => ({ ...fromRow(row), revision: row.revision }));
  }

  async idForLink(link: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ id: string }>('SELECT id FROM articles WHERE link = $1 ORDER BY first_seen, revision LIMIT 1', [link]);
    return rows[0]?.id;
  }

  async hasArticle(id: string): Promise<boolean> {
    return (await this.pool.query('SELECT 1 FROM articles WHERE id = $1', [id])).rowCount === 1;
  }

  async archivedIds(items: readonly ItemIdentity[]): Promise<string[]> {
    if (items.length === 0) return [];
    // The first article of each link is found among the articles with the items' links (an index
    // scan), not per item with ORDER BY first_seen LIMIT 1, which the planner may run as a walk of
    // the whole archive in first_seen order looking for a link that is not there.
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT COALESCE(own.id, earliest.id, t.id) AS id
       FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(id, link, n)
       LEFT JOIN articles own ON own.id = t.id
       LEFT JOIN (
         SELECT DISTINCT ON (link) link, id FROM articles WHERE link = ANY($2::text[]) ORDER BY link, first_seen, revision
       ) earliest ON earliest.link = t.link
       ORDER BY t.n`,
      [items.map((item) => item.id), items.map((item) => item.link || null)],
    );
    return rows.map((row) => row.id);
  }

  async getArticle(id: string): Promise<Article | undefined> {
    const { rows } = await this.pool.query<ArticleRow>('SELECT * FROM articles WHERE id = $1', [id]);
    return rows[0] ? fromRow(rows[0]) : undefined;
  }

  async counts(): Promise<{ articles: number; duplicates: number }> {
    const { rows } = await this.pool.query<{ articles: number; duplicates: number }>(
      'SELECT COUNT(*) FILTER (WHERE duplicate_of IS NULL) AS articles, COUNT(*) FILTER (WHERE duplicate_of IS NOT NULL) AS duplicates FROM articles',
    );
    return { articles: rows[0]?.articles ?? 0, duplicates: rows[0]?.duplicates ?? 0 };
  }

  async getSourceState(key: string): Promise<SourceState | undefined> {
    const { rows } = await this.pool.query<SourceRow>('SELECT * FROM sources WHERE key = $1', [key]);
    return rows[0] ? sourceStateFromRow(rows[0]) : undefined;
  }


  async sourceStates(keys: readonly string[]): Promise<Map<string, SourceState>> {
    const { rows } = await this.pool.query<SourceRow>('SELECT * FROM sources WHERE key = ANY($1::text[])', [keys]);
    return new Map(rows.map((row) => [row.key, sourceStateFromRow(row)]));
  }

  /** The states saved while a write is under way (the feeds fetched at once) are written together in the next. */
  async saveSourceState(state: SourceState): Promise<void> {
    await this.sourceWrites.save([state], 0);
  }

  /** Upserts states in one statement; of a key given twice, the last state is kept, as successive saves would. */
  private async writeSourceStates(states: SourceState[]): Promise<undefined[]> {
    const last = [...new Map(states.map((state) => [state.key, state])).values()];
    await this.pool.query(
      `INSERT INTO sources (key, url, etag, last_modified, last_success, error_count, last_error, next_check)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::int[], $7::text[], $8::bigint[])
       ON CONFLICT (key) DO UPDATE SET url = excluded.url, etag = excluded.etag, last_modified = excluded.last_modified,
         last_success = excluded.last_success, error_count = excluded.error_count, last_error = excluded.last_error,
         next_check = excluded.next_check`,
      [
        last.map((state) => state.key),
        last.map((state) => state.url ?? null),
        last.map((state) => state.etag ?? null),
        last.map((state) => state.lastModified ?? null),
        last.map((state) => state.lastSuccess?.getTime() ?? null),
        last.map((state) => state.errorCount),
        last.map((state) => state.lastError ?? null),
        last.map((state) => state.nextCheck?.getTime() ?? null),
      ],
    );
    return states.map(() => undefined);
  }

  /**
   * Takes the lock of a job kind as a session advisory lock on a connection kept until release.
   * The server frees it when that connection ends, so the lock of an instance that died (killed,
   * crashed, its machine gone) frees itself: no pid to check across machines, no expiry to guess.
   * The locks table only says who holds it, for messages.
   */
  async tryLock(kind: string, now: Date): Promise<LockHandle | undefined> {
    const client = await this.pool.connect();
    try {
      const { rows } = await client.query<{ taken: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS taken', [LOCK_CLASS, kind]);
      if (!rows[0]?.taken) {
        client.release();
        return undefined;
      }
      const owner = `${hostname()}:${process.pid}:${shortHash(`${now.getTime()}${Math.random()}`, 8)}`;
      await client.query(
        `INSERT INTO locks (kind, owner, pid, host, acquired_at, backend_pid) VALUES ($1, $2, $3, $4, $5, pg_backend_pid())
         ON CONFLICT (kind) DO UPDATE SET owner = excluded.owner, pid = excluded.pid, host = excluded.host,
           acquired_at = excluded.acquired_at, backend_pid = excluded.backend_pid`,
        [kind, owner, process.pid, hostname(), now.getTime()],
      );
      this.lockClients.add(client);
      let released = false;
      return {
        release: async () => {
          if (released || !this.lockClients.has(client)) return;
          released = true;
          this.lockClients.delete(client);
          try {
            await client.query('DELETE FROM locks WHERE kind = $1 AND owner = $2', [kind, owner]);
            await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_CLASS, kind]);
            client.release();
          } catch (error) {
            // Dropping the connection frees the advisory lock all the same.
            client.release(true);
            throw error;
          }
        },
      };
    } catch (error) {
      if (!this.lockClients.has(client)) client.release(true);
      throw error;
    }
  }

  /** Who holds a lock: the row of a holder whose connection still holds the advisory lock. */
  async lockHolder(kind: string): Promise<{ pid: number; host: string; since: Date } | undefined> {
    const { rows } = await this.pool.query<LockRow>(
      `SELECT pid, host, acquired_at FROM locks WHERE kind = $1 AND EXISTS (
         SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND pg_locks.pid = locks.backend_pid
           AND classid = $2::int4::oid AND objid = hashtext($1)::oid AND objsubid = 2)`,
      [kind, LOCK_CLASS],
    );
    const held = rows[0];
    return held ? { pid: held.pid, host: held.host, since: new Date(held.acquired_at) } : undefined;
  }
}

async function migrate(client: pg.PoolClient): Promise<void> {
  await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)');
  const { rows } = await client.query<{ version: number | null }>('SELECT MAX(version) AS version FROM schema_migrations');
  const current = rows[0]?.version ?? 0;
  if (current > PG_MIGRATIONS.length) {
    throw new AppError('STORE_IO', `the archive's schema (${current}) is newer than this program knows (${PG_MIGRATIONS.length}); run a newer zhoukan`);
  }
  for (let version = current; version < PG_MIGRATIONS.length; version++) {
    await client.query(PG_MIGRATIONS[version] as string);
    await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [version + 1, Date.now()]);
  }
}
