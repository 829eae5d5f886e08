import type Database from 'better-sqlite3';
import type { Article, Digest } from '../model.js';
import type { Delivery, DigestKind, DigestStore, NewDigest, ThemedArticle } from './store.js';
import { normalizeAddress } from './address.js';
import { addNamedThemes, DELIVERY_COLUMNS, deliveryFromRow, reviveDigest, type DeliveryRow } from './digest-rows.js';
import { fromRow, type ArticleRow } from './rows.js';

// Digests, their deliveries and unsubscribes. A delivery is recorded before the message is handed
// to SMTP ('sending') and after ('sent', 'deferred' or 'failed'), so a crash or a rerun never sends
// twice to anyone who was recorded as sent, and never skips anyone.

interface DigestRow {
  id: string;
  kind: DigestKind;
  status: 'sending' | 'sent';
  period_start: number;
  period_end: number;
  created_at: number;
  through_revision: number;
  content: string;
}

/**
 * A digest that counts: sent, or still being delivered. Its articles are not offered again, so a
 * digest whose deliveries are waiting for the server is finished, never replaced by a second one.
 */
const COUNTS = `(digests.status = 'sent' OR EXISTS (SELECT 1 FROM deliveries
  WHERE deliveries.digest_id = digests.id AND deliveries.status IN ('pending', 'sending', 'deferred')))`;

/** Past this many candidates per article wanted, scanning by publication time beats sorting them. */
const UNSENT_SORT_FACTOR = 10;

/** The digest records of the SQLite archive. */
export class DigestRecords implements DigestStore {
  constructor(private readonly db: Database.Database) {}

  /** The revision the last regular digest was chosen at: later arrivals go in the next one. */
  async lastRegularRevision(): Promise<number | undefined> {
    const row = this.db
      .prepare(`SELECT through_revision FROM digests WHERE kind = 'regular' AND ${COUNTS} ORDER BY through_revision DESC LIMIT 1`)
      .get() as { through_revision: number } | undefined;
    return row?.through_revision;
  }

  /**
   * Published articles that no digest has held (previews aside), archived after `afterRevision`
   * (all when undefined), newest first; `limit` of them and how many there are in all.
   */
  async unsentArticles(afterRevision: number | undefined, limit: number): Promise<{ articles: Article[]; total: number }> {
    const where = `duplicate_of IS NULL AND first_revision > @after
      AND id NOT IN (SELECT article_id FROM digest_articles JOIN digests ON digests.id = digest_id WHERE digests.kind != 'preview' AND ${COUNTS})`;
    const after = afterRevision ?? 0;
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM articles INDEXED BY articles_unsent WHERE ${where}`).get({ after }) as { n: number }).n;
    // A few new articles: found by revision, then sorted. Most of the archive (a first digest):
    // read newest first by publication time until `limit` qualify, instead of sorting them all.
    const index = total > limit * UNSENT_SORT_FACTOR ? 'articles_published' : 'articles_unsent';
    const rows = this.db
      .prepare(`SELECT * FROM articles INDEXED BY ${index} WHERE ${where} ORDER BY published DESC, id LIMIT @limit`)
      .all({ after, limit }) as ArticleRow[];
    return { articles: rows.map(fromRow), total };
  }

  /** Published articles whose publication time falls in [from, to), newest first. */
  async publishedBetween(from: Date, to: Date, limit: number): Promise<{ articles: Article[]; total: number }> {
    const params = { from: from.getTime(), to: to.getTime(), limit };
    const where = 'duplicate_of IS NULL AND published >= @from AND published < @to';
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM articles WHERE ${where}`).get(params) as { n: number }).n;
    const rows = this.db.prepare(`SELECT * FROM articles WHERE ${where} ORDER BY published DESC, id LIMIT @limit`).all(params) as ArticleRow[];
    return { articles: rows.map(fromRow), total };
  }

  /**
   * Articles that digests (previews aside) placed in a named theme, with its name: each from the
   * newest digest that holds it, newest digests first, at most `limit`. Clusters and 其他要闻 are
   * left out. Digests are read newest first and only until enough articles are found.
   */
  async themedArticles(limit: number): Promise<ThemedArticle[]> {
    const digests = this.db
      .prepare(`SELECT content FROM digests WHERE kind != 'preview' AND ${COUNTS} ORDER BY created_at DESC, id DESC`)
      .iterate() as IterableIterator<{ content: string }>;
    const themeOf = new Map<string, string>();
    for (const { content } of digests) {
      addNamedThemes(reviveDigest(content), themeOf, limit);
      if (themeOf.size >= limit) break;
    }
    const select = this.db.prepare('SELECT * FROM articles WHERE id = ? AND duplicate_of IS NULL');
    const result: ThemedArticle[] = [];
    for (const [id, theme] of themeOf) {
      const row = select.get(id) as ArticleRow | undefined;
      if (row) result.push({ article: fromRow(row), theme });
    }
    return result;
  }

  /** A free digest id: `base`, else `base-2`, `base-3`… */
  async freeId(base: string): Promise<string> {
    const taken = this.db.prepare('SELECT 1 FROM digests WHERE id = ?');
    if (!taken.get(base)) return base;
    for (let n = 2; ; n++) if (!taken.get(`${base}-${n}`)) return `${base}-${n}`;
  }

  /** Records a digest, the articles it holds and a pending delivery per recipient, in one transaction. */
  async create(record: NewDigest, now: Date): Promise<void> {
    const { digest } = record;
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO digests (id, kind, status, period_start, period_end, created_at, through_revision, content)
           VALUES (?, ?, 'sending', ?, ?, ?, ?, ?)`,
        )
        .run(
          digest.id,
          record.kind,
          digest.periodStart.getTime(),
          digest.periodEnd.getTime(),
          digest.createdAt.getTime(),
          record.throughRevision,
          JSON.stringify(digest),
        );
      const hold = this.db.prepare('INSERT INTO digest_articles (digest_id, article_id) VALUES (?, ?)');
      for (const id of record.articleIds) hold.run(digest.id, id);
      const deliver = this.db.prepare(
        `INSERT INTO deliveries (digest_id, recipient, message_id, status, updated_at, themes) VALUES (?, ?, ?, 'pending', ?, ?)`,
      );
      for (const delivery of record.deliveries) {
        deliver.run(digest.id, delivery.recipient, delivery.messageId, now.getTime(), delivery.themes ? JSON.stringify(delivery.themes) : null);
      }
    })();
  }

  /** A stored digest as it was rendered. */
  async get(id: string): Promise<(Digest & { status: 'sending' | 'sent'; kind: DigestKind }) | undefined> {
    const row = this.db.prepare('SELECT * FROM digests WHERE id = ?').get(id) as DigestRow | undefined;
    return row ? { ...reviveDigest(row.content), status: row.status, kind: row.kind } : undefined;
  }

  /** Deliveries still to make: never tried, interrupted mid-send, or deferred by the server. */
  async openDeliveries(): Promise<Delivery[]> {
    return this.deliveriesWhere("status IN ('pending', 'sending', 'deferred')");
  }

  /** Before handing the message to SMTP. */
  async markSending(digestId: string, recipient: string, now: Date): Promise<void> {
    this.db
      .prepare(`UPDATE deliveries SET status = 'sending', attempts = attempts + 1, updated_at = ? WHERE digest_id = ? AND recipient = ?`)
      .run(now.getTime(), digestId, recipient);
  }

  /** After SMTP answered. The first accepted delivery makes the digest sent. */
  async markOutcome(digestId: string, recipient: string, status: 'sent' | 'deferred' | 'failed', error: string | undefined, now: Date): Promise<void> {
    this.db.transaction(() => {
      this.db
        .prepare('UPDATE deliveries SET status = ?, last_error = ?, updated_at = ? WHERE digest_id = ? AND recipient = ?')
        .run(status, error ?? null, now.getTime(), digestId, recipient);
      if (status === 'sent') this.db.prepare(`UPDATE digests SET status = 'sent' WHERE id = ?`).run(digestId);
    })();
  }

  async deliveries(digestId: string): Promise<Delivery[]> {
    return this.deliveriesWhere('digest_id = ?', digestId);
  }

  async delivery(digestId: string, recipient: string): Promise<Delivery | undefined> {
    return this.deliveriesWhere('digest_id = ? AND recipient = ?', digestId, recipient)[0];
  }

  async unsubscribe(recipient: string, via: string, now: Date): Promise<void> {
    this.db
      .prepare('INSERT INTO unsubscribes (recipient, at, via) VALUES (?, ?, ?) ON CONFLICT(recipient) DO NOTHING')
      .run(normalizeAddress(recipient), now.getTime(), via);
  }

  async isUnsubscribed(recipient: string): Promise<boolean> {
    return this.db.prepare('SELECT 1 FROM unsubscribes WHERE recipient = ?').get(normalizeAddress(recipient)) !== undefined;
  }

  private deliveriesWhere(where: string, ...values: string[]): Delivery[] {
    const rows = this.db.prepare(`SELECT ${DELIVERY_COLUMNS} FROM deliveries WHERE ${where} ORDER BY digest_id, recipient`).all(...values) as DeliveryRow[];
    return rows.map(deliveryFromRow);
  }

}
