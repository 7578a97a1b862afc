import { describe, expect, it } from 'vitest';
import { RateLimiter, getSharedPersonioLimiter } from '../../src/clients/rate-limiter.js';

/** A clock that only moves when the limiter sleeps, so timings are exact. */
function fakeClock() {
  let now = 1_000_000;
  return {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
    advance: (ms: number) => {
      now += ms;
    },
    get time() {
      return now;
    },
  };
}

describe('RateLimiter', () => {
  it('lets a burst through at once, then paces at the configured rate', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ ratePerSecond: 10, burst: 5, now: clock.now, sleep: clock.sleep });
    const start = clock.time;
    const times: number[] = [];
    for (let i = 0; i < 15; i++) {
      await limiter.acquire();
      times.push(clock.time - start);
    }
    expect(times.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    // 10 more at 10/s take one second.
    expect(times[14]).toBe(1000);
    for (let i = 6; i < 15; i++) expect(times[i]! - times[i - 1]!).toBe(100);
  });

  it('refills while idle, but never beyond the burst', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ ratePerSecond: 10, burst: 3, now: clock.now, sleep: clock.sleep });
    for (let i = 0; i < 3; i++) await limiter.acquire();
    clock.advance(60_000);
    const start = clock.time;
    for (let i = 0; i < 4; i++) await limiter.acquire();
    expect(clock.time - start).toBe(100);
  });

  it('holds every caller during a pause, and a shorter pause does not shorten it', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ ratePerSecond: 100, burst: 100, now: clock.now, sleep: clock.sleep });
    const start = clock.time;
    limiter.pauseFor(5000);
    limiter.pauseFor(1000);
    await Promise.all([limiter.acquire(), limiter.acquire(), limiter.acquire()]);
    expect(clock.time - start).toBe(5000);
  });

  it('serves waiters in arrival order', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ ratePerSecond: 1, burst: 1, now: clock.now, sleep: clock.sleep });
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3].map((i) => limiter.acquire().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3]);
  });

  it('really waits with the real clock', async () => {
    const limiter = new RateLimiter({ ratePerSecond: 20, burst: 1 });
    const start = Date.now();
    for (let i = 0; i < 5; i++) await limiter.acquire();
    // 4 paced acquisitions at 50 ms each; allow timer slack.
    expect(Date.now() - start).toBeGreaterThanOrEqual(190);
  });

  it('rejects nonsense settings', () => {
    expect(() => new RateLimiter({ ratePerSecond: 0 })).toThrow(/ratePerSecond/);
    expect(() => new RateLimiter({ burst: 0 })).toThrow(/burst/);
  });

  it('hands out one process-wide Personio limiter', () => {
    const a = getSharedPersonioLimiter();
    expect(getSharedPersonioLimiter()).toBe(a);
    expect(a.ratePerSecond).toBe(25);
    expect(a.burst).toBe(25);
  });
});
