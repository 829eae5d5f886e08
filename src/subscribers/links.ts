import { randomBytes } from 'node:crypto';
import type { Config } from '../config.js';
import { CONFIRM_PATH, PREFERENCES_PATH } from '../output/paths.js';
import type { Store } from '../store/store.js';
import { signData, verifyData } from '../util/token.js';
import { joinUrl } from '../util/url.js';

// The signed links of a subscription: the confirmation link (the address, the themes chosen and an
// expiry) and the preference page's link (the address). Keyed with ZHOUKAN_UNSUBSCRIBE_SECRET when
// it is set, else with a secret made once and kept in the archive, so signing up works out of the box.

const CONFIRM = 'confirm';
const PREFERENCES = 'preferences';
const SECRET_KEY = 'subscription_secret';

export interface Confirmation {
  address: string;
  /** Undefined: all themes. */
  themes: string[] | undefined;
  expires: Date;
}

/** The key for the links: the configured secret, else the archive's own (made on first use). */
export async function subscriptionSecret(config: Pick<Config, 'unsubscribeSecret'>, store: Pick<Store, 'getMeta' | 'setMeta'>): Promise<string> {
  if (config.unsubscribeSecret) return config.unsubscribeSecret;
  const kept = await store.getMeta(SECRET_KEY);
  if (kept) return kept;
  await store.setMeta(SECRET_KEY, randomBytes(32).toString('base64url'));
  return (await store.getMeta(SECRET_KEY)) as string;
}

export function signConfirmation(secret: string, confirmation: Confirmation): string {
  return signData(secret, CONFIRM, { a: confirmation.address, t: confirmation.themes ?? null, e: Math.floor(confirmation.expires.getTime() / 1000) });
}

/** The confirmation a token carries; 'expired' for a genuine one past its time; undefined when forged or damaged. */
export function verifyConfirmation(secret: string, token: string, now: Date): Confirmation | 'expired' | undefined {
  const data = verifyData(secret, CONFIRM, token) as { a?: unknown; t?: unknown; e?: unknown } | undefined;
  if (!data || typeof data.a !== 'string' || typeof data.e !== 'number') return undefined;
  const themes = data.t === null ? undefined : Array.isArray(data.t) && data.t.every((theme) => typeof theme === 'string') ? (data.t as string[]) : null;
  if (themes === null) return undefined;
  const expires = new Date(data.e * 1000);
  if (expires <= now) return 'expired';
  return { address: data.a, themes, expires };
}

export function signPreferences(secret: string, address: string): string {
  return signData(secret, PREFERENCES, { a: address });
}

export function verifyPreferences(secret: string, token: string): string | undefined {
  const data = verifyData(secret, PREFERENCES, token) as { a?: unknown } | undefined;
  return data && typeof data.a === 'string' ? data.a : undefined;
}

export function confirmationUrl(siteUrl: string, token: string): string {
  return `${joinUrl(siteUrl, CONFIRM_PATH)}?t=${token}`;
}

export function preferencesUrl(siteUrl: string, token: string): string {
  return `${joinUrl(siteUrl, PREFERENCES_PATH)}?t=${token}`;
}

/**
 * The preference page of one recipient, for the digest's footer: signed with the configured
 * secret (a digest run may not write the archive's); undefined without ZHOUKAN_UNSUBSCRIBE_SECRET.
 */
export function preferencesUrlFor(recipient: string, config: Pick<Config, 'unsubscribeSecret' | 'site'>): string | undefined {
  if (!config.unsubscribeSecret) return undefined;
  return preferencesUrl(config.site.url, signPreferences(config.unsubscribeSecret, recipient.trim().toLowerCase()));
}
