/**
 * The sandbox's own rate limits over real HTTP with an injected clock: per OAuth client,
 * per source IP (shared by all tenants), and on the token endpoint, with and without
 * Retry-After, all configured through the control API — as fixed windows and as per-endpoint
 * token buckets with `x-ratelimit-*` headers, plus the counters tests use as their oracle.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ErrorResponse } from '../../src/clients/personio/schemas.js';
import { fetchPersonioToken, personioSeed } from '../../src/sandbox/personio/fixtures.js';
import { startPersonioSandbox, type RunningPersonioSandbox } from '../../src/sandbox/personio/listen.js';
import { defaultSettings, type PersonioSettings } from '../../src/sandbox/personio/settings.js';

const ACME = { clientId: 'acme-personio', clientSecret: 'acme-secret' };
const GLOBEX = { clientId: 'globex-personio', clientSecret: 'globex-secret' };

// 45 s into a minute: the current 60 s window ends in 15 s.
const WINDOW_START = Date.UTC(2026, 10, 20, 10, 0, 0);
let clock = new Date(WINDOW_START + 45_000);
let sandbox: RunningPersonioSandbox;
let acme: string;
let globex: string;

const attendances = (token: string) => fetch(`${sandbox.baseUrl}/v2/attendance-periods`, { headers: { authorization: `Bearer ${token}` } });
const persons = (token: string) => fetch(`${sandbox.baseUrl}/v2/persons`, { headers: { authorization: `Bearer ${token}` } });
const tokenRequest = (creds: { clientId: string; clientSecret: string }) =>
  fetch(`${sandbox.baseUrl}/v2/auth/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: creds.clientId, client_secret: creds.clientSecret }),
  });

async function configure(patch: Partial<PersonioSettings>) {
  const res = await fetch(`${sandbox.baseUrl}/_sandbox/settings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(patch) });
  expect(res.status).toBe(200);
}

async function statuses(n: number, send: () => Promise<Response>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await send()).status);
  return out;
}

async function expect429(res: Response) {
  expect(res.status).toBe(429);
  const body = ErrorResponse.parse(await res.json());
  expect(body.errors[0]?.title).toBe('Too Many Requests');
  return body.errors[0]!.detail!;
}

beforeAll(async () => {
  sandbox = await startPersonioSandbox({ now: () => clock });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(async () => {
  clock = new Date(WINDOW_START + 45_000);
  await fetch(`${sandbox.baseUrl}/_sandbox/reset`, { method: 'POST' });
  // The fixed-window cases below; the token-bucket ones switch the algorithm themselves.
  Object.assign(sandbox.settings, defaultSettings({ rateLimitAlgorithm: 'fixed-window' }));
  sandbox.seed(personioSeed([{ id: 'acme', credentials: ACME }, { id: 'globex', credentials: GLOBEX }]));
  acme = await fetchPersonioToken(sandbox.baseUrl, ACME);
  globex = await fetchPersonioToken(sandbox.baseUrl, GLOBEX);
});

describe('per-client limit', () => {
  it('answers 429 with Retry-After to the window end once a client is over its limit; other clients go on', async () => {
    await configure({ rateLimitPerClient: 3 });
    expect(await statuses(3, () => persons(acme))).toEqual([200, 200, 200]);
    const over = await persons(acme);
    expect(over.headers.get('retry-after')).toBe('15');
    expect(await expect429(over)).toMatch(/limit of 3 requests per 60 s for this API client/);
    expect((await persons(globex)).status).toBe(200);
    clock = new Date(WINDOW_START + 59_001);
    expect((await persons(acme)).headers.get('retry-after')).toBe('1');
  });

  it('counts per client, not per token', async () => {
    await configure({ rateLimitPerClient: 2 });
    const second = await fetchPersonioToken(sandbox.baseUrl, ACME);
    expect(await statuses(2, () => persons(acme))).toEqual([200, 200]);
    expect((await persons(second)).status).toBe(429);
  });

  it('opens again in the next window', async () => {
    await configure({ rateLimitPerClient: 1 });
    expect(await statuses(2, () => persons(acme))).toEqual([200, 429]);
    clock = new Date(WINDOW_START + 60_000);
    expect((await persons(acme)).status).toBe(200);
  });

  it('omits Retry-After when the setting is off', async () => {
    await configure({ rateLimitPerClient: 1, retryAfter: false });
    await persons(acme);
    const over = await persons(acme);
    await expect429(over);
    expect(over.headers.has('retry-after')).toBe(false);
  });

  it('follows a configured window length', async () => {
    await configure({ rateLimitPerClient: 1, rateLimitWindowSeconds: 600 });
    await persons(acme);
    // 10:00:45 inside the 10:00–10:10 window: 555 s left.
    expect((await persons(acme)).headers.get('retry-after')).toBe('555');
  });
});

describe('per-IP limit', () => {
  // The two token requests of beforeEach already count against the address in this window.
  it('is shared by all tenants calling from one address', async () => {
    await configure({ rateLimitPerIp: 6 });
    expect(await statuses(2, () => persons(acme))).toEqual([200, 200]);
    expect(await statuses(2, () => persons(globex))).toEqual([200, 200]);
    const over = await persons(globex);
    expect(await expect429(over)).toMatch(/for this IP/);
    expect(over.headers.get('retry-after')).toBe('15');
    expect((await persons(acme)).status).toBe(429);
  });

  it('counts unauthenticated and token requests too, but not the control API', async () => {
    await configure({ rateLimitPerIp: 5 });
    expect((await fetch(`${sandbox.baseUrl}/v2/persons`)).status).toBe(401);
    expect((await tokenRequest(ACME)).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await fetch(`${sandbox.baseUrl}/_sandbox/settings`)).status).toBe(200);
    expect((await persons(acme)).status).toBe(200);
    expect((await persons(acme)).status).toBe(429);
  });

  it('omits Retry-After when the setting is off', async () => {
    await configure({ rateLimitPerIp: 3, retryAfter: false });
    await persons(acme);
    const over = await persons(acme);
    expect(over.status).toBe(429);
    expect(over.headers.has('retry-after')).toBe(false);
  });
});

describe('token endpoint limit', () => {
  it('allows 150 token requests per client_id and window by default, then 429', async () => {
    // beforeEach already fetched one token per client.
    const ok = await statuses(149, () => tokenRequest(ACME));
    expect(ok.every((s) => s === 200)).toBe(true);
    const over = await tokenRequest(ACME);
    expect(await expect429(over)).toMatch(/token requests for this client_id/);
    expect(over.headers.get('retry-after')).toBe('15');
    expect((await tokenRequest(GLOBEX)).status).toBe(200);
  });

  it('counts failed attempts for a client_id as well and honours the configured limit', async () => {
    await configure({ authRateLimitPerClient: 3 });
    const wrong = { clientId: GLOBEX.clientId, clientSecret: 'wrong' };
    expect(await statuses(2, () => tokenRequest(wrong))).toEqual([401, 401]);
    expect((await tokenRequest(GLOBEX)).status).toBe(429);
    clock = new Date(WINDOW_START + 60_000);
    expect((await tokenRequest(GLOBEX)).status).toBe(200);
  });
});

describe('settings', () => {
  it('a patch of one setting leaves the others as they were (it used to reset them to their defaults)', async () => {
    await configure({ retryAfter: false, rateLimitPerIp: 7 });
    await configure({ rateLimitPerClient: 3 });
    expect(sandbox.settings).toMatchObject({ retryAfter: false, rateLimitPerIp: 7, rateLimitPerClient: 3, rateLimitAlgorithm: 'fixed-window' });
  });
});

describe('token buckets', () => {
  const tick = (ms: number) => {
    clock = new Date(clock.getTime() + ms);
  };

  it('per client and endpoint: a burst, then 429 with Retry-After to the next token; another endpoint has its own bucket', async () => {
    // 60 per 60 s: one token a second, two in the bucket.
    await configure({ rateLimitAlgorithm: 'token-bucket', rateLimitPerClient: 60, rateLimitBurstSeconds: 2 });
    const first = await persons(acme);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-limit')).toBe('2');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
    expect(first.headers.get('x-ratelimit-replenish-rate')).toBe('1');
    expect(first.headers.get('x-ratelimit-burst-capacity')).toBe('2');
    const second = await persons(acme);
    expect(second.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(second.headers.get('x-ratelimit-reset')).toBe('2');
    const over = await persons(acme);
    expect(await expect429(over)).toMatch(/60 requests per 60 s for this API client on GET \/v2\/persons/);
    expect(over.headers.get('retry-after')).toBe('1');
    expect(over.headers.get('x-ratelimit-remaining')).toBe('0');
    expect((await attendances(acme)).status).toBe(200);
    expect((await persons(globex)).status).toBe(200);
    tick(1_000);
    expect((await persons(acme)).status).toBe(200);
    expect((await persons(acme)).status).toBe(429);
  });

  it('per IP across all tenants and endpoints; the tighter bucket\'s headers go out', async () => {
    // 120 per 60 s: two a second, four in the bucket (the token requests of beforeEach came before the switch).
    await configure({ rateLimitAlgorithm: 'token-bucket', rateLimitPerIp: 120, rateLimitBurstSeconds: 2 });
    const a = await persons(acme);
    expect(a.headers.get('x-ratelimit-limit')).toBe('4');
    expect(a.headers.get('x-ratelimit-remaining')).toBe('3');
    expect(await statuses(3, () => attendances(globex))).toEqual([200, 200, 200]);
    const over = await persons(globex);
    expect(await expect429(over)).toMatch(/for this IP/);
    expect(over.headers.get('retry-after')).toBe('1');
    tick(500);
    expect((await persons(globex)).status).toBe(200);
  });

  it('switches: no Retry-After, no x-ratelimit headers', async () => {
    await configure({ rateLimitAlgorithm: 'token-bucket', rateLimitPerClient: 60, rateLimitBurstSeconds: 1, retryAfter: false, rateLimitHeaders: false });
    const ok = await persons(acme);
    expect(ok.status).toBe(200);
    expect(ok.headers.has('x-ratelimit-remaining')).toBe(false);
    const over = await persons(acme);
    await expect429(over);
    expect(over.headers.has('retry-after')).toBe(false);
    expect(over.headers.has('x-ratelimit-limit')).toBe(false);
  });

  it('counts requests, refusals and the most requests in any second per IP and per client', async () => {
    await configure({ rateLimitAlgorithm: 'token-bucket', rateLimitPerClient: 60, rateLimitBurstSeconds: 3 });
    await statuses(4, () => persons(acme));
    tick(1_500);
    await statuses(2, () => persons(globex));
    const stats = (await (await fetch(`${sandbox.baseUrl}/_sandbox/rate-limits`)).json()) as { ip: Record<string, unknown>; client: Record<string, unknown> };
    expect(stats.client['acme-personio']).toEqual({ requests: 4, limited: 1, maxPerSecond: 4 });
    expect(stats.client['globex-personio']).toEqual({ requests: 2, limited: 0, maxPerSecond: 2 });
    // beforeEach's two token requests count against the address, 1.5 s earlier than the last two.
    expect(stats.ip['127.0.0.1']).toEqual({ requests: 8, limited: 0, maxPerSecond: 6 });
    await fetch(`${sandbox.baseUrl}/_sandbox/reset`, { method: 'POST' });
    expect(await (await fetch(`${sandbox.baseUrl}/_sandbox/rate-limits`)).json()).toEqual({ ip: {}, client: {} });
  });
});
