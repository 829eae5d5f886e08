// When to try a failing source again. Pure and deterministic (no jitter) so tests and the
// scheduler agree on the exact instant.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const DEFAULT_BACKOFF_BASE_MS = 30 * MINUTE;
export const DEFAULT_BACKOFF_MAX_MS = 24 * HOUR;
/** A server's Retry-After is honoured up to this; beyond it the value is more likely a bug than a plan. */
export const MAX_RETRY_AFTER_MS = 7 * 24 * HOUR;

export interface BackoffInput {
  /** Consecutive failures so far, counting the one that just happened (1 after the first failure). */
  errorCount: number;
  /** The delay the server asked for (Retry-After), if any. */
  retryAfterMs?: number;
  now: Date;
  baseMs?: number;
  maxMs?: number;
}

/**
 * The earliest time to check the source again: `baseMs` after the first failure, doubling with
 * each further one up to `maxMs`; a server's Retry-After wins when it asks for longer.
 */
export function nextCheckAfterFailure(input: BackoffInput): Date {
  const baseMs = Math.max(0, input.baseMs ?? DEFAULT_BACKOFF_BASE_MS);
  const maxMs = Math.max(baseMs, input.maxMs ?? DEFAULT_BACKOFF_MAX_MS);
  const doublings = Math.max(0, Math.floor(input.errorCount) - 1);
  // 2 ** 60 already exceeds any sane cap; stopping there avoids Infinity * 0 = NaN.
  const exponential = Math.min(baseMs * 2 ** Math.min(doublings, 60), maxMs);

  const retryAfter = input.retryAfterMs;
  const requested =
    retryAfter !== undefined && Number.isFinite(retryAfter) && retryAfter > 0
      ? Math.min(retryAfter, MAX_RETRY_AFTER_MS)
      : 0;

  return new Date(input.now.getTime() + Math.max(exponential, requested));
}
