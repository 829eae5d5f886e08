import { hash } from 'node:crypto';

/** Hex SHA-256 of a string (as UTF-8) or bytes. One-shot: no Hash object per call, the same digest. */
export function sha256(data: string | Uint8Array): string {
  return hash('sha256', data, 'hex');
}

/** A short, stable hex digest for names (slugs, file names). */
export function shortHash(data: string, length = 12): string {
  return sha256(data).slice(0, length);
}
