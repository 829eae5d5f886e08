/** The clock a rate limit reads and waits on; tests pass their own. */
export interface RateClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const REAL_CLOCK: RateClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
};

/**
 * At most `perSecond` calls a second, however many callers wait at once: each `take()` resolves
 * at the next free slot, slots `1000 / perSecond` ms apart. An idle spell banks nothing, so a
 * burst after it is spaced like any other.
 */
export function createRateLimit(perSecond: number, clock: RateClock = REAL_CLOCK): { take(): Promise<void> } {
  const spacing = 1000 / perSecond;
  let next = Number.NEGATIVE_INFINITY;
  return {
    async take() {
      const now = clock.now();
      const at = Math.max(now, next);
      next = at + spacing;
      if (at > now) await clock.sleep(at - now);
    },
  };
}
