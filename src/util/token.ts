import { createHmac, timingSafeEqual } from 'node:crypto';

// Per-recipient unsubscribe tokens: the address and an HMAC of it, so the server can unsubscribe
// the right person without a database of tokens, and nobody can forge a token for another address.

export function signRecipient(secret: string, address: string): string {
  const payload = Buffer.from(address.trim().toLowerCase(), 'utf8').toString('base64url');
  return `${payload}.${mac(secret, payload)}`;
}

/** The address a token was made for, or undefined when the token is malformed or forged. */
export function verifyRecipientToken(secret: string, token: string): string | undefined {
  const [payload, signature, ...rest] = token.split('.');
  if (!payload || !signature || rest.length > 0) return undefined;
  const expected = Buffer.from(mac(secret, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  const address = Buffer.from(payload, 'base64url').toString('utf8');
  return address.includes('@') ? address : undefined;
}

function mac(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

/**
 * A signed token carrying `data` (JSON) for one purpose: `<payload>.<HMAC of purpose and payload>`.
 * The purpose is signed too, so a token made for one use (a confirmation link) is worthless for
 * another (the preference page), and none of them is an unsubscribe token.
 */
export function signData(secret: string, purpose: string, data: unknown): string {
  const payload = Buffer.from(JSON.stringify(data), 'utf8').toString('base64url');
  return `${payload}.${mac(secret, `${purpose}.${payload}`)}`;
}

/** The data a token of this purpose carries, or undefined when it is malformed or forged. */
export function verifyData(secret: string, purpose: string, token: string): unknown {
  const [payload, signature, ...rest] = token.split('.');
  if (!payload || !signature || rest.length > 0) return undefined;
  const expected = Buffer.from(mac(secret, `${purpose}.${payload}`));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
