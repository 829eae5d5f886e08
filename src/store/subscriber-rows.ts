import { normalizeAddress } from './address.js';
import type { Subscriber, SubscriberOrigin, SubscriberState } from './store.js';

// A subscriber as a row, the same in every archive: times in milliseconds, themes as JSON.

export interface SubscriberRow {
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

export function subscriberFromRow(row: SubscriberRow): Subscriber {
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

export function subscriberToRow(subscriber: Subscriber): SubscriberRow {
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
