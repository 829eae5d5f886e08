import type Database from 'better-sqlite3';
import { normalizeAddress } from './address.js';
import type { Subscriber, SubscriberState, SubscriberStore } from './store.js';
import { subscriberFromRow, subscriberToRow, type SubscriberRow } from './subscriber-rows.js';

// The digest's readers in the SQLite archive.


export class SubscriberRecords implements SubscriberStore {
  constructor(private readonly db: Database.Database) {}

  async get(address: string): Promise<Subscriber | undefined> {
    const row = this.db.prepare('SELECT * FROM subscribers WHERE address = ?').get(normalizeAddress(address)) as SubscriberRow | undefined;
    return row ? subscriberFromRow(row) : undefined;
  }

  async put(subscriber: Subscriber): Promise<void> {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO subscribers (address, state, themes, origin, created_at, updated_at, confirmed_at,
           confirmation_sent_at, suppressed_at, suppressed_reason, soft_bounces)
         VALUES (@address, @state, @themes, @origin, @created_at, @updated_at, @confirmed_at,
           @confirmation_sent_at, @suppressed_at, @suppressed_reason, @soft_bounces)`,
      )
      .run(subscriberToRow(subscriber));
  }

  async remove(address: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM subscribers WHERE address = ?').run(normalizeAddress(address)).changes > 0;
  }

  async list(states?: readonly SubscriberState[]): Promise<Subscriber[]> {
    const rows = (
      states
        ? this.db.prepare('SELECT * FROM subscribers WHERE state IN (SELECT value FROM json_each(?)) ORDER BY address').all(JSON.stringify(states))
        : this.db.prepare('SELECT * FROM subscribers ORDER BY address').all()
    ) as SubscriberRow[];
    return rows.map(subscriberFromRow);
  }

  async claimConfirmation(address: string, now: Date, intervalMs: number): Promise<boolean> {
    const claimed = this.db
      .prepare(
        `UPDATE subscribers SET confirmation_sent_at = @now, updated_at = @now
         WHERE address = @address AND (confirmation_sent_at IS NULL OR confirmation_sent_at <= @since)`,
      )
      .run({ address: normalizeAddress(address), now: now.getTime(), since: now.getTime() - intervalMs });
    return claimed.changes > 0;
  }

  async suppress(address: string, reason: string, now: Date): Promise<void> {
    this.db
      .prepare('UPDATE subscribers SET suppressed_at = COALESCE(suppressed_at, ?), suppressed_reason = ?, updated_at = ? WHERE address = ?')
      .run(now.getTime(), reason, now.getTime(), normalizeAddress(address));
  }

  async countSoftBounce(address: string, now: Date): Promise<number> {
    const row = this.db
      .prepare('UPDATE subscribers SET soft_bounces = soft_bounces + 1, updated_at = ? WHERE address = ? RETURNING soft_bounces')
      .get(now.getTime(), normalizeAddress(address)) as { soft_bounces: number } | undefined;
    return row?.soft_bounces ?? 0;
  }

  async expirePending(before: Date): Promise<number> {
    return this.db.prepare(`DELETE FROM subscribers WHERE state = 'pending' AND created_at < ?`).run(before.getTime()).changes;
  }
}
