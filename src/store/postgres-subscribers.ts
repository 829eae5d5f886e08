import type pg from 'pg';
import { normalizeAddress } from './address.js';
import type { Subscriber, SubscriberState, SubscriberStore } from './store.js';
import { subscriberFromRow, subscriberToRow, type SubscriberRow } from './subscriber-rows.js';

// The digest's readers in the PostgreSQL archive: the same records as the SQLite archive's (subscribers.ts).


const COLUMNS = [
  'address',
  'state',
  'themes',
  'origin',
  'created_at',
  'updated_at',
  'confirmed_at',
  'confirmation_sent_at',
  'suppressed_at',
  'suppressed_reason',
  'soft_bounces',
] as const;

export class PgSubscriberRecords implements SubscriberStore {
  constructor(private readonly pool: pg.Pool) {}

  async get(address: string): Promise<Subscriber | undefined> {
    const { rows } = await this.pool.query<SubscriberRow>('SELECT * FROM subscribers WHERE address = $1', [normalizeAddress(address)]);
    return rows[0] ? subscriberFromRow(rows[0]) : undefined;
  }

  async put(subscriber: Subscriber): Promise<void> {
    const row = subscriberToRow(subscriber);
    await this.pool.query(
      `INSERT INTO subscribers (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((_, index) => `$${index + 1}`).join(', ')})
       ON CONFLICT (address) DO UPDATE SET ${COLUMNS.slice(1).map((column) => `${column} = excluded.${column}`).join(', ')}`,
      COLUMNS.map((column) => row[column]),
    );
  }

  async remove(address: string): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM subscribers WHERE address = $1', [normalizeAddress(address)])).rowCount ?? 0) > 0;
  }

  async list(states?: readonly SubscriberState[]): Promise<Subscriber[]> {
    const { rows } = states
      ? await this.pool.query<SubscriberRow>('SELECT * FROM subscribers WHERE state = ANY($1::text[]) ORDER BY address', [states])
      : await this.pool.query<SubscriberRow>('SELECT * FROM subscribers ORDER BY address');
    return rows.map(subscriberFromRow);
  }

  /** One UPDATE with its condition: the row lock makes a second claim at once see the first one's time. */
  async claimConfirmation(address: string, now: Date, intervalMs: number): Promise<boolean> {
    const claimed = await this.pool.query(
      `UPDATE subscribers SET confirmation_sent_at = $1, updated_at = $1
       WHERE address = $2 AND (confirmation_sent_at IS NULL OR confirmation_sent_at <= $3)`,
      [now.getTime(), normalizeAddress(address), now.getTime() - intervalMs],
    );
    return (claimed.rowCount ?? 0) > 0;
  }

  async suppress(address: string, reason: string, now: Date): Promise<void> {
    await this.pool.query('UPDATE subscribers SET suppressed_at = COALESCE(suppressed_at, $1), suppressed_reason = $2, updated_at = $1 WHERE address = $3', [
      now.getTime(),
      reason,
      normalizeAddress(address),
    ]);
  }

  async countSoftBounce(address: string, now: Date): Promise<number> {
    const { rows } = await this.pool.query<{ soft_bounces: number }>(
      'UPDATE subscribers SET soft_bounces = soft_bounces + 1, updated_at = $1 WHERE address = $2 RETURNING soft_bounces',
      [now.getTime(), normalizeAddress(address)],
    );
    return rows[0]?.soft_bounces ?? 0;
  }

  async expirePending(before: Date): Promise<number> {
    return (await this.pool.query(`DELETE FROM subscribers WHERE state = 'pending' AND created_at < $1`, [before.getTime()])).rowCount ?? 0;
  }
}
