import { describe, expect, it } from 'vitest';
import { AuthRejectedError, RateLimitedError, ResponseShapeError, TransientError, ValidationRejectedError } from '../../src/clients/errors.js';
import { RATE_LIMIT_BACKOFF, withRetries } from '../../src/clients/retry.js';

const ctx = { vendor: 'personio' as const, tenantId: 't', endpoint: 'GET /v2/attendance-periods' };
const profile = { attempts: 3, backoffMs: 500, maxRetryAfterMs: 10_000 };

describe('withRetries: the one in-process retry layer', () => {
  it('retries what its class calls retryable, with growing waits, telling the callback its attempt', async () => {
    const waits: number[] = [];
    const seen: number[] = [];
    const result = await withRetries(
      profile,
      async (attempt) => {
        seen.push(attempt);
        if (attempt === 1) throw new TransientError({ ...ctx, status: 503 });
        if (attempt === 2) throw new ResponseShapeError({ ...ctx, status: 200, issues: ['body is not JSON'] });
        return 'ok';
      },
      async (ms) => void waits.push(ms),
    );
    expect(result).toBe('ok');
    expect(seen).toEqual([1, 2, 3]);
    expect(waits).toEqual([500, 1000]);
  });

  it('waits as long as Retry-After says, but leaves a long one to Temporal', async () => {
    const waits: number[] = [];
    let n = 0;
    await withRetries(profile, async () => {
      if (n++ === 0) throw new RateLimitedError({ ...ctx, status: 429, retryAfterMs: 2_000 });
    }, async (ms) => void waits.push(ms));
    expect(waits).toEqual([2_000]);
    let calls = 0;
    const long = withRetries(profile, async () => {
      calls++;
      throw new RateLimitedError({ ...ctx, status: 429, retryAfterMs: 60_000 });
    }, async () => {});
    await expect(long).rejects.toBeInstanceOf(RateLimitedError);
    expect(calls).toBe(1);
  });

  it('gives up after the attempts and never retries a refusal or rejected credentials', async () => {
    let calls = 0;
    await expect(withRetries({ ...profile, attempts: 2 }, async () => { calls++; throw new TransientError({ ...ctx, status: 500 }); }, async () => {})).rejects.toBeInstanceOf(TransientError);
    expect(calls).toBe(2);
    for (const err of [new ValidationRejectedError({ ...ctx, status: 422, messages: ['Overlapping attendance periods'] }), new AuthRejectedError({ ...ctx, status: 401, rejectedAt: 'api' }), new Error('a bug')]) {
      calls = 0;
      await expect(withRetries(profile, async () => { calls++; throw err; }, async () => {})).rejects.toBe(err);
      expect(calls).toBe(1);
    }
  });

  it('inside an activity (rateLimitUntil) a 429 is waited out without counting as a try, until the deadline', async () => {
    let clock = 0;
    const waits: number[] = [];
    const wait = async (ms: number) => {
      waits.push(ms);
      clock += ms;
    };
    let calls = 0;
    // Ten 429s without Retry-After, then one 503, then success: the 503 is the only counted try.
    const result = await withRetries(
      { ...profile, attempts: 2, rateLimitUntil: () => 1_000_000 },
      async () => {
        calls++;
        if (calls <= 10) throw new RateLimitedError({ ...ctx, status: 429 });
        if (calls === 11) throw new TransientError({ ...ctx, status: 503 });
        return 'ok';
      },
      wait,
      () => clock,
    );
    expect(result).toBe('ok');
    expect(calls).toBe(12);
    // Doubling from the first wait up to the cap, then the counted retry's backoff.
    expect(waits.slice(0, 6)).toEqual([500, 1_000, 2_000, 4_000, 8_000, RATE_LIMIT_BACKOFF.maxMs]);
    expect(waits.at(-1)).toBe(500);

    // A wait that would end past the deadline is not waited: the 429 goes on (to Temporal).
    clock = 0;
    const late = withRetries({ ...profile, rateLimitUntil: () => 5_000 }, async () => {
      throw new RateLimitedError({ ...ctx, status: 429, retryAfterMs: 30_000 });
    }, wait, () => clock);
    await expect(late).rejects.toBeInstanceOf(RateLimitedError);
  });
});
