import { describe, expect, it } from 'vitest';
import { MAX_RETRY_AFTER_MS, nextCheckAfterFailure } from '../../src/sources/backoff.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const now = new Date('2025-03-01T08:00:00Z');
const delayOf = (date: Date) => date.getTime() - now.getTime();

describe('nextCheckAfterFailure', () => {
  it('waits the base delay after the first failure and doubles it after each further one', () => {
    const delays = [1, 2, 3, 4, 5].map((errorCount) => delayOf(nextCheckAfterFailure({ errorCount, now })));
    expect(delays).toEqual([30 * MINUTE, 60 * MINUTE, 120 * MINUTE, 240 * MINUTE, 480 * MINUTE]);
  });

  it('caps the delay at maxMs, also for absurd failure counts', () => {
    expect(delayOf(nextCheckAfterFailure({ errorCount: 7, now }))).toBe(24 * HOUR);
    expect(delayOf(nextCheckAfterFailure({ errorCount: 10_000, now }))).toBe(24 * HOUR);
    expect(delayOf(nextCheckAfterFailure({ errorCount: 3, now, baseMs: MINUTE, maxMs: 3 * MINUTE }))).toBe(3 * MINUTE);
  });

  it('is deterministic: the same input gives the same instant', () => {
    const input = { errorCount: 4, now, retryAfterMs: 1000 };
    expect(nextCheckAfterFailure(input).getTime()).toBe(nextCheckAfterFailure(input).getTime());
  });

  it('treats a count of zero or less like a first failure', () => {
    expect(delayOf(nextCheckAfterFailure({ errorCount: 0, now }))).toBe(30 * MINUTE);
    expect(delayOf(nextCheckAfterFailure({ errorCount: -3, now }))).toBe(30 * MINUTE);
  });

  it('honours a Retry-After that asks for longer than the backoff', () => {
    expect(delayOf(nextCheckAfterFailure({ errorCount: 1, now, retryAfterMs: 2 * HOUR }))).toBe(2 * HOUR);
  });

  it('keeps the backoff when Retry-After asks for less', () => {
    expect(delayOf(nextCheckAfterFailure({ errorCount: 3, now, retryAfterMs: 5 * MINUTE }))).toBe(2 * HOUR);
  });

  it('lets Retry-After exceed maxMs but not the sane maximum of a week', () => {
    expect(delayOf(nextCheckAfterFailure({ errorCount: 1, now, retryAfterMs: 3 * 24 * HOUR }))).toBe(3 * 24 * HOUR);
    expect(delayOf(nextCheckAfterFailure({ errorCount: 1, now, retryAfterMs: 365 * 24 * HOUR }))).toBe(MAX_RETRY_AFTER_MS);
    expect(MAX_RETRY_AFTER_MS).toBe(7 * 24 * HOUR);
  });

  it('ignores a Retry-After that is not a positive finite number', () => {
    for (const retryAfterMs of [Number.NaN, -1, 0, Number.POSITIVE_INFINITY]) {
      expect(delayOf(nextCheckAfterFailure({ errorCount: 1, now, retryAfterMs }))).toBe(30 * MINUTE);
    }
  });

  it('handles a zero base without producing NaN', () => {
    expect(delayOf(nextCheckAfterFailure({ errorCount: 100, now, baseMs: 0 }))).toBe(0);
  });
});
