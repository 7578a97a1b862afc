/**
 * The sandbox's own rate limits over real HTTP with an injected clock: per OAuth client,
 * per source IP (shared by all tenants), and on the token endpoint, with and without
 * Retry-After, all configured through the control API.
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
  Object.assign(sandbox.settings, defaultSettings());
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
