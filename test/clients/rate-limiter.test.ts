import { describe, expect, it } from 'vitest';
import { PersonioLimits, RateLimiter, getSharedPersonioLimits, personioLimitsFromEnv } from '../../src/clients/rate-limiter.js';

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

  it('hands out one process-wide set of Personio limits, within Personio\'s documented figures by default', () => {
    const a = getSharedPersonioLimits();
    expect(getSharedPersonioLimits()).toBe(a);
    // 2,000 requests per minute per IP (v1's published limit) = 33.3/s.
    expect(a.ip.ratePerSecond).toBeLessThanOrEqual(2000 / 60);
    // 300 requests per minute, bursts of 15: the one per-client figure Personio published.
    const client = a.forClient('https://api.personio.de some-client').client;
    expect(client.ratePerSecond).toBeLessThanOrEqual(300 / 60);
    expect(client.burst).toBeLessThanOrEqual(15);
  });

  it('reads both limits from the environment', () => {
    const limits = personioLimitsFromEnv({ PERSONIO_RATE_PER_SECOND: '40', PERSONIO_RATE_BURST: '8', PERSONIO_CLIENT_RATE_PER_SECOND: '12', PERSONIO_CLIENT_RATE_BURST: '3' });
    expect([limits.ip.ratePerSecond, limits.ip.burst]).toEqual([40, 8]);
    const c = limits.forClient('x').client;
    expect([c.ratePerSecond, c.burst]).toEqual([12, 3]);
    expect(() => personioLimitsFromEnv({ PERSONIO_CLIENT_RATE_PER_SECOND: 'fast' })).toThrow(/PERSONIO_CLIENT_RATE_PER_SECOND/);
  });
});

describe('adapting to the vendor', () => {
  it('a 429 with Retry-After holds that limiter for it', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ ratePerSecond: 100, burst: 100, now: clock.now, sleep: clock.sleep });
    limiter.onResponse(429, { 'retry-after': '3' });
    await limiter.acquire();
    expect(clock.time - 1_000_000).toBe(3000);
  });

  it('429s without Retry-After back off, doubling, until an answer succeeds', () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ ratePerSecond: 100, burst: 100, now: clock.now, sleep: clock.sleep });
    const pauses: number[] = [];
    for (let i = 0; i < 7; i++) {
      limiter.onResponse(429, {});
      pauses.push(limiter.pausedUntil - clock.time);
      clock.advance(limiter.pausedUntil - clock.time);
    }
    expect(pauses).toEqual([500, 1000, 2000, 4000, 8000, 15000, 15000]);
    limiter.onResponse(200, {});
    limiter.onResponse(429, {});
    expect(limiter.pausedUntil - clock.time).toBe(500);
  });

  it('x-ratelimit-remaining caps the tokens, 0 remaining holds until x-ratelimit-reset, a lower replenish rate is adopted', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ ratePerSecond: 50, burst: 50, now: clock.now, sleep: clock.sleep });
    limiter.onResponse(200, { 'x-ratelimit-remaining': '2', 'x-ratelimit-replenish-rate': '4' });
    expect(limiter.ratePerSecond).toBe(4);
    const start = clock.time;
    for (let i = 0; i < 4; i++) await limiter.acquire();
    // Two at once, then 250 ms apiece at the advertised 4/s.
    expect(clock.time - start).toBe(500);
    limiter.onResponse(200, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '7' });
    expect(limiter.pausedUntil - clock.time).toBe(7000);
    // A replenish rate above ours never raises it.
    limiter.onResponse(200, { 'x-ratelimit-replenish-rate': '500' });
    expect(limiter.ratePerSecond).toBe(50);
  });

  it('a 429 for one client holds that client only; the IP bucket is shared', () => {
    const limits = new PersonioLimits({ perIp: { ratePerSecond: 10, burst: 2 }, perClient: { ratePerSecond: 100, burst: 100 } });
    const a = limits.forClient('a');
    const b = limits.forClient('b');
    expect(limits.forClient('a')).toBe(a);
    expect(a.ip).toBe(b.ip);
    a.onResponse(429, { 'retry-after': '30' });
    expect(a.client.pausedUntil).toBeGreaterThan(Date.now() + 29_000);
    expect(b.client.pausedUntil).toBe(0);
    expect(limits.ip.pausedUntil).toBe(0);
  });

  it('a share of the per-IP limit: rate and burst divided by the processes behind the IP', () => {
    const limits = new PersonioLimits({ perIp: { ratePerSecond: 30, burst: 12 } });
    limits.shareIpWith(3);
    expect([limits.ip.ratePerSecond, limits.ip.burst]).toEqual([10, 4]);
    limits.shareIpWith(1);
    expect([limits.ip.ratePerSecond, limits.ip.burst]).toEqual([30, 12]);
  });
});

describe("a client's request rate", () => {
  it('is the lower of its own limit and this process\'s share of the per-IP one, as the headers lower them', () => {
    const limits = new PersonioLimits({ perIp: { ratePerSecond: 20, burst: 20 }, perClient: { ratePerSecond: 8, burst: 8 } });
    const client = limits.forClient('https://personio.example c-1');
    expect(client.ratePerSecond).toBe(8);
    limits.shareIpWith(4);
    expect(client.ratePerSecond).toBe(5);
    client.onResponse(200, { 'x-ratelimit-replenish-rate': '3' });
    expect(client.ratePerSecond).toBe(3);
  });
});
