import { describe, expect, it } from 'vitest';
import { createRateLimit } from '../../src/util/rate.js';

/** A clock that only moves when someone sleeps on it, recording each sleep. */
function manualClock() {
  let time = 1000;
  const sleeps: number[] = [];
  return {
    sleeps,
    advance: (ms: number) => (time += ms),
    now: () => time,
    sleep: async (ms: number) => {
      sleeps.push(ms);
    },
  };
}

describe('createRateLimit', () => {
  it('spaces callers waiting at once 1000/rate ms apart', async () => {
    const clock = manualClock();
    const limit = createRateLimit(10, clock);
    await Promise.all([limit.take(), limit.take(), limit.take(), limit.take()]);
    expect(clock.sleeps).toEqual([100, 200, 300]);
  });

  it('banks nothing over an idle spell: the burst after it is spaced too', async () => {
    const clock = manualClock();
    const limit = createRateLimit(4, clock);
    await limit.take();
    clock.advance(10_000);
    await Promise.all([limit.take(), limit.take(), limit.take()]);
    expect(clock.sleeps).toEqual([250, 500]);
  });
});
