import type Database from 'better-sqlite3';
import { normalizeAddress } from './address.js';
import type { Subscriber, SubscriberOrigin, SubscriberState, SubscriberStore } from './store.js';

// The digest's readers in the SQLite archive.

interface SubscriberRow {
  address: string;
  state: SubscriberState;
  themes: string | null;
  origin: SubscriberOrigin;
  created_at: number;
  updated_at: number;
  confirmed_at: number | null;
  confirmation_sent_at: number | null;
  suppressed_at: number | null;
  suppressed_reason: string | null;
  soft_bounces: number;
}

export class SubscriberRecords implements SubscriberStore {
  constructor(private readonly db: Database.Database) {}

  async get(address: string): Promise<Subscriber | undefined> {
    const row = this.db.prepare('SELECT * FROM subscribers WHERE address = ?').get(normalizeAddress(address)) as SubscriberRow | undefined;
    return row ? fromRow(row) : undefined;
  }

  async put(subscriber: Subscriber): Promise<void> {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO subscribers (address, state, themes, origin, created_at, updated_at, confirmed_at,
           confirmation_sent_at, suppressed_at, suppressed_reason, soft_bounces)
         VALUES (@address, @state, @themes, @origin, @created_at, @updated_at, @confirmed_at,
           @confirmation_sent_at, @suppressed_at, @suppressed_reason, @soft_bounces)`,
      )
      .run(toRow(subscriber));
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
    return rows.map(fromRow);
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

function fromRow(row: SubscriberRow): Subscriber {
  return {
    address: row.address,
    state: row.state,
    ...(row.themes !== null ? { themes: JSON.parse(row.themes) as string[] } : {}),
    origin: row.origin,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    ...(row.confirmed_at !== null ? { confirmedAt: new Date(row.confirmed_at) } : {}),
    ...(row.confirmation_sent_at !== null ? { confirmationSentAt: new Date(row.confirmation_sent_at) } : {}),
    ...(row.suppressed_at !== null ? { suppressedAt: new Date(row.suppressed_at) } : {}),
    ...(row.suppressed_reason !== null ? { suppressedReason: row.suppressed_reason } : {}),
    softBounces: row.soft_bounces,
  };
}

function toRow(subscriber: Subscriber): SubscriberRow {
  return {
    address: normalizeAddress(subscriber.address),
    state: subscriber.state,
    themes: subscriber.themes ? JSON.stringify(subscriber.themes) : null,
    origin: subscriber.origin,
    created_at: subscriber.createdAt.getTime(),
    updated_at: subscriber.updatedAt.getTime(),
    confirmed_at: subscriber.confirmedAt?.getTime() ?? null,
    confirmation_sent_at: subscriber.confirmationSentAt?.getTime() ?? null,
    suppressed_at: subscriber.suppressedAt?.getTime() ?? null,
    suppressed_reason: subscriber.suppressedReason ?? null,
    soft_bounces: subscriber.softBounces,
  };
}
