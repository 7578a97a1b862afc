/**
 * PersonioClient over real HTTP against the Personio v2 sandbox: pagination, token expiry and
 * rotation, every error class from a real response, the shared limiter, and no secret leaks.
 */
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AuthRejectedError,
  RateLimitedError,
  ResponseShapeError,
  TransientError,
  ValidationRejectedError,
  NotFoundError,
} from '../../src/clients/errors.js';
import { PersonioClient } from '../../src/clients/personio/client.js';
import type { AttendancePeriod, Person } from '../../src/clients/personio/schemas.js';
import { PersonioLimits, RateLimiter } from '../../src/clients/rate-limiter.js';
import { TokenCache, type FetchedToken, type TokenFetcher, type TokenKey } from '../../src/clients/token-cache.js';
import type { FaultRuleInput } from '../../src/sandbox/faults.js';
import type { LoggedRequest } from '../../src/sandbox/request-log.js';
import { createPersonioSandbox, type PersonioSandbox } from '../../src/sandbox/personio/server.js';
import type { Credentials, Seed } from '../../src/sandbox/seed.js';

/** Remembers every token it hands out, so tests can look for them in error text. */
/** Every token any test's cache handed out, for the leak check at the end (caches are per test). */
const tokensIssued = new Set<string>();

class RecordingTokenCache extends TokenCache {
  readonly issued = new Set<string>();
  override async get(key: TokenKey, fetch: TokenFetcher): Promise<string> {
    const token = await super.get(key, async (): Promise<FetchedToken> => fetch());
    this.issued.add(token);
    tokensIssued.add(token);
    return token;
  }
}

const PERSONS = 120;
const PERIODS = 250;
const creds: Record<string, Credentials> = {
  acme: { clientId: 'acme-personio', clientSecret: 'acme-Secret-9f8e7d6c5b4a' },
  globex: { clientId: 'globex-personio', clientSecret: 'globex-Secret-0a1b2c3d4e5f' },
};

function day(i: number): string {
  const d = new Date(Date.UTC(2025, 0, 1) + i * 86_400_000);
  return d.toISOString().slice(0, 10);
}

function seed(): Seed {
  const persons: Person[] = Array.from({ length: PERSONS }, (_, i) => ({
    id: `p-${String(i).padStart(3, '0')}`,
    email: i === 7 || i === 8 ? 'shared@acme.test' : `person${i}@acme.test`,
    first_name: `First${i}`,
    last_name: `Last${i}`,
    status: 'ACTIVE',
  }));
  const periods: AttendancePeriod[] = Array.from({ length: PERIODS }, (_, i) => ({
    id: `seed-${String(i).padStart(4, '0')}`,
    person: { id: 'p-001' },
    type: 'WORK',
    start: { date_time: `${day(i)}T08:00:00` },
    end: { date_time: `${day(i)}T12:00:00` },
  }));
  const tenant = (id: string, withData: boolean) => ({
    id,
    timezone: 'Europe/Vienna',
    timr: { clientId: `${id}-timr`, clientSecret: 'unused-timr-secret', users: [], workingTimeTypes: [], workingTimes: [] },
    personio: { ...creds[id]!, persons: withData ? persons : persons.slice(0, 3), attendancePeriods: withData ? periods : [] },
  });
  return { tenants: [tenant('acme', true), tenant('globex', false)] };
}

let sandbox: PersonioSandbox;
let base: string;
let tokenCache: RecordingTokenCache;
const errorsSeen: unknown[] = [];

async function control(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${base}/_sandbox${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`control ${method} ${path} → ${res.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

const addFault = (rule: FaultRuleInput) => control('POST', '/faults', rule);
/** The request log; requests refused at the bearer check carry no tenant, so ask without one when those matter. */
const requests = async (tenant?: string) => (await control('GET', tenant ? `/requests?tenant=${tenant}` : '/requests')) as LoggedRequest[];

function client(tenantId = 'acme', extra: Partial<ConstructorParameters<typeof PersonioClient>[0]> = {}): PersonioClient {
  return new PersonioClient({
    tenantId,
    baseUrl: base,
    credentials: creds[tenantId]!,
    tokenCache,
    limiter: new RateLimiter({ ratePerSecond: 1000, burst: 1000 }),
    retryBackoffMs: 5,
    ...extra,
  });
}

/** Awaits the promise's rejection and keeps the error for the leak check at the end. */
async function failure(p: Promise<unknown>): Promise<unknown> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'expected the call to fail').toBeDefined();
  errorsSeen.push(err);
  return err;
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const period = (personId: string, date: string, from = '08:00:00', to = '12:00:00') => ({
  person: { id: personId },
  type: 'WORK' as const,
  start: { date_time: `${date}T${from}` },
  end: { date_time: `${date}T${to}` },
  comment: 'from timr',
});

beforeAll(async () => {
  sandbox = createPersonioSandbox();
  base = await sandbox.app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await sandbox.app.close();
});

beforeEach(async () => {
  await control('POST', '/reset');
  await control('POST', '/seed', seed());
  tokenCache = new RecordingTokenCache();
});

describe('reading', () => {
  it('pages through all persons following the absolute next link', async () => {
    const persons = await collect(client().listPersons());
    expect(persons).toHaveLength(PERSONS);
    expect(new Set(persons.map((p) => p.id)).size).toBe(PERSONS);
    const pages = (await requests('acme')).filter((r) => r.method === 'GET' && r.route === '/v2/persons');
    expect(pages).toHaveLength(Math.ceil(PERSONS / 50));
    expect(pages.slice(1).every((r) => r.url.includes('cursor='))).toBe(true);
  });

  it('finds persons by e-mail, including ambiguous matches', async () => {
    expect((await client().findPersonsByEmail('person42@acme.test')).map((p) => p.id)).toEqual(['p-042']);
    expect((await client().findPersonsByEmail('shared@acme.test')).map((p) => p.id).sort()).toEqual(['p-007', 'p-008']);
    expect(await client().findPersonsByEmail('nobody@acme.test')).toEqual([]);
  });

  it('pages through attendance periods with person and date filters unchanged', async () => {
    const all = await collect(client().listAttendancePeriods({ personIds: ['p-001'] }));
    expect(all).toHaveLength(PERIODS);
    const window = await collect(
      client().listAttendancePeriods({ personIds: ['p-001', 'p-002'], startGte: `${day(10)}T00:00:00`, startLte: `${day(19)}T23:59:59` }),
    );
    expect(window.map((p) => p.id)).toEqual(Array.from({ length: 10 }, (_, i) => `seed-${String(10 + i).padStart(4, '0')}`));
  });
});

describe('writing', () => {
  it('creates, reads, patches and deletes a period; a second delete is already-gone', async () => {
    const c = client();
    const id = await c.createAttendancePeriod(period('p-002', '2026-03-02'));
    const created = await c.getAttendancePeriod(id);
    expect(created).toMatchObject({ person: { id: 'p-002' }, type: 'WORK', start: { date_time: '2026-03-02T08:00:00' }, status: 'confirmed' });
    await c.patchAttendancePeriod(id, { end: { date_time: '2026-03-02T12:30:00' }, comment: 'edited' });
    expect(await c.getAttendancePeriod(id)).toMatchObject({ end: { date_time: '2026-03-02T12:30:00' }, comment: 'edited' });
    expect(await c.deleteAttendancePeriod(id)).toBe('deleted');
    expect(await c.deleteAttendancePeriod(id)).toBe('already-gone');
    expect(await failure(c.getAttendancePeriod(id))).toBeInstanceOf(NotFoundError);
  });

  it('creates without skip_approval only when asked (then the period is pending)', async () => {
    const id = await client().createAttendancePeriod(period('p-002', '2026-03-03'), { skipApproval: false });
    expect((await client().getAttendancePeriod(id)).status).toBe('pending');
  });
});

describe('errors from real responses', () => {
  it('422 overlap → ValidationRejectedError with Personio\'s message', async () => {
    await client().createAttendancePeriod(period('p-002', '2026-03-04'));
    const err = (await failure(client().createAttendancePeriod(period('p-002', '2026-03-04', '10:00:00', '14:00:00')))) as ValidationRejectedError;
    expect(err).toBeInstanceOf(ValidationRejectedError);
    expect(err.status).toBe(422);
    expect(err.messages.join(' ')).toContain('Overlapping attendance periods');
    expect(err.traceId).toBeTruthy();
  });

  it('422 start after end → ValidationRejectedError', async () => {
    const err = (await failure(client().createAttendancePeriod(period('p-002', '2026-03-05', '14:00:00', '08:00:00')))) as ValidationRejectedError;
    expect(err).toBeInstanceOf(ValidationRejectedError);
    expect(err.status).toBe(422);
  });

  it('400 bad filter → ValidationRejectedError naming the filter', async () => {
    const err = (await failure(collect(client().listAttendancePeriods({ updatedGte: 'yesterday' })))) as ValidationRejectedError;
    expect(err).toBeInstanceOf(ValidationRejectedError);
    expect(err.status).toBe(400);
    expect(err.message).toContain('updated_at.gte');
  });

  it('a 500 burst shorter than the read retries is absorbed; a longer one → TransientError', async () => {
    await addFault({ tenantId: 'acme', route: 'GET /v2/persons', times: 2, fault: { kind: 'error', status: 500 } });
    expect(await client().findPersonsByEmail('person1@acme.test')).toHaveLength(1);
    await addFault({ tenantId: 'acme', route: 'GET /v2/persons', times: 3, fault: { kind: 'error', status: 503 } });
    const err = (await failure(client().findPersonsByEmail('person1@acme.test'))) as TransientError;
    expect(err).toBeInstanceOf(TransientError);
    expect(err.status).toBe(503);
  });

  it('a write hitting a 500 is not retried by the client', async () => {
    await addFault({ tenantId: 'acme', route: 'POST /v2/attendance-periods', times: 1, fault: { kind: 'error', status: 500 } });
    expect(await failure(client().createAttendancePeriod(period('p-002', '2026-03-06')))).toBeInstanceOf(TransientError);
    const posts = (await requests('acme')).filter((r) => r.method === 'POST' && r.route === '/v2/attendance-periods');
    expect(posts).toHaveLength(1);
  });

  it('connection reset → TransientError ECONNRESET; commit-then-drop leaves the period created', async () => {
    await addFault({ tenantId: 'acme', route: 'POST /v2/attendance-periods', times: 1, fault: { kind: 'reset' } });
    const reset = (await failure(client().createAttendancePeriod(period('p-002', '2026-03-07')))) as TransientError;
    expect(reset).toBeInstanceOf(TransientError);
    expect(reset.code).toBe('ECONNRESET');
    expect(await collect(client().listAttendancePeriods({ personIds: ['p-002'] }))).toHaveLength(0);

    await addFault({ tenantId: 'acme', route: 'POST /v2/attendance-periods', times: 1, fault: { kind: 'commit-then-drop', mode: 'reset' } });
    expect(await failure(client().createAttendancePeriod(period('p-002', '2026-03-08')))).toBeInstanceOf(TransientError);
    // Why callers reconcile before re-posting: the write happened although the client saw an error.
    expect(await collect(client().listAttendancePeriods({ personIds: ['p-002'] }))).toHaveLength(1);
  });

  it('429 with Retry-After → RateLimitedError with the delay; without → no delay', async () => {
    await addFault({ tenantId: 'acme', route: 'GET /v2/attendance-periods/:id', times: 1, fault: { kind: 'rate-limit', retryAfterSeconds: 3 } });
    const withHeader = (await failure(client('acme', { retries: 0 }).getAttendancePeriod('seed-0001'))) as RateLimitedError;
    expect(withHeader).toBeInstanceOf(RateLimitedError);
    expect(withHeader.retryAfterMs).toBe(3000);
    await addFault({ tenantId: 'acme', route: 'GET /v2/attendance-periods/:id', times: 1, fault: { kind: 'rate-limit', retryAfterSeconds: null } });
    const without = (await failure(client('acme', { retries: 0 }).getAttendancePeriod('seed-0001'))) as RateLimitedError;
    expect(without).toBeInstanceOf(RateLimitedError);
    expect(without.retryAfterMs).toBeUndefined();
  });

  it('a changed response shape → ResponseShapeError naming the field', async () => {
    // The API validates what it stores, so corrupt a period behind its back, as a vendor change would.
    const stored = sandbox.store.period('acme', 'seed-0000')!;
    (stored.start as { date_time: string }).date_time = '2025-01-01T08:00:00Z';
    const err = (await failure(client().getAttendancePeriod('seed-0000'))) as ResponseShapeError;
    expect(err).toBeInstanceOf(ResponseShapeError);
    expect(err.issues.join()).toContain('start.date_time');
    expect(err.endpoint).toBe('GET /v2/attendance-periods/{id}');
  });
});

describe('tokens', () => {
  it('fetches one token, reuses it, and refreshes it once after expiry', async () => {
    const c = client();
    await c.getAttendancePeriod('seed-0001');
    await c.getAttendancePeriod('seed-0002');
    await control('POST', '/tenants/acme/expire-tokens');
    await c.getAttendancePeriod('seed-0003');
    const log = await requests();
    expect(log.filter((r) => r.route === '/v2/auth/token')).toHaveLength(2);
    expect(log.filter((r) => r.status === 401)).toHaveLength(1);
    expect(tokenCache.issued.size).toBe(2);
  });

  it('concurrent calls share one token request', async () => {
    const c = client();
    await Promise.all(Array.from({ length: 10 }, (_, i) => c.getAttendancePeriod(`seed-${String(i).padStart(4, '0')}`)));
    expect((await requests('acme')).filter((r) => r.route === '/v2/auth/token')).toHaveLength(1);
  });

  it('after rotation: one refresh attempt, then AuthRejectedError; new credentials work at once', async () => {
    const c = client();
    await c.getAttendancePeriod('seed-0001');
    const rotated = (await control('POST', '/tenants/acme/rotate-credentials')) as Credentials;
    const err = (await failure(c.getAttendancePeriod('seed-0001'))) as AuthRejectedError;
    expect(err).toBeInstanceOf(AuthRejectedError);
    expect(err.rejectedAt).toBe('token-endpoint');
    expect(err.message).toContain('Store new Personio credentials for tenant "acme", then resume');
    const log = await requests();
    const afterRotation = log.slice(log.findIndex((r) => r.status === 401));
    expect(afterRotation.map((r) => `${r.method} ${r.route} ${r.status}`)).toEqual([
      'GET /v2/attendance-periods/:id 401',
      'POST /v2/auth/token 401',
    ]);

    // Same cache, new secret: the old (revoked) token must not be reused.
    const fresh = client('acme', { credentials: rotated });
    expect((await fresh.getAttendancePeriod('seed-0001')).id).toBe('seed-0001');
  });

  it('401 that persists after a fresh token → AuthRejectedError at the API', async () => {
    await addFault({ tenantId: 'acme', route: 'GET /v2/attendance-periods/:id', times: 2, fault: { kind: 'error', status: 401 } });
    const err = (await failure(client().getAttendancePeriod('seed-0001'))) as AuthRejectedError;
    expect(err).toBeInstanceOf(AuthRejectedError);
    expect(err.rejectedAt).toBe('api');
    expect((await requests('acme')).filter((r) => r.route === '/v2/auth/token')).toHaveLength(2);
  });

  it('a wrong secret from the start → AuthRejectedError without calling the API', async () => {
    const c = client('acme', { credentials: { clientId: 'acme-personio', clientSecret: 'wrong-Secret-xyz' } });
    const err = await failure(c.getAttendancePeriod('seed-0001'));
    expect(err).toBeInstanceOf(AuthRejectedError);
    expect(String(err)).not.toContain('wrong-Secret-xyz');
    expect((await requests('acme')).map((r) => r.route)).toEqual(['/v2/auth/token']);
  });
});

describe('shared limiter', () => {
  it('paces two tenants together, not each on its own', async () => {
    const limiter = new RateLimiter({ ratePerSecond: 20, burst: 1 });
    const a = client('acme', { limiter, retries: 0 });
    const b = client('globex', { limiter });
    // Warm both tokens outside the measurement.
    await Promise.all([a.findPersonsByEmail('person1@acme.test'), b.findPersonsByEmail('person1@acme.test')]);
    const start = Date.now();
    await Promise.all([
      ...Array.from({ length: 10 }, () => a.getAttendancePeriod('seed-0001')),
      ...Array.from({ length: 10 }, () => b.findPersonsByEmail('person1@acme.test')),
    ]);
    // 20 requests at 20/s with no burst: about one second; each tenant alone would need half.
    expect(Date.now() - start).toBeGreaterThanOrEqual(900);
  });

  it('a 429 storm on one tenant slows that tenant only: the other\'s requests all go out while the first waits', async () => {
    const limits = new PersonioLimits({ perIp: { ratePerSecond: 1000, burst: 1000 }, perClient: { ratePerSecond: 1000, burst: 1000 } });
    const a = client('acme', { limiter: undefined, limits, retries: 3 });
    const b = client('globex', { limiter: undefined, limits });
    await Promise.all([a.findPersonsByEmail('person1@acme.test'), b.findPersonsByEmail('person1@acme.test')]);
    await addFault({ tenantId: 'acme', route: 'GET /v2/attendance-periods/:id', times: 2, fault: { kind: 'rate-limit', retryAfterSeconds: 1 } });
    const slow = a.getAttendancePeriod('seed-0001');
    // Let acme's first 429 arrive before globex starts.
    for (let i = 0; i < 50 && (await requests('acme')).filter((r) => r.status === 429).length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await Promise.all(Array.from({ length: 10 }, () => b.findPersonsByEmail('person1@acme.test')));
    const globexDone = (await requests('globex')).length;
    expect((await slow).id).toBe('seed-0001');
    // Order in the sandbox's log: every globex request was answered before acme's next try got there.
    const log = (await requests()).filter((r) => r.tenantId === 'acme' || r.tenantId === 'globex');
    const acmeTries = log.map((r, i) => ({ r, i })).filter(({ r }) => r.tenantId === 'acme' && r.route === '/v2/attendance-periods/:id');
    expect(acmeTries.map(({ r }) => r.status)).toEqual([429, 429, 200]);
    const lastGlobex = log.map((r) => r.tenantId).lastIndexOf('globex');
    expect(lastGlobex).toBeLessThan(acmeTries[1]!.i);
    expect(globexDone).toBe(12);
  });
});

describe('x-ratelimit headers and 429s without Retry-After (token buckets)', () => {
  const stats = async () => (await control('GET', '/rate-limits')) as { client: Record<string, { requests: number; limited: number }> };
  const configure = (patch: Record<string, unknown>) => control('POST', '/settings', patch);
  // Personio's bucket for acme: 5/s, 5 at once; the product would send 50/s.
  const fastLimits = () => new PersonioLimits({ perIp: { ratePerSecond: 1000, burst: 1000 }, perClient: { ratePerSecond: 50, burst: 50 } });

  beforeEach(() => configure({ rateLimitAlgorithm: 'token-bucket', rateLimitPerClient: 300, rateLimitBurstSeconds: 1 }));
  afterEach(() => configure({ rateLimitPerClient: 1000, rateLimitBurstSeconds: 60, rateLimitHeaders: true, retryAfter: true }));

  it('with the headers, the client slows to the advertised rate before a 429', async () => {
    const limits = fastLimits();
    const a = client('acme', { limiter: undefined, limits });
    for (let i = 0; i < 20; i++) await a.getAttendancePeriod('seed-0001');
    expect(limits.forClient(`${base} acme-personio`).client.ratePerSecond).toBe(5);
    expect((await stats()).client['acme-personio']).toMatchObject({ requests: 20, limited: 0 });
  });

  it('without headers or Retry-After, 429s back off and every call still succeeds, with few 429s', async () => {
    await configure({ rateLimitHeaders: false, retryAfter: false });
    const a = client('acme', { limiter: undefined, limits: fastLimits() });
    for (let i = 0; i < 20; i++) await a.getAttendancePeriod('seed-0001');
    const s = (await stats()).client['acme-personio']!;
    expect(s.requests - s.limited).toBe(20);
    // The backoff (0.5 s, then doubling) refills Personio's bucket: not a 429 per request.
    expect(s.limited).toBeGreaterThan(0);
    expect(s.limited).toBeLessThanOrEqual(6);
  });
});

describe('secrets', () => {
  it('no error text or field carries a client secret or an access token', () => {
    expect(tokensIssued.size).toBeGreaterThan(5);
    expect(errorsSeen.length).toBeGreaterThan(10);
    const secrets = [...Object.values(creds).map((c) => c.clientSecret), ...tokensIssued];
    for (const err of errorsSeen) {
      const texts = [String(err), (err as Error).message, JSON.stringify(err), inspect(err, { depth: 5 })];
      for (const text of texts) for (const secret of secrets) expect(text).not.toContain(secret);
    }
  });
});
