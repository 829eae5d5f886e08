import { createHash } from 'node:crypto';

/** Hex SHA-256 of a string or bytes. */
export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A short, stable hex digest for names (slugs, file names). */
export function shortHash(data: string, length = 12): string {
  return sha256(data).slice(0, length);
}
