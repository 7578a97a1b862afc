/**
 * TimrClient over real HTTP against the timr v1 sandbox: cursor pagination, locking with
 * metadata, the deletion feed, master data, token expiry and rotation, every error class from
 * a real response, and no secret leaks.
 */
import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AuthRejectedError,
  ConflictError,
  NotFoundError,
  RateLimitedError,
  RedirectedToRequestError,
  TransientError,
  ValidationRejectedError,
} from '../../src/clients/errors.js';
import { TimrClient } from '../../src/clients/timr/client.js';
import type { User, WorkingTime, WorkingTimeType } from '../../src/clients/timr/schemas.js';
import { TokenCache, type TokenFetcher, type TokenKey } from '../../src/clients/token-cache.js';
import type { FaultRuleInput } from '../../src/sandbox/faults.js';
import type { LoggedRequest } from '../../src/sandbox/request-log.js';
import type { Credentials, Seed } from '../../src/sandbox/seed.js';
import { createTimrSandbox, type TimrSandbox } from '../../src/sandbox/timr/server.js';

/** Every token any test's cache handed out, for the leak check at the end (caches are per test). */
const tokensIssued = new Set<string>();

class RecordingTokenCache extends TokenCache {
  readonly issued = new Set<string>();
  override async get(key: TokenKey, fetch: TokenFetcher): Promise<string> {
    const token = await super.get(key, fetch);
    this.issued.add(token);
    tokensIssued.add(token);
    return token;
  }
}

const ENTRIES = 1203;
const creds: Credentials = { clientId: 'acme-timr', clientSecret: 'timr-Secret-5e4d3c2b1a' };

const users: User[] = Array.from({ length: 4 }, (_, i) => ({
  id: `u${i}`,
  login: `user${i}`,
  firstname: `First${i}`,
  lastname: `Last${i}`,
  fullname: `First${i} Last${i}`,
  email: `user${i}@acme.test`,
  employee_number: `E${i}`,
  external_id: null,
}));

const type = (id: string, name: string, category: WorkingTimeType['category'], recording: string): WorkingTimeType => ({
  id,
  name,
  short_name: null,
  external_id: null,
  edit_unit: 'minutes',
  category,
  sub_category: null,
  recording_mode_user: recording,
  archived: false,
});
const types = [type('t-work', 'Arbeitszeit', 'attendance_time', 'allowed'), type('t-za', 'Zeitausgleich', 'unpaid_time_off', 'allowed'), type('t-req', 'Dienstreise', 'attendance_time', 'by_request')];

function day(i: number): string {
  return new Date(Date.UTC(2025, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
}

function entry(i: number): WorkingTime {
  const user = users[i % users.length]!;
  const d = day(Math.floor(i / users.length));
  return {
    id: `wt-${String(i).padStart(5, '0')}`,
    start: `${d}T08:00:00+01:00`,
    end: `${d}T16:30:00+01:00`,
    break_time_total_minutes: 30,
    break_times: [{ type: 'manual', duration_minutes: 30, start: `${d}T12:00:00+01:00`, end: `${d}T12:30:00+01:00` }],
    duration: { type: 'minutes', minutes: 480, minutes_rounded: 480 },
    changed: false,
    notes: i % 5 === 0 ? `note ${i}` : null,
    user: { id: user.id, firstname: user.firstname, lastname: user.lastname, fullname: user.fullname, email: user.email, employee_number: user.employee_number, external_id: null },
    working_time_type: i === 1 ? { id: 't-req', name: 'Dienstreise', external_id: null } : { id: 't-work', name: 'Arbeitszeit', external_id: null },
    status: 'changeable',
    last_modified: `${d}T17:00:00Z`,
  };
}

function seed(): Seed {
  return {
    tenants: [
      {
        id: 'acme',
        timezone: 'Europe/Vienna',
        timr: { ...creds, users, workingTimeTypes: types, workingTimes: Array.from({ length: ENTRIES }, (_, i) => entry(i)) },
        personio: { clientId: 'acme-personio', clientSecret: 'unused', persons: [], attendancePeriods: [] },
      },
    ],
  };
}

let sandbox: TimrSandbox;
let origin: string;
let tokenCache: RecordingTokenCache;
const errorsSeen: unknown[] = [];

async function control(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${origin}/_sandbox${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`control ${method} ${path} → ${res.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

const addFault = (rule: FaultRuleInput) => control('POST', '/faults', rule);
const requests = async () => (await control('GET', '/requests')) as LoggedRequest[];

function client(extra: Partial<ConstructorParameters<typeof TimrClient>[0]> = {}): TimrClient {
  return new TimrClient({
    tenantId: 'acme',
    baseUrl: `${origin}/v1`,
    tokenUrl: `${origin}/id/oauth2/token`,
    credentials: creds,
    tokenCache,
    retryBackoffMs: 5,
    ...extra,
  });
}

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

beforeAll(async () => {
  sandbox = createTimrSandbox();
  origin = await sandbox.app.listen({ host: '127.0.0.1', port: 0 });
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
  it('pages through every working time, 500 per page, filters unchanged', async () => {
    const all = await collect(client().listWorkingTimes({ sort_by: 'start', sort_direction: 'asc' }));
    expect(all).toHaveLength(ENTRIES);
    expect(new Set(all.map((w) => w.id)).size).toBe(ENTRIES);
    const pages = (await requests()).filter((r) => r.route === '/v1/working-times');
    expect(pages).toHaveLength(Math.ceil(ENTRIES / 500));
    const queries = pages.map((r) => new URL(r.url, origin).searchParams);
    for (const q of queries) {
      expect(q.get('limit')).toBe('500');
      expect(q.get('sort_by')).toBe('start');
    }
  });

  it('filters by several users (repeated keys) across pages', async () => {
    const some = await collect(client().listWorkingTimes({ users: ['u1', 'u2'] }));
    const expected = Array.from({ length: ENTRIES }, (_, i) => entry(i)).filter((e) => e.user.id === 'u1' || e.user.id === 'u2');
    expect(some.map((w) => w.id).sort()).toEqual(expected.map((e) => e.id).sort());
  });

  it('returns one page with a token for the next', async () => {
    const page = await client().listWorkingTimesPage({});
    expect(page.data).toHaveLength(500);
    expect(page.next_page_token).toBeTruthy();
    const second = await client().listWorkingTimesPage({}, page.next_page_token);
    expect(second.data[0]!.id).not.toBe(page.data[0]!.id);
  });

  it('reads master data: types, users, and creates a user', async () => {
    expect((await client().listWorkingTimeTypes()).map((t) => t.id).sort()).toEqual(['t-req', 't-work', 't-za']);
    expect(await collect(client().listUsers({ employee_number: 'E2' }))).toHaveLength(1);
    const created = await client().createUser({ login: 'new.hire', firstname: 'New', lastname: 'Hire', email: 'new@acme.test' });
    expect(created).toMatchObject({ firstname: 'New', email: 'new@acme.test' });
    expect(await collect(client().listUsers())).toHaveLength(users.length + 1);
  });

  it('lists deleted working times after an instant', async () => {
    // last_modified_after is strict: an instant taken in the deletion's own millisecond would exclude it.
    const before = new Date(Date.now() - 1).toISOString();
    await control('DELETE', '/tenants/acme/working-times/wt-00010');
    const deleted = await collect(client().listDeletedWorkingTimes(before));
    expect(deleted.map((d) => d.id)).toEqual(['wt-00010']);
    expect(await collect(client().listDeletedWorkingTimes(new Date(Date.now() + 60_000).toISOString()))).toEqual([]);
  });
});

describe('writing', () => {
  it('locks an entry with its metadata in one PATCH', async () => {
    const locked = await client().lockWorkingTime('wt-00000', { personioSync: { periodIds: ['a', 'b'] } });
    expect(locked.status).toBe('locked');
    expect(locked.metadata).toEqual({ personioSync: { periodIds: ['a', 'b'] } });
    expect((await requests()).filter((r) => r.method === 'PATCH')).toHaveLength(1);
    expect((await client().getWorkingTime('wt-00000')).status).toBe('locked');
  });

  it('patches notes and returns the entry as timr now holds it', async () => {
    const patched = await client().patchWorkingTime('wt-00002', { notes: 'Kundentermin' });
    expect(patched.notes).toBe('Kundentermin');
  });
});

describe('errors from real responses', () => {
  it('404 → NotFoundError', async () => {
    const err = (await failure(client().getWorkingTime('wt-nope'))) as NotFoundError;
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.resourceId).toBe('wt-nope');
  });

  it('422 on a locked entry → ValidationRejectedError with the problem detail and fields', async () => {
    await client().lockWorkingTime('wt-00003', {});
    const err = (await failure(client().patchWorkingTime('wt-00003', { notes: 'late edit' }))) as ValidationRejectedError;
    expect(err).toBeInstanceOf(ValidationRejectedError);
    expect(err.status).toBe(422);
    expect(err.messages[0]).toContain('locked');
    expect(err.messages.some((m) => m.includes('notes'))).toBe(true);
  });

  it('400 on an end before the start → ValidationRejectedError', async () => {
    const err = (await failure(client().patchWorkingTime('wt-00004', { end: '2025-01-02T07:00:00+01:00' }))) as ValidationRejectedError;
    expect(err).toBeInstanceOf(ValidationRejectedError);
    expect([400, 422]).toContain(err.status);
    expect(err.messages.length).toBeGreaterThan(0);
  });

  it('302 for a "by request" type → RedirectedToRequestError with the request location', async () => {
    const err = (await failure(client().patchWorkingTime('wt-00001', { notes: 'x' }))) as RedirectedToRequestError;
    expect(err).toBeInstanceOf(RedirectedToRequestError);
    expect(err.location).toMatch(/\/v1\/working-time-requests\//);
  });

  it('409 conflict → ConflictError with the problem type', async () => {
    await addFault({ tenantId: 'acme', route: 'PATCH /v1/working-times/:id', times: 1, fault: { kind: 'conflict' } });
    const err = (await failure(client().lockWorkingTime('wt-00005', {}))) as ConflictError;
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.status).toBe(409);
  });

  it('a concurrent edit shows in the PATCH answer, so the caller can compare', async () => {
    await addFault({ tenantId: 'acme', route: 'PATCH /v1/working-times/:id', times: 1, fault: { kind: 'concurrent-edit', patch: { notes: 'employee edit' } } });
    const locked = await client().lockWorkingTime('wt-00006', {});
    expect(locked.status).toBe('locked');
    expect(locked.notes).toBe('employee edit');
  });

  it('500 burst: absorbed on reads and on the idempotent PATCH within two retries; a longer one → TransientError', async () => {
    await addFault({ tenantId: 'acme', route: 'GET /v1/working-times/:id', times: 2, fault: { kind: 'error', status: 500 } });
    expect((await client().getWorkingTime('wt-00007')).id).toBe('wt-00007');
    await addFault({ tenantId: 'acme', route: 'PATCH /v1/working-times/:id', times: 1, fault: { kind: 'error', status: 502 } });
    expect((await client().patchWorkingTime('wt-00007', { notes: 'n' })).notes).toBe('n');
    expect((await requests()).filter((r) => r.method === 'PATCH')).toHaveLength(2);
    await addFault({ tenantId: 'acme', route: 'PATCH /v1/working-times/:id', times: 3, fault: { kind: 'error', status: 502 } });
    const err = (await failure(client().patchWorkingTime('wt-00007', { notes: 'm' }))) as TransientError;
    expect(err).toBeInstanceOf(TransientError);
    expect(err.status).toBe(502);
  });

  it('a create (POST /users) is never repeated by the client', async () => {
    await addFault({ tenantId: 'acme', route: 'POST /v1/users', times: 1, fault: { kind: 'error', status: 503 } });
    expect(await failure(client().createUser({ login: 'new.user', firstname: 'New', lastname: 'User' }))).toBeInstanceOf(TransientError);
    expect((await requests()).filter((r) => r.method === 'POST' && r.route === '/v1/users')).toHaveLength(1);
  });

  it('connection reset → TransientError', async () => {
    await addFault({ tenantId: 'acme', route: 'PATCH /v1/working-times/:id', times: 1, fault: { kind: 'reset' } });
    const err = (await failure(client({ retries: 0 }).lockWorkingTime('wt-00008', {}))) as TransientError;
    expect(err).toBeInstanceOf(TransientError);
    expect(err.code).toBe('ECONNRESET');
  });

  it('429 with and without Retry-After → RateLimitedError', async () => {
    await addFault({ tenantId: 'acme', route: 'GET /v1/working-times', times: 1, fault: { kind: 'rate-limit', retryAfterSeconds: 5 } });
    const withHeader = (await failure(client({ retries: 0 }).listWorkingTimesPage({}))) as RateLimitedError;
    expect(withHeader).toBeInstanceOf(RateLimitedError);
    expect(withHeader.retryAfterMs).toBe(5000);
    await addFault({ tenantId: 'acme', route: 'GET /v1/working-times', times: 1, fault: { kind: 'rate-limit', retryAfterSeconds: null } });
    expect(((await failure(client({ retries: 0 }).listWorkingTimesPage({}))) as RateLimitedError).retryAfterMs).toBeUndefined();
  });

  it('a short Retry-After on a read is waited out and the read retried', async () => {
    await addFault({ tenantId: 'acme', route: 'GET /v1/working-times', times: 1, fault: { kind: 'rate-limit', retryAfterSeconds: 1 } });
    const started = Date.now();
    expect((await client().listWorkingTimesPage({})).data.length).toBeGreaterThan(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });
});

describe('tokens', () => {
  it('refreshes once after the tokens expired', async () => {
    const c = client();
    await c.getWorkingTime('wt-00000');
    await c.getWorkingTime('wt-00001');
    await control('POST', '/tenants/acme/expire-tokens');
    await c.getWorkingTime('wt-00002');
    const log = await requests();
    expect(log.filter((r) => r.route === '/id/oauth2/token')).toHaveLength(2);
    expect(log.filter((r) => r.status === 401)).toHaveLength(1);
  });

  it('after rotation: one refresh attempt, then AuthRejectedError; new credentials work', async () => {
    await client().getWorkingTime('wt-00000');
    const rotated = (await control('POST', '/tenants/acme/rotate-credentials')) as Credentials;
    const err = (await failure(client().getWorkingTime('wt-00000'))) as AuthRejectedError;
    expect(err).toBeInstanceOf(AuthRejectedError);
    expect(err.vendor).toBe('timr');
    expect(err.message).toContain('Store new timr credentials for tenant "acme", then resume');
    const log = await requests();
    const after = log.slice(log.findIndex((r) => r.status === 401));
    expect(after.map((r) => `${r.method} ${r.route} ${r.status}`)).toEqual(['GET /v1/working-times/:id 401', 'POST /id/oauth2/token 401']);
    expect((await client({ credentials: rotated }).getWorkingTime('wt-00000')).id).toBe('wt-00000');
  });

  it('a 403 that persists after a fresh token → AuthRejectedError at the API', async () => {
    await addFault({ tenantId: 'acme', route: 'GET /v1/working-times/:id', times: 2, fault: { kind: 'error', status: 403 } });
    const err = (await failure(client().getWorkingTime('wt-00000'))) as AuthRejectedError;
    expect(err).toBeInstanceOf(AuthRejectedError);
    expect(err.rejectedAt).toBe('api');
  });
});

describe('secrets', () => {
  it('no error text or field carries the client secret or an access token', () => {
    expect(tokensIssued.size).toBeGreaterThan(5);
    expect(errorsSeen.length).toBeGreaterThan(8);
    const secrets = [creds.clientSecret, ...tokensIssued];
    for (const err of errorsSeen) {
      const texts = [String(err), (err as Error).message, JSON.stringify(err), inspect(err, { depth: 5 })];
      for (const text of texts) for (const secret of secrets) expect(text).not.toContain(secret);
    }
  });
});
