import { describe, expect, it } from 'vitest';
import { RateLimitedError, TransientError, ValidationRejectedError } from '../../src/clients/errors.js';
import { retryEntry } from '../../src/activities/entry-retry.js';

const ctx = { vendor: 'personio' as const, tenantId: 't', endpoint: 'POST /v2/attendance-periods' };

describe('retryEntry', () => {
  it('retries transient failures with growing waits, telling the callback its attempt', async () => {
    const waits: number[] = [];
    const seen: number[] = [];
    const result = await retryEntry(
      async (attempt) => {
        seen.push(attempt);
        if (attempt < 3) throw new TransientError({ ...ctx, status: 503 });
        return 'ok';
      },
      { sleep: async (ms) => void waits.push(ms) },
    );
    expect(result).toBe('ok');
    expect(seen).toEqual([1, 2, 3]);
    expect(waits).toEqual([500, 1000]);
  });

  it('waits as long as Retry-After says on a 429', async () => {
    const waits: number[] = [];
    let n = 0;
    await retryEntry(
      async () => {
        if (n++ === 0) throw new RateLimitedError({ ...ctx, status: 429, retryAfterMs: 2_000 });
      },
      { sleep: async (ms) => void waits.push(ms) },
    );
    expect(waits).toEqual([2_000]);
  });

  it('gives up after the attempts and never retries a refusal', async () => {
    let calls = 0;
    await expect(retryEntry(async () => { calls++; throw new TransientError({ ...ctx, status: 500 }); }, { attempts: 2, sleep: async () => {} })).rejects.toBeInstanceOf(TransientError);
    expect(calls).toBe(2);
    calls = 0;
    await expect(retryEntry(async () => { calls++; throw new ValidationRejectedError({ ...ctx, status: 422, messages: ['Overlapping attendance periods'] }); }, { sleep: async () => {} })).rejects.toBeInstanceOf(ValidationRejectedError);
    expect(calls).toBe(1);
  });
});
