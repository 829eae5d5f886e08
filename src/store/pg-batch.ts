import type pg from 'pg';
import { shortHash } from '../util/hash.js';
import { slugFor } from '../util/slug.js';
import { articleHashes, toRow } from './rows.js';
import type { CollectedItem, NewArticle, SaveResult } from './store.js';

// One batch of saveCollected on PostgreSQL, in a few statements instead of a few per article: what
// the batch needs to know of the archive is read at once (the articles with its ids, the originals
// with its bodies, the slugs it wants), each item is then decided here in order exactly as the
// SQLite archive decides it row by row, and the rows are written at once. A round trip to a server
// costs far more than a call into SQLite; a batch of 200 articles takes about ten instead of 600.

/** What a batch needs of an article already archived (or archived earlier in the batch). */
interface Known {
  slug: string;
  contentHash: string;
  duplicateOf: string | null;
}

/** An original (not a duplicate) that a new article with the same body would duplicate. */
interface Original {
  bodyHash: string;
  firstSeen: number;
  firstRevision: number;
}

/** An articles row to write, in the column order of ARTICLE_COLUMNS. */
type ArticleValues = unknown[];

const ARTICLE_COLUMNS = [
  'id', 'source', 'path', 'link', 'title', 'published', 'date_guessed', 'updated', 'author', 'categories', 'html', 'text',
  'simplified_text', 'summary', 'length', 'images', 'lead_image', 'meta', 'content_hash', 'body_hash',
  'slug', 'duplicate_of', 'first_seen', 'last_changed', 'revision', 'first_revision',
] as const;
/** Columns an update rewrites: everything but slug, duplicate_of, first_seen and first_revision. */
const UPDATED_COLUMNS = [...ARTICLE_COLUMNS.slice(1, 20), 'last_changed', 'revision'] as const;
const FILE_COLUMNS = ['source', 'path', 'size', 'mtime_ms', 'content_hash', 'article_id', 'problem'] as const;
const MAX_PARAMETERS = 65_535;

export class PgBatch {
  private readonly known = new Map<string, Known>();
  private readonly originals = new Map<string, Original>();
  private readonly originalsByBody = new Map<string, Set<string>>();
  private readonly takenSlugs = new Set<string>();
  private readonly inserts = new Map<string, ArticleValues>();
  private readonly updates = new Map<string, ArticleValues>();
  private readonly files = new Map<string, unknown[]>();

  private constructor(
    private readonly now: Date,
    private revision: number,
  ) {}

  /** Reads what deciding `items` needs; call inside the transaction that holds the revision row. */
  static async load(client: pg.PoolClient, items: readonly CollectedItem[], now: Date, revision: number): Promise<PgBatch> {
    const batch = new PgBatch(now, revision);
    const articles = items.flatMap((item) => (item.article ? [item.article] : []));
    if (articles.length === 0) return batch;
    const ids = articles.map((article) => article.id);
    const bodies = articles.map((article) => articleHashes(article).body);
    const slugs = articles.map((article) => slugFor(article));
    // One query, as it is made under the revision counter's lock: the articles with the batch's ids,
    // with its bodies (the originals among them are kept below) and with the slugs it wants, each
    // found by its own index. One WHERE with three ORs may be planned as a scan of the whole
    // archive, and `AND duplicate_of IS NULL` lets the planner take the partial index of the
    // originals (articles_unsent) and read every original.
    const columns = 'id, slug, content_hash, body_hash, duplicate_of, first_seen, first_revision, id = ANY($1::text[]) AS wanted, body_hash = ANY($2::text[]) AS same_body';
    const { rows } = await client.query<{ id: string; slug: string; content_hash: string; body_hash: string; duplicate_of: string | null; first_seen: number; first_revision: number; wanted: boolean; same_body: boolean }>(
      `SELECT ${columns} FROM articles WHERE id = ANY($1::text[])
       UNION SELECT ${columns} FROM articles WHERE body_hash = ANY($2::text[])
       UNION SELECT ${columns} FROM articles WHERE slug = ANY($3::text[])`,
      [ids, bodies, slugs],
    );
    for (const row of rows) {
      if (row.wanted) batch.known.set(row.id, { slug: row.slug, contentHash: row.content_hash, duplicateOf: row.duplicate_of });
      if (row.duplicate_of === null && (row.wanted || row.same_body)) {
        batch.setOriginal(row.id, { bodyHash: row.body_hash, firstSeen: row.first_seen, firstRevision: row.first_revision });
      }
      // Every slug archived is taken, whichever condition found its row.
      batch.takenSlugs.add(row.slug);
    }
    return batch;
  }

  /** The revision counter after the items decided so far. */
  get currentRevision(): number {
    return this.revision;
  }

  /** Decides one item, in the batch's order, as SqliteStore.saveOne does. */
  save(item: CollectedItem): SaveResult {
    const result: SaveResult = item.article ? this.saveArticle(item.article) : { outcome: 'skipped' };
    if (item.file) {
      const file = item.file;
      // A file listed twice keeps its last record, as successive upserts would.
      this.files.set(JSON.stringify([file.source, file.path]), [file.source, file.path, file.size, file.mtimeMs, file.contentHash, result.id ?? null, item.problem ?? null]);
    }
    return result;
  }

  private saveArticle(article: NewArticle): SaveResult {
    const hashes = articleHashes(article);
    const now = this.now.getTime();
    const known = this.known.get(article.id);
    if (known) {
      if (known.contentHash === hashes.content) return { outcome: 'unchanged', id: article.id };
      const revision = (this.revision += 1);
      // An edit without its own `updated` date is dated by when it was seen.
      const updated = article.updated ?? this.now;
      const values = articleValues({ ...toRow(article), updated: updated.getTime() }, hashes);
      const inserted = this.inserts.get(article.id);
      if (inserted) {
        // Archived earlier in this batch: the row is written once, with its last content.
        this.inserts.set(article.id, [...values, ...inserted.slice(20, 23), now, revision, inserted[25]]);
      } else {
        this.updates.set(article.id, [...values, now, revision]);
      }
      const original = this.originals.get(article.id);
      if (original) this.setOriginal(article.id, { ...original, bodyHash: hashes.body });
      this.known.set(article.id, { ...known, contentHash: hashes.content });
      return {
        outcome: 'updated',
        id: article.id,
        revision,
        ...(known.duplicateOf === null ? { published: { ...article, updated, slug: known.slug } } : {}),
      };
    }

    const original = article.text.trim() ? this.originalFor(hashes.body) : undefined;
    const revision = (this.revision += 1);
    const wanted = slugFor(article);
    // Slugs are fixed when an article is first archived, so its page never moves.
    const slug = this.takenSlugs.has(wanted) ? `${wanted}-${shortHash(article.id, 8)}` : wanted;
    this.takenSlugs.add(slug);
    this.inserts.set(article.id, [...articleValues(toRow(article), hashes), slug, original ?? null, now, now, revision, revision]);
    this.known.set(article.id, { slug, contentHash: hashes.content, duplicateOf: original ?? null });
    if (!original) this.setOriginal(article.id, { bodyHash: hashes.body, firstSeen: now, firstRevision: revision });
    return original
      ? { outcome: 'duplicate', id: article.id, duplicateOf: original, revision }
      : { outcome: 'new', id: article.id, revision, published: { ...article, slug } };
  }

  /** The earliest archived original with this body, as SQLite's ORDER BY first_seen finds it. */
  private originalFor(bodyHash: string): string | undefined {
    let best: { id: string; original: Original } | undefined;
    for (const id of this.originalsByBody.get(bodyHash) ?? []) {
      const original = this.originals.get(id) as Original;
      if (!best || original.firstSeen < best.original.firstSeen || (original.firstSeen === best.original.firstSeen && original.firstRevision < best.original.firstRevision)) {
        best = { id, original };
      }
    }
    return best?.id;
  }

  private setOriginal(id: string, original: Original): void {
    const previous = this.originals.get(id);
    if (previous) this.originalsByBody.get(previous.bodyHash)?.delete(id);
    this.originals.set(id, original);
    let ids = this.originalsByBody.get(original.bodyHash);
    if (!ids) this.originalsByBody.set(original.bodyHash, (ids = new Set()));
    ids.add(id);
  }

  /** Writes what the batch decided: new articles, then changed ones, then the files that name them. */
  async write(client: pg.PoolClient): Promise<void> {
    await insertRows(client, 'articles', ARTICLE_COLUMNS, [...this.inserts.values()]);
    for (const values of this.updates.values()) {
      const sets = UPDATED_COLUMNS.map((column, index) => `${column} = $${index + 2}`).join(', ');
      await client.query(`UPDATE articles SET ${sets} WHERE id = $1`, values);
    }
    await insertRows(
      client,
      'files',
      FILE_COLUMNS,
      [...this.files.values()],
      `ON CONFLICT (source, path) DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms, content_hash = excluded.content_hash,
         article_id = excluded.article_id, problem = excluded.problem, deleted_at = NULL`,
    );
  }
}

/** The columns from id to body_hash (ARTICLE_COLUMNS[0..19]). */
function articleValues(row: ReturnType<typeof toRow>, hashes: { content: string; body: string }): ArticleValues {
  return [
    row.id, row.source, row.path, row.link, row.title, row.published, row.dateGuessed, row.updated, row.author, row.categories,
    row.html, row.text, row.simplifiedText, row.summary, row.length, row.images, row.leadImage, row.meta, hashes.content, hashes.body,
  ];
}

/** Multi-row INSERTs, as many rows per statement as the protocol's parameter limit allows. */
async function insertRows(client: pg.PoolClient, table: string, columns: readonly string[], rows: unknown[][], conflict = ''): Promise<void> {
  const perStatement = Math.floor(MAX_PARAMETERS / columns.length);
  for (let start = 0; start < rows.length; start += perStatement) {
    const values: unknown[] = [];
    const tuples = rows.slice(start, start + perStatement).map((row) => `(${row.map((value) => `$${values.push(value)}`).join(', ')})`);
    await client.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')} ${conflict}`, values);
  }
}
