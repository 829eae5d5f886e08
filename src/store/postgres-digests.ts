import type pg from 'pg';
import type { Article, Digest } from '../model.js';
import type { Delivery, DigestKind, DigestStore, NewDigest, ThemedArticle } from './store.js';
import { normalizeAddress } from './address.js';
import { addNamedThemes, DELIVERY_COLUMNS, deliveryFromRow, reviveDigest, type DeliveryRow } from './digest-rows.js';
import { fromRow, type ArticleRow } from './rows.js';

// Digests, their deliveries and unsubscribes in the PostgreSQL archive: the same records and rules
// as the SQLite archive's (digests.ts).

interface DigestRow {
  kind: DigestKind;
  status: 'sending' | 'sent';
  content: string;
}


/**
 * A digest that counts: sent, or still being delivered. Its articles are not offered again, so a
 * digest whose deliveries are waiting for the server is finished, never replaced by a second one.
 */
const COUNTS = `(digests.status = 'sent' OR EXISTS (SELECT 1 FROM deliveries
  WHERE deliveries.digest_id = digests.id AND deliveries.status IN ('pending', 'sending', 'deferred')))`;

/** Digests read per query when looking for themed articles. */
const THEMED_PAGE = 20;

type Transaction = <T>(work: (client: pg.PoolClient) => Promise<T>) => Promise<T>;

export class PgDigestRecords implements DigestStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly transaction: Transaction,
  ) {}

  async lastRegularRevision(): Promise<number | undefined> {
    const { rows } = await this.pool.query<{ through_revision: number }>(
      `SELECT through_revision FROM digests WHERE kind = 'regular' AND ${COUNTS} ORDER BY through_revision DESC LIMIT 1`,
    );
    return rows[0]?.through_revision;
  }

  async unsentArticles(afterRevision: number | undefined, limit: number): Promise<{ articles: Article[]; total: number }> {
    const where = `duplicate_of IS NULL AND first_revision > $1
      AND id NOT IN (SELECT article_id FROM digest_articles JOIN digests ON digests.id = digest_id WHERE digests.kind != 'preview' AND ${COUNTS})`;
    const after = afterRevision ?? 0;
    const total = (await this.pool.query<{ n: number }>(`SELECT COUNT(*) AS n FROM articles WHERE ${where}`, [after])).rows[0]?.n ?? 0;
    const { rows } = await this.pool.query<ArticleRow>(`SELECT * FROM articles WHERE ${where} ORDER BY published DESC, id LIMIT $2`, [after, limit]);
    return { articles: rows.map(fromRow), total };
  }

  async publishedBetween(from: Date, to: Date, limit: number): Promise<{ articles: Article[]; total: number }> {
    const where = 'duplicate_of IS NULL AND published >= $1 AND published < $2';
    const params = [from.getTime(), to.getTime()];
    const total = (await this.pool.query<{ n: number }>(`SELECT COUNT(*) AS n FROM articles WHERE ${where}`, params)).rows[0]?.n ?? 0;
    const { rows } = await this.pool.query<ArticleRow>(`SELECT * FROM articles WHERE ${where} ORDER BY published DESC, id LIMIT $3`, [...params, limit]);
    return { articles: rows.map(fromRow), total };
  }

  async themedArticles(limit: number): Promise<ThemedArticle[]> {
    const themeOf = new Map<string, string>();
    // Newest digests first, a page at a time, only until enough articles are found.
    for (let offset = 0; themeOf.size < limit; offset += THEMED_PAGE) {
      const { rows } = await this.pool.query<{ content: string }>(
        `SELECT content FROM digests WHERE kind != 'preview' AND ${COUNTS} ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2`,
        [THEMED_PAGE, offset],
      );
      for (const { content } of rows) addNamedThemes(reviveDigest(content), themeOf, limit);
      if (rows.length < THEMED_PAGE) break;
    }
    const { rows } = await this.pool.query<ArticleRow>('SELECT * FROM articles WHERE id = ANY($1::text[]) AND duplicate_of IS NULL', [[...themeOf.keys()]]);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return [...themeOf].flatMap(([id, theme]) => {
      const row = byId.get(id);
      return row ? [{ article: fromRow(row), theme }] : [];
    });
  }

  async freeId(base: string): Promise<string> {
    const { rows } = await this.pool.query<{ id: string }>(`SELECT id FROM digests WHERE id = $1 OR id LIKE $2`, [base, `${base.replace(/[\\%_]/gu, '\\$&')}-%`]);
    const taken = new Set(rows.map((row) => row.id));
    if (!taken.has(base)) return base;
    for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
  }

  async create(record: NewDigest, now: Date): Promise<void> {
    const { digest } = record;
    await this.transaction(async (client) => {
      await client.query(
        `INSERT INTO digests (id, kind, status, period_start, period_end, created_at, through_revision, content)
         VALUES ($1, $2, 'sending', $3, $4, $5, $6, $7)`,
        [digest.id, record.kind, digest.periodStart.getTime(), digest.periodEnd.getTime(), digest.createdAt.getTime(), record.throughRevision, JSON.stringify(digest)],
      );
      await client.query('INSERT INTO digest_articles (digest_id, article_id) SELECT $1, unnest($2::text[])', [digest.id, record.articleIds]);
      await client.query(
        `INSERT INTO deliveries (digest_id, recipient, message_id, status, updated_at, themes)
         SELECT $1, recipient, message_id, 'pending', $2, themes FROM unnest($3::text[], $4::text[], $5::text[]) AS t(recipient, message_id, themes)`,
        [
          digest.id,
          now.getTime(),
          record.deliveries.map((d) => d.recipient),
          record.deliveries.map((d) => d.messageId),
          record.deliveries.map((d) => (d.themes ? JSON.stringify(d.themes) : null)),
        ],
      );
    });
  }

  async get(id: string): Promise<(Digest & { status: 'sending' | 'sent'; kind: DigestKind }) | undefined> {
    const { rows } = await this.pool.query<DigestRow>('SELECT kind, status, content FROM digests WHERE id = $1', [id]);
    const row = rows[0];
    return row ? { ...reviveDigest(row.content), status: row.status, kind: row.kind } : undefined;
  }

  async openDeliveries(): Promise<Delivery[]> {
    return this.deliveriesWhere(`status IN ('pending', 'sending', 'deferred')`, []);
  }

  async markSending(digestId: string, recipient: string, now: Date): Promise<void> {
    await this.pool.query(`UPDATE deliveries SET status = 'sending', attempts = attempts + 1, updated_at = $1 WHERE digest_id = $2 AND recipient = $3`, [
      now.getTime(),
      digestId,
      recipient,
    ]);
  }

  async markOutcome(digestId: string, recipient: string, status: 'sent' | 'deferred' | 'failed', error: string | undefined, now: Date): Promise<void> {
    await this.transaction(async (client) => {
      await client.query('UPDATE deliveries SET status = $1, last_error = $2, updated_at = $3 WHERE digest_id = $4 AND recipient = $5', [
        status,
        error ?? null,
        now.getTime(),
        digestId,
        recipient,
      ]);
      if (status === 'sent') await client.query(`UPDATE digests SET status = 'sent' WHERE id = $1`, [digestId]);
    });
  }

  async deliveries(digestId: string): Promise<Delivery[]> {
    return this.deliveriesWhere('digest_id = $1', [digestId]);
  }

  async delivery(digestId: string, recipient: string): Promise<Delivery | undefined> {
    return (await this.deliveriesWhere('digest_id = $1 AND recipient = $2', [digestId, recipient]))[0];
  }

  async unsubscribe(recipient: string, via: string, now: Date): Promise<void> {
    await this.pool.query('INSERT INTO unsubscribes (recipient, at, via) VALUES ($1, $2, $3) ON CONFLICT (recipient) DO NOTHING', [
      normalizeAddress(recipient),
      now.getTime(),
      via,
    ]);
  }

  async isUnsubscribed(recipient: string): Promise<boolean> {
    return (await this.pool.query('SELECT 1 FROM unsubscribes WHERE recipient = $1', [normalizeAddress(recipient)])).rowCount === 1;
  }

  private async deliveriesWhere(where: string, values: string[]): Promise<Delivery[]> {
    const { rows } = await this.pool.query<DeliveryRow>(`SELECT ${DELIVERY_COLUMNS} FROM deliveries WHERE ${where} ORDER BY digest_id, recipient`, values);
    return rows.map(deliveryFromRow);
  }
}
