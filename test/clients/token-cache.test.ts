import { describe, expect, it } from 'vitest';
import { TokenCache, type FetchedToken, type TokenKey } from '../../src/clients/token-cache.js';

const key = (clientSecret = 's3cret', clientId = 'client-a'): TokenKey => ({
  vendor: 'personio',
  tokenUrl: 'http://127.0.0.1:1/v2/auth/token',
  credentials: { clientId, clientSecret },
});

function counter(expiresInSeconds = 3600) {
  let n = 0;
  const fetch = async (): Promise<FetchedToken> => ({ accessToken: `token-${++n}`, expiresInSeconds });
  return { fetch, count: () => n };
}

describe('TokenCache', () => {
  it('reuses a token until less than the refresh margin remains', async () => {
    let now = 0;
    const cache = new TokenCache({ now: () => now });
    const f = counter(3600);
    expect(await cache.get(key(), f.fetch)).toBe('token-1');
    now = (3600 - 61) * 1000;
    expect(await cache.get(key(), f.fetch)).toBe('token-1');
    now = (3600 - 59) * 1000;
    expect(await cache.get(key(), f.fetch)).toBe('token-2');
    expect(f.count()).toBe(2);
  });

  it('refreshes short-lived tokens at half their lifetime instead of on every call', async () => {
    let now = 0;
    const cache = new TokenCache({ now: () => now });
    const f = counter(30);
    await cache.get(key(), f.fetch);
    now = 14_000;
    await cache.get(key(), f.fetch);
    expect(f.count()).toBe(1);
    now = 15_000;
    await cache.get(key(), f.fetch);
    expect(f.count()).toBe(2);
  });

  it('shares one in-flight request among concurrent callers', async () => {
    const cache = new TokenCache();
    let release!: () => void;
    let calls = 0;
    const fetch = async (): Promise<FetchedToken> => {
      calls++;
      await new Promise<void>((r) => (release = r));
      return { accessToken: 'shared', expiresInSeconds: 3600 };
    };
    const all = Promise.all(Array.from({ length: 20 }, () => cache.get(key(), fetch)));
    await Promise.resolve();
    release();
    expect(await all).toEqual(Array(20).fill('shared'));
    expect(calls).toBe(1);
  });

  it('does not cache a failed fetch: the next caller tries again', async () => {
    const cache = new TokenCache();
    let fail = true;
    const fetch = async (): Promise<FetchedToken> => {
      if (fail) throw new Error('token endpoint down');
      return { accessToken: 'ok', expiresInSeconds: 3600 };
    };
    await expect(cache.get(key(), fetch)).rejects.toThrow('token endpoint down');
    fail = false;
    expect(await cache.get(key(), fetch)).toBe('ok');
  });

  it('drops a refused token only if it is still the cached one', async () => {
    const cache = new TokenCache();
    const f = counter();
    const first = await cache.get(key(), f.fetch);
    cache.invalidate(key(), first);
    const second = await cache.get(key(), f.fetch);
    expect(second).toBe('token-2');
    // A late 401 for the old token must not throw away the fresh one.
    cache.invalidate(key(), first);
    expect(await cache.get(key(), f.fetch)).toBe('token-2');
    expect(f.count()).toBe(2);
  });

  it('never reuses a token after the secret changed, and forgets the old secret\'s token', async () => {
    const cache = new TokenCache();
    const f = counter();
    expect(await cache.get(key('old'), f.fetch)).toBe('token-1');
    expect(await cache.get(key('new'), f.fetch)).toBe('token-2');
    expect(await cache.get(key('old'), f.fetch)).toBe('token-3');
  });

  it('keeps tokens of different client ids apart', async () => {
    const cache = new TokenCache();
    const f = counter();
    expect(await cache.get(key('s', 'tenant-a'), f.fetch)).toBe('token-1');
    expect(await cache.get(key('s', 'tenant-b'), f.fetch)).toBe('token-2');
    expect(await cache.get(key('s', 'tenant-a'), f.fetch)).toBe('token-1');
  });
});
