import Database from 'better-sqlite3';
import { mkdirSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname } from 'node:path';
import { AppError, describeError } from '../errors.js';
import type { Article, SourceState } from '../model.js';
import { shortHash } from '../util/hash.js';
import type { Log } from '../util/log.js';
import { slugFor } from '../util/slug.js';
import { DigestRecords } from './digests.js';
import { SubscriberRecords } from './subscribers.js';
import { MIGRATIONS } from './migrations.js';
import { articleHashes, fromRow, sourceStateFromRow, toRow, type ArticleHashes, type ArticleRow, type SourceRow } from './rows.js';

// The archive: SQLite through better-sqlite3, WAL, numbered migrations. The only importer of
// better-sqlite3. Every write is a transaction, so a killed process leaves either all of a batch
// or none of it.

import type { CollectedItem, FileRecord, FileStamp, FileState, ItemIdentity, LockHandle, NewArticle, SaveResult, Store } from './store.js';

interface LockRow {
  owner: string;
  pid: number;
  host: string;
  acquired_at: number;
}

/** The archive in a SQLite file: the default, embedded implementation of Store. */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  readonly path: string;
  /** Digests, deliveries and unsubscribes. */
  readonly digests: DigestRecords;
  /** The digest's readers. */
  readonly subscribers: SubscriberRecords;

  /** Prepared once per archive: preparing costs more than running a small statement. */
  private readonly statements = new Map<string, Database.Statement>();

  private constructor(db: Database.Database, path: string) {
    this.db = db;
    this.path = path;
    this.digests = new DigestRecords(db);
    this.subscribers = new SubscriberRecords(db);
  }

  /**
   * Opens (creating if needed) the archive at `path` and brings its schema up to date. An empty
   * file becomes a new archive, with a warning: it may be an archive that lost its content.
   */
  static open(path: string, options: { log?: Pick<Log, 'warn'> } = {}): SqliteStore {
    let db: Database.Database;
    try {
      if (path !== ':memory:') {
        mkdirSync(dirname(path), { recursive: true });
        if (isEmptyFile(path) && isEmptyFile(`${path}-wal`) !== false) {
          options.log?.warn(
            `${path}: the archive file is empty (0 bytes); initializing it as a new, empty archive, so every post is read as new. If it held an archive before, restore that from a backup`,
          );
        }
      }
      db = new Database(path);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      migrate(db);
    } catch (error) {
      throw archiveFault(error, path) ?? new AppError('STORE_IO', `${path}: cannot open the archive: ${describeError(error)}`, { cause: error });
    }
    return new SqliteStore(db, path);
  }

  /** The prepared statement for `sql`, prepared on first use. */
  private sql(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  async getMeta(key: string): Promise<string | undefined> {
    return this.readMeta(key);
  }

  async setMeta(key: string, value: string): Promise<void> {
    this.writeMeta(key, value);
  }

  private readMeta(key: string): string | undefined {
    const row = this.sql('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }

  private writeMeta(key: string, value: string): void {
    this.sql('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  /** Inside a transaction, where nothing may wait. */
  private currentRevision(): number {
    return Number(this.readMeta('revision') ?? '0');
  }

  /** What is known about every file of a folder source, by path. */
  async fileStates(source: string): Promise<Map<string, FileState>> {
    // Rows as arrays, and one object per file: at 100k files this runs on every collect.
    const rows = this.db
      .prepare('SELECT path, size, mtime_ms, content_hash, article_id, deleted_at FROM files WHERE source = ?')
      .raw(true)
      .all(source) as [string, number, number, string, string | null, number | null][];
    const states = new Map<string, FileState>();
    for (const [path, size, mtimeMs, contentHash, articleId, deletedAt] of rows) {
      const state: FileState = { size, mtimeMs, contentHash, deleted: deletedAt !== null };
      if (articleId) state.articleId = articleId;
      states.set(path, state);
    }
    return states;
  }

  /**
   * Size, mtime and deletion of every file of a folder source: all a rerun compares, and about half
   * the cost of fileStates for a large folder (no hashes or ids are read).
   */
  async fileStamps(source: string): Promise<Map<string, FileStamp>> {
    const rows = this.db
      .prepare('SELECT path, size, mtime_ms, deleted_at FROM files WHERE source = ?')
      .raw(true)
      .all(source) as [string, number, number, number | null][];
    const stamps = new Map<string, FileStamp>();
    for (const [path, size, mtimeMs, deletedAt] of rows) stamps.set(path, { size, mtimeMs, deleted: deletedAt !== null });
    return stamps;
  }

  /** The hash of a file's bytes at its last read, if the file is known. */
  async fileContentHash(source: string, path: string): Promise<string | undefined> {
    const row = this.sql('SELECT content_hash FROM files WHERE source = ? AND path = ?').get(source, path) as { content_hash: string } | undefined;
    return row?.content_hash;
  }

  /** Records a file whose bytes did not change although its size or mtime did. */
  async touchFiles(files: FileRecord[]): Promise<void> {
    const update = this.sql(
      'UPDATE files SET size = ?, mtime_ms = ?, deleted_at = NULL WHERE source = ? AND path = ?',
    );
    this.db.transaction(() => {
      for (const file of files) update.run(file.size, file.mtimeMs, file.source, file.path);
    })();
  }

  /** Marks files as gone from their folder; their articles stay archived. */
  async markFilesDeleted(source: string, paths: string[], now: Date): Promise<void> {
    const update = this.sql('UPDATE files SET deleted_at = ? WHERE source = ? AND path = ? AND deleted_at IS NULL');
    this.db.transaction(() => {
      for (const path of paths) update.run(now.getTime(), source, path);
    })();
  }

  /**
   * Saves a batch of collected items in one transaction: new articles are inserted, changed ones
   * updated (same id and slug, a new revision), the same body under another id is kept as a
   * duplicate and never published. Files are recorded with their articles, so a crash loses the
   * whole batch or nothing, and a rerun reads exactly what was not saved.
   */
  async saveCollected(items: CollectedItem[], now: Date): Promise<SaveResult[]> {
    return this.db.transaction(() => {
      // The revision counter is read once and written once per batch, not per article.
      const counter = { revision: this.currentRevision() };
      const start = counter.revision;
      const results = items.map((item) => this.saveOne(item, now, counter));
      if (counter.revision !== start) this.writeMeta('revision', String(counter.revision));
      return results;
    })();
  }

  private saveOne(item: CollectedItem, now: Date, counter: { revision: number }): SaveResult {
    let result: SaveResult = { outcome: 'skipped' };
    if (item.article) result = this.saveArticle(item.article, articleHashes(item.article), now, counter);
    if (item.file) {
      this.sql(
        `INSERT INTO files (source, path, size, mtime_ms, content_hash, article_id, problem, deleted_at)
         VALUES (@source, @path, @size, @mtimeMs, @contentHash, @articleId, @problem, NULL)
         ON CONFLICT(source, path) DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms,
           content_hash = excluded.content_hash, article_id = excluded.article_id,
           problem = excluded.problem, deleted_at = NULL`,
      ).run({
        source: item.file.source,
        path: item.file.path,
        size: item.file.size,
        mtimeMs: item.file.mtimeMs,
        contentHash: item.file.contentHash,
        articleId: result.id ?? null,
        problem: item.problem ?? null,
      });
    }
    return result;
  }

  private saveArticle(article: NewArticle, hashes: ArticleHashes, now: Date, counter: { revision: number }): SaveResult {
    const { content: contentHash, body: bodyHash } = hashes;
    const existing = this.sql('SELECT slug, content_hash, duplicate_of FROM articles WHERE id = ?').get(article.id) as
      | { slug: string; content_hash: string; duplicate_of: string | null }
      | undefined;
    if (existing) {
      if (existing.content_hash === contentHash) return { outcome: 'unchanged', id: article.id };
      const revision = (counter.revision += 1);
      // An edit without its own `updated` date is dated by when it was seen.
      const updated = article.updated ?? now;
      this.sql(
        `UPDATE articles SET source = @source, path = @path, link = @link, title = @title, published = @published,
           date_guessed = @dateGuessed, updated = @updated, author = @author, categories = @categories, html = @html,
           text = @text, simplified_text = @simplifiedText, summary = @summary, length = @length, images = @images, lead_image = @leadImage, meta = @meta,
           content_hash = @contentHash, body_hash = @bodyHash, last_changed = @now, revision = @revision
         WHERE id = @id`,
      )
        .run({ ...toRow(article), updated: updated.getTime(), contentHash, bodyHash, now: now.getTime(), revision });
      return {
        outcome: 'updated',
        id: article.id,
        revision,
        ...(existing.duplicate_of === null ? { published: { ...article, updated, slug: existing.slug } } : {}),
      };
    }

    const original = article.text.trim()
      ? (this.sql('SELECT id FROM articles WHERE body_hash = ? AND duplicate_of IS NULL ORDER BY first_seen LIMIT 1').get(bodyHash) as
          | { id: string }
          | undefined)
      : undefined;
    const revision = (counter.revision += 1);
    const slug = this.freeSlug(article);
    this.sql(
      `INSERT INTO articles (id, slug, source, path, link, title, published, date_guessed, updated, author, categories,
         html, text, simplified_text, summary, length, images, lead_image, meta, content_hash, body_hash, duplicate_of, first_seen,
         last_changed, revision, first_revision)
       VALUES (@id, @slug, @source, @path, @link, @title, @published, @dateGuessed, @updated, @author, @categories,
         @html, @text, @simplifiedText, @summary, @length, @images, @leadImage, @meta, @contentHash, @bodyHash, @duplicateOf, @now,
         @now, @revision, @revision)`,
    ).run({
      ...toRow(article),
      slug,
      contentHash,
      bodyHash,
      duplicateOf: original?.id ?? null,
      now: now.getTime(),
      revision,
    });
    return original
      ? { outcome: 'duplicate', id: article.id, duplicateOf: original.id, revision }
      : { outcome: 'new', id: article.id, revision, published: { ...article, slug } };
  }

  /** Slugs are fixed when an article is first archived, so its page never moves. */
  private freeSlug(article: NewArticle): string {
    const taken = this.sql('SELECT 1 FROM articles WHERE slug = ?');
    const slug = slugFor(article);
    if (!taken.get(slug)) return slug;
    return `${slug}-${shortHash(article.id, 8)}`;
  }

  /** The current revision: every change to an article takes the next number. */
  async revision(): Promise<number> {
    return this.currentRevision();
  }

  /** Published (non-duplicate) articles, newest first. */
  async latestArticles(limit: number): Promise<Article[]> {
    const rows = this
      .sql('SELECT * FROM articles WHERE duplicate_of IS NULL ORDER BY published DESC, id LIMIT ?')
      .all(limit) as ArticleRow[];
    return rows.map(fromRow);
  }

  /** The revisions after the given one (all for 0), duplicates included, in order: an index-only read. */
  async revisionsSince(revision: number): Promise<number[]> {
    return this.sql('SELECT revision FROM articles WHERE revision > ? ORDER BY revision').pluck().all(revision) as number[];
  }

  /** The published articles at these revisions, oldest change first. */
  async articlesAtRevisions(revisions: readonly number[]): Promise<(Article & { revision: number })[]> {
    const rows = this
      .sql('SELECT * FROM articles WHERE revision IN (SELECT value FROM json_each(?)) AND duplicate_of IS NULL ORDER BY revision')
      .all(JSON.stringify(revisions)) as ArticleRow[];
    return rows.map((row) => ({ ...fromRow(row), revision: row.revision }));
  }

  /** The id of the article archived under this original link, if any. */
  async idForLink(link: string): Promise<string | undefined> {
    const row = this.sql('SELECT id FROM articles WHERE link = ? ORDER BY first_seen LIMIT 1').get(link) as { id: string } | undefined;
    return row?.id;
  }

  async hasArticle(id: string): Promise<boolean> {
    return this.sql('SELECT 1 FROM articles WHERE id = ?').get(id) !== undefined;
  }

  async archivedIds(items: readonly ItemIdentity[]): Promise<string[]> {
    const ids: string[] = [];
    for (const { id, link } of items) ids.push(!link || (await this.hasArticle(id)) ? id : ((await this.idForLink(link)) ?? id));
    return ids;
  }

  async getArticle(id: string): Promise<Article | undefined> {
    const row = this.sql('SELECT * FROM articles WHERE id = ?').get(id) as ArticleRow | undefined;
    return row ? fromRow(row) : undefined;
  }

  async counts(): Promise<{ articles: number; duplicates: number }> {
    // Two index-only counts: a scan of the table itself would read every article's text.
    const articles = (this.sql('SELECT COUNT(*) AS n FROM articles WHERE duplicate_of IS NULL').get() as { n: number }).n;
    const all = (this.sql('SELECT COUNT(*) AS n FROM articles').get() as { n: number }).n;
    return { articles, duplicates: all - articles };
  }

  async getSourceState(key: string): Promise<SourceState | undefined> {
    const row = this.sql('SELECT * FROM sources WHERE key = ?').get(key) as SourceRow | undefined;
    return row ? sourceStateFromRow(row) : undefined;
  }

  async sourceStates(keys: readonly string[]): Promise<Map<string, SourceState>> {
    const states = new Map<string, SourceState>();
    for (const key of keys) {
      const state = await this.getSourceState(key);
      if (state) states.set(key, state);
    }
    return states;
  }


  async saveSourceState(state: SourceState): Promise<void> {
    this
      .sql(
        `INSERT INTO sources (key, url, etag, last_modified, last_success, error_count, last_error, next_check)
         VALUES (@key, @url, @etag, @lastModified, @lastSuccess, @errorCount, @lastError, @nextCheck)
         ON CONFLICT(key) DO UPDATE SET url = excluded.url, etag = excluded.etag, last_modified = excluded.last_modified,
           last_success = excluded.last_success, error_count = excluded.error_count, last_error = excluded.last_error,
           next_check = excluded.next_check`,
      )
      .run({
        key: state.key,
        url: state.url ?? null,
        etag: state.etag ?? null,
        lastModified: state.lastModified ?? null,
        lastSuccess: state.lastSuccess?.getTime() ?? null,
        errorCount: state.errorCount,
        lastError: state.lastError ?? null,
        nextCheck: state.nextCheck?.getTime() ?? null,
      });
  }

  /**
   * Takes the lock of a job kind, or returns undefined when a live process holds it. A lock left by
   * a process that is gone (same host, pid not running) is taken over.
   */
  async tryLock(kind: string, now: Date): Promise<LockHandle | undefined> {
    const owner = `${hostname()}:${process.pid}:${shortHash(`${now.getTime()}${Math.random()}`, 8)}`;
    const acquired = this.db.transaction(() => {
      const held = this.sql('SELECT owner, pid, host, acquired_at FROM locks WHERE kind = ?').get(kind) as LockRow | undefined;
      if (held && isAlive(held)) return false;
      this
        .sql('INSERT INTO locks (kind, owner, pid, host, acquired_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(kind) DO UPDATE SET owner = excluded.owner, pid = excluded.pid, host = excluded.host, acquired_at = excluded.acquired_at')
        .run(kind, owner, process.pid, hostname(), now.getTime());
      return true;
    }).immediate();
    if (!acquired) return undefined;
    return {
      release: async () => {
        if (this.db.open) this.sql('DELETE FROM locks WHERE kind = ? AND owner = ?').run(kind, owner);
      },
    };
  }

  /**
   * Runs `read` inside one read transaction, so that what it reads with `exportRows` and
   * `countRows` is one consistent state of the archive, whatever other processes write meanwhile.
   */
  async readConsistently<T>(read: () => Promise<T>): Promise<T> {
    this.db.exec('BEGIN');
    try {
      this.sql('SELECT 1 FROM meta LIMIT 1').get(); // the snapshot starts with the first read
      return await read();
    } finally {
      this.db.exec('COMMIT');
    }
  }

  /**
   * The rows of a table in batches, ordered by `keys` (its primary key), for copying the archive
   * elsewhere. Table, keys and filter come from the program, never from input.
   */
  async *exportRows(table: string, keys: readonly string[], filter = '1', batchSize = 500): AsyncGenerator<Record<string, unknown>[]> {
    const order = keys.join(', ');
    const first = this.db.prepare(`SELECT * FROM ${table} WHERE ${filter} ORDER BY ${order} LIMIT ?`);
    const next = this.db.prepare(`SELECT * FROM ${table} WHERE ${filter} AND (${order}) > (${keys.map(() => '?').join(', ')}) ORDER BY ${order} LIMIT ?`);
    let rows = first.all(batchSize) as Record<string, unknown>[];
    while (rows.length > 0) {
      yield rows;
      const last = rows[rows.length - 1] as Record<string, unknown>;
      rows = next.all(...keys.map((key) => last[key]), batchSize) as Record<string, unknown>[];
    }
  }

  /** How many rows a table holds (for checking a copy). */
  async countRows(table: string): Promise<number> {
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  }

  /** Who holds a lock, for messages. */
  async lockHolder(kind: string): Promise<{ pid: number; host: string; since: Date } | undefined> {
    const held = this.sql('SELECT owner, pid, host, acquired_at FROM locks WHERE kind = ?').get(kind) as LockRow | undefined;
    return held ? { pid: held.pid, host: held.host, since: new Date(held.acquired_at) } : undefined;
  }
}

/**
 * The archive's faults that no retry within the run can mend (damage, a full disk, an I/O error, no
 * permission to write), found in `error` or its causes, as one message that names the archive and
 * says what to do. Undefined for anything else.
 */
export function archiveFault(error: unknown, path: string): AppError | undefined {
  const damagedRow = causes(error).find((cause) => cause instanceof AppError && cause.code === 'STORE_DAMAGED');
  const found = causes(error).find((cause) => cause instanceof Database.SqliteError) as InstanceType<typeof Database.SqliteError> | undefined;
  const code = found?.code ?? (damagedRow ? 'SQLITE_CORRUPT' : undefined);
  if (!code) return undefined;
  const reason = found ? `${found.message}, ${code}` : describeError(damagedRow);
  const file = basename(path);
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return new AppError(
      'STORE_DAMAGED',
      `${path}: the archive is damaged (${reason}). Restore ${file} from a backup, or salvage what can still be read ` +
        `with the sqlite3 shell as the README says ("A damaged archive"); moving it aside starts a new archive`,
      { cause: error },
    );
  }
  if (code === 'SQLITE_FULL') {
    return new AppError(
      'STORE_IO',
      `${path}: the disk is full (${reason}); what was being saved was not saved and nothing of it counts as done. Free space on the disk that holds ${dirname(path)}, then run again`,
      { cause: error },
    );
  }
  if (code.startsWith('SQLITE_IOERR')) {
    return new AppError(
      'STORE_IO',
      `${path}: the archive could not be read or written (${reason}); check the disk and its file system (dmesg), then run again. If this persists, restore the archive from a backup`,
      { cause: error },
    );
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new AppError(
      'STORE_IO',
      `${path}: the archive stayed in use by another process (${reason}); run again when it has finished`,
      { cause: error },
    );
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_PERM') {
    return new AppError(
      'STORE_IO',
      `${path}: cannot write the archive (${reason}); make the file and its folder ${dirname(path)} writable by this user, on a disk that is not read-only`,
      { cause: error },
    );
  }
  return undefined;
}

/** An error and the chain of its causes. */
function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let cause = error; cause !== undefined && chain.length < 8; cause = cause instanceof Error ? cause.cause : undefined) chain.push(cause);
  return chain;
}

/** True for an empty file, false for a file with content, undefined when there is none. */
function isEmptyFile(path: string): boolean | undefined {
  try {
    return statSync(path).size === 0;
  } catch {
    return undefined;
  }
}

function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`the archive's schema (${current}) is newer than this program knows (${MIGRATIONS.length})`);
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version] as string);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
}

function isAlive(lock: LockRow): boolean {
  if (lock.host !== hostname()) return true; // another machine's process: cannot check, assume alive
  if (lock.pid === process.pid) return true;
  try {
    process.kill(lock.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
