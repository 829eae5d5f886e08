import type { Digest } from '../model.js';
import type { Delivery, DeliveryStatus } from './store.js';

// Digests and deliveries as stored, read the same way by every archive.

/** A digest as stored (JSON), with its dates made Dates again. */
export function reviveDigest(content: string): Digest {
  return JSON.parse(content, (key, value: unknown) =>
    typeof value === 'string' && /^(periodStart|periodEnd|createdAt|published)$/.test(key) ? new Date(value) : value,
  ) as Digest;
}

/**
 * Adds to `themeOf` (article id → theme name) the articles a digest put in named themes, up to
 * `limit` in all, keeping what a newer digest (added before) said. Clusters (their names are the
 * week's words) and 其他要闻 are not themes anyone chose.
 */
export function addNamedThemes(digest: Digest, themeOf: Map<string, string>, limit: number): void {
  for (const theme of digest.themes) {
    if (theme.kind !== 'taxonomy') continue;
    for (const entry of theme.entries) if (!themeOf.has(entry.id) && themeOf.size < limit) themeOf.set(entry.id, theme.name);
  }
}

export interface DeliveryRow {
  digest_id: string;
  recipient: string;
  message_id: string;
  status: DeliveryStatus;
  attempts: number;
  last_error: string | null;
  /** A JSON array of theme names; NULL for the whole digest. */
  themes: string | null;
}

export const DELIVERY_COLUMNS = 'digest_id, recipient, message_id, status, attempts, last_error, themes';

export function deliveryFromRow(row: DeliveryRow): Delivery {
  return {
    digestId: row.digest_id,
    recipient: row.recipient,
    messageId: row.message_id,
    status: row.status,
    attempts: row.attempts,
    ...(row.last_error ? { lastError: row.last_error } : {}),
    ...(row.themes !== null ? { themes: JSON.parse(row.themes) as string[] } : {}),
  };
}
