/**
 * The timr sandbox over real HTTP: auth, every list filter, paging, sorting, the PATCH rules,
 * the deletion feed, users and types, and the timr control routes.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeletedEntriesPage, Problem, User, UsersPage, WorkingTime, WorkingTimesPage, WorkingTimeTypesPage } from '../../src/clients/timr/schemas.js';
import { EXAMPLE_TYPE_IDS, exampleTimrTenant } from '../../src/sandbox/timr/example-tenant.js';
import { startTimrSandbox, type RunningTimrSandbox } from '../../src/sandbox/timr/harness.js';
import type { TimrTenantState } from '../../src/sandbox/timr/server.js';

const A = 'acme';
const B = 'bravo';
const authA = { auth: { tenant: A } };

async function page(res: Response) {
  expect(res.status, await res.clone().text()).toBe(200);
  return WorkingTimesPage.parse(await res.json());
}

async function problem(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  return Problem.parse(await res.json());
}

async function listIds(s: RunningTimrSandbox, query: string, tenant = A): Promise<string[]> {
  const p = await page(await s.call('GET', `/v1/working-times?limit=500&${query}`, { auth: { tenant } }));
  expect(p.next_page_token).toBeNull();
  return p.data.map((w) => w.id).sort();
}

/** Follows next_page_token to the end, with a hook between pages. */
async function walk(s: RunningTimrSandbox, path: string, between?: (pageNo: number) => Promise<void>) {
  const token = await s.token(A);
  const seen: WorkingTime[] = [];
  let next: string | null = null;
  let pageNo = 0;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const url: string = next === null ? path : `${path}${sep}page_token=${encodeURIComponent(next)}`;
    const p = await page(await s.call('GET', url, { auth: { token } }));
    seen.push(...p.data);
    next = p.next_page_token;
    if (next !== null && between) await between(pageNo);
    pageNo++;
  } while (next !== null);
  return seen;
}

describe('timr sandbox: auth', () => {
  let clock = Date.parse('2026-11-20T08:00:00Z');
  let s: RunningTimrSandbox;
  beforeAll(async () => {
    s = await startTimrSandbox({ now: () => new Date(clock), tokenTtlSeconds: 60 });
  });
  beforeEach(async () => {
    await s.seed({ tenants: [exampleTimrTenant({ id: A }), exampleTimrTenant({ id: B })] });
  });
  afterAll(() => s.close());

  const tokenRequest = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${s.origin}/id/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(fields),
    });
  const seedA = exampleTimrTenant({ id: A }).timr;

  it('issues bearer tokens for the client pair, by form fields or HTTP Basic', async () => {
    const res = await tokenRequest({ client_id: seedA.clientId, client_secret: seedA.clientSecret, grant_type: 'client_credentials', scope: 'openid timrclient' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 60, scope: 'openid timrclient' });
    expect(typeof body.access_token).toBe('string');
    expect(res.headers.get('cache-control')).toBe('no-store');

    const basic = Buffer.from(`${seedA.clientId}:${seedA.clientSecret}`).toString('base64');
    const viaBasic = await tokenRequest({ grant_type: 'client_credentials' }, { authorization: `Basic ${basic}` });
    expect(viaBasic.status).toBe(200);
    const token = ((await viaBasic.json()) as { access_token: string }).access_token;
    expect((await s.call('GET', '/v1/users', { auth: { token } })).status).toBe(200);
  });

  it('rejects a wrong secret, an unknown client, a wrong grant type and a JSON body, without echoing the secret', async () => {
    const wrong = await tokenRequest({ client_id: seedA.clientId, client_secret: 'not-the-secret', grant_type: 'client_credentials' });
    expect(wrong.status).toBe(401);
    const wrongText = await wrong.text();
    expect(JSON.parse(wrongText)).toMatchObject({ error: 'invalid_client' });
    expect(wrongText).not.toContain('not-the-secret');

    const unknown = await tokenRequest({ client_id: 'nobody', client_secret: 'x', grant_type: 'client_credentials' });
    expect(unknown.status).toBe(401);

    const grant = await tokenRequest({ client_id: seedA.clientId, client_secret: seedA.clientSecret, grant_type: 'password' });
    expect(grant.status).toBe(400);
    expect(await grant.json()).toMatchObject({ error: 'unsupported_grant_type' });

    const scope = await tokenRequest({ client_id: seedA.clientId, client_secret: seedA.clientSecret, grant_type: 'client_credentials', scope: 'admin' });
    expect(scope.status).toBe(400);
    expect(await scope.json()).toMatchObject({ error: 'invalid_scope' });

    const json = await fetch(`${s.origin}/id/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: seedA.clientId, client_secret: seedA.clientSecret, grant_type: 'client_credentials' }),
    });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('answers 401 problem+json with WWW-Authenticate for a missing or unknown token', async () => {
    for (const auth of [undefined, { token: 'made-up-token' }]) {
      const res = await s.call('GET', '/v1/working-times', auth ? { auth } : {});
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
      const p = await problem(res, 401);
      expect(p.type).toBe('https://errors.timr.com/unauthorized/invalid-token');
    }
  });

  it('expires tokens after their lifetime on the injected clock', async () => {
    const token = await s.token(A);
    expect((await s.call('GET', '/v1/users', { auth: { token } })).status).toBe(200);
    clock += 59_000;
    expect((await s.call('GET', '/v1/users', { auth: { token } })).status).toBe(200);
    clock += 2_000;
    const expired = await s.call('GET', '/v1/users', { auth: { token } });
    expect(expired.headers.get('www-authenticate')).toContain('invalid_token');
    expect((await problem(expired, 401)).detail).toMatch(/expired/);
    expect((await s.call('GET', '/v1/users', { auth: { token: await s.token(A) } })).status).toBe(200);
  });

  it('rotation rejects the old pair and revokes its tokens; the new pair works', async () => {
    const oldToken = await s.token(A);
    const fresh = await s.rotate(A);
    expect(fresh.clientId).not.toBe(seedA.clientId);

    const old = await tokenRequest({ client_id: seedA.clientId, client_secret: seedA.clientSecret, grant_type: 'client_credentials' });
    expect(old.status).toBe(401);
    expect(await old.json()).toMatchObject({ error: 'invalid_client' });

    const revoked = await s.call('GET', '/v1/users', { auth: { token: oldToken } });
    expect((await problem(revoked, 401)).detail).toMatch(/revoked/);
    expect((await s.call('GET', '/v1/users', { auth: { token: await s.token(A) } })).status).toBe(200);
    // The other tenant is untouched.
    expect((await s.call('GET', '/v1/users', { auth: { tenant: B } })).status).toBe(200);
  });

  it('isolates tenants: a token only ever sees and changes its own tenant', async () => {
    const idsA = await listIds(s, '', A);
    expect(idsA.length).toBeGreaterThan(0);
    expect(idsA.every((id) => id.startsWith(`${A}-`))).toBe(true);

    const foreign = `${B}-wt-1`;
    await problem(await s.call('GET', `/v1/working-times/${foreign}`, authA), 404);
    await problem(await s.call('PATCH', `/v1/working-times/${foreign}`, { ...authA, body: { notes: 'hijack' } }), 404);
    await problem(await s.call('DELETE', `/v1/working-times/${foreign}`, authA), 404);
    await problem(await s.call('GET', `/v1/users/${B}-user-1`, authA), 404);
    const untouched = WorkingTime.parse(await (await s.call('GET', `/v1/working-times/${foreign}`, { auth: { tenant: B } })).json());
    expect(untouched.notes).toBe('Kundentermin Linz');
  });
});

describe('timr sandbox: working time list', () => {
  let s: RunningTimrSandbox;
  beforeAll(async () => {
    s = await startTimrSandbox();
    await s.seed({ tenants: [exampleTimrTenant({ id: A })] });
  });
  afterAll(() => s.close());

  it('filters start_from/start_to inclusively on the day of start as recorded, not the UTC day', async () => {
    // wt-4 starts 2026-03-05T00:30+01:00, which is 2026-03-04 in UTC.
    expect(await listIds(s, 'start_from=2026-03-05&start_to=2026-03-05')).toEqual([`${A}-wt-4`]);
    expect(await listIds(s, 'start_from=2026-03-03&start_to=2026-03-04')).toEqual([`${A}-wt-3`]);
    expect(await listIds(s, 'start_to=2026-03-02')).toEqual([`${A}-wt-1`, `${A}-wt-2`]);
    expect(await listIds(s, 'start_from=2026-03-09')).toEqual([`${A}-wt-6`, `${A}-wt-7`]);
  });

  it('filters last_modified_after strictly', async () => {
    // wt-1 was last modified at 2026-03-02T15:31:00Z; wt-2 at 11:01Z the same day.
    const at = await listIds(s, 'last_modified_after=2026-03-04T05:01:00Z');
    expect(at).not.toContain(`${A}-wt-3`);
    expect(await listIds(s, 'last_modified_after=2026-03-04T05:00:59.999Z')).toContain(`${A}-wt-3`);
    // An offset other than Z is compared as an instant (percent-encoded '+').
    expect(await listIds(s, 'last_modified_after=2026-03-04T06:00:59%2B01:00')).toContain(`${A}-wt-3`);
    expect(await listIds(s, 'last_modified_after=2026-03-04T06:01:00%2B01:00')).not.toContain(`${A}-wt-3`);
  });

  it('filters by users and types, accepting repeated keys and comma-separated values alike', async () => {
    const repeated = await listIds(s, `users=${A}-user-2&users=${A}-user-3`);
    const comma = await listIds(s, `users=${A}-user-2,${A}-user-3`);
    expect(repeated).toEqual([`${A}-wt-2`, `${A}-wt-4`, `${A}-wt-6`, `${A}-wt-7`]);
    expect(comma).toEqual(repeated);
    expect(await listIds(s, `working_time_types=${EXAMPLE_TYPE_IDS.homeOffice},${EXAMPLE_TYPE_IDS.vacation}`)).toEqual([`${A}-wt-2`, `${A}-wt-6`]);
  });

  it('maps working_time_type_categories through the tenant’s types', async () => {
    expect(await listIds(s, 'working_time_type_categories=unpaid_time_off')).toEqual([`${A}-wt-5`]);
    expect(await listIds(s, 'working_time_type_categories=vacation&working_time_type_categories=unpaid_time_off')).toEqual([`${A}-wt-5`, `${A}-wt-6`]);
    const attendance = await listIds(s, 'working_time_type_categories=attendance_time');
    expect(attendance).toEqual([`${A}-wt-1`, `${A}-wt-2`, `${A}-wt-3`, `${A}-wt-4`, `${A}-wt-7`]);
  });

  it('filters by statuses, changed and notes (case-insensitive substring)', async () => {
    expect(await listIds(s, 'statuses=locked,approved')).toEqual([`${A}-wt-3`, `${A}-wt-6`]);
    expect(await listIds(s, 'statuses=running')).toEqual([`${A}-wt-7`]);
    expect(await listIds(s, 'changed=true')).toEqual([`${A}-wt-2`]);
    expect((await listIds(s, 'changed=false')).length).toBe(6);
    expect(await listIds(s, 'notes=LINZ')).toEqual([`${A}-wt-1`]);
    expect(await listIds(s, 'notes=schicht')).toEqual([`${A}-wt-3`]);
  });

  it('answers 400 naming every invalid parameter', async () => {
    const res = await s.call('GET', '/v1/working-times?start_from=2026-02-30&statuses=locked,done&changed=yes&last_modified_after=2026-03-01T00:00:00+01:00&sort_by=id&sort_direction=desc&limit=0', authA);
    const p = await problem(res, 400);
    expect(p.type).toBe('https://errors.timr.com/validation');
    const fields = (p.errors ?? []).map((e) => e.field).sort();
    expect(fields).toEqual(['changed', 'last_modified_after', 'limit', 'sort_by', 'sort_direction', 'start_from', 'statuses']);
    // An unencoded '+' arrives as a space; the message says how to fix it.
    expect(p.errors?.find((e) => e.field === 'last_modified_after')?.detail).toContain('%2B');
    expect(p.errors?.find((e) => e.field === 'statuses')?.detail).toContain('changeable');
  });

  it('rejects a scalar filter given twice', async () => {
    const p = await problem(await s.call('GET', '/v1/working-times?notes=a&notes=b', authA), 400);
    expect(p.errors?.[0]?.field).toBe('notes');
  });
});

describe('timr sandbox: paging and sorting', () => {
  let s: RunningTimrSandbox;
  beforeAll(async () => {
    s = await startTimrSandbox();
  });
  beforeEach(async () => {
    await s.seed({ tenants: [exampleTimrTenant({ id: A, bulkEntries: 520 })] });
  });
  afterAll(() => s.close());

  it('serves 20 rows by default and caps limit at 500', async () => {
    const first = await page(await s.call('GET', '/v1/working-times', authA));
    expect(first.data).toHaveLength(20);
    expect(first.next_page_token).not.toBeNull();

    const big = await page(await s.call('GET', '/v1/working-times?limit=1000', authA));
    expect(big.data).toHaveLength(500);
    const rest = await page(await s.call('GET', `/v1/working-times?limit=1000&page_token=${big.next_page_token}`, authA));
    expect(rest.data).toHaveLength(527 - 500);
    expect(rest.next_page_token).toBeNull();
    expect(new Set([...big.data, ...rest.data].map((w) => w.id)).size).toBe(527);
  });

  it('rejects limit below 1 and non-numeric limits', async () => {
    for (const limit of ['0', '-3', 'ten', '2.5']) {
      const p = await problem(await s.call('GET', `/v1/working-times?limit=${limit}`, authA), 400);
      expect(p.errors?.[0]?.field).toBe('limit');
    }
  });

  it('rejects a page token under other filters or sorting, and a forged token', async () => {
    const first = await page(await s.call('GET', '/v1/working-times?limit=5&statuses=changeable', authA));
    const token = encodeURIComponent(first.next_page_token!);
    for (const changed of ['statuses=locked', 'statuses=changeable&sort_direction=dsc', 'statuses=changeable&sort_by=last_modified', '']) {
      const p = await problem(await s.call('GET', `/v1/working-times?limit=5&${changed}&page_token=${token}`, authA), 400);
      expect(p.errors?.[0]).toMatchObject({ field: 'page_token' });
      expect(p.errors?.[0]?.detail).toMatch(/different query/);
    }
    // limit is not part of the query's identity.
    expect((await s.call('GET', `/v1/working-times?limit=7&statuses=changeable&page_token=${token}`, authA)).status).toBe(200);
    const forged = await problem(await s.call('GET', '/v1/working-times?page_token=not-a-token', authA), 400);
    expect(forged.errors?.[0]?.field).toBe('page_token');
    // A token of another endpoint is another query.
    const users = UsersPage.parse(await (await s.call('GET', '/v1/users?limit=1', authA)).json());
    await problem(await s.call('GET', `/v1/working-times?page_token=${encodeURIComponent(users.next_page_token!)}`, authA), 400);
  });

  it('sorts by start and last_modified in both directions with id as tiebreaker, across pages', async () => {
    const cases = [
      ['start', (w: WorkingTime) => Date.parse(w.start)],
      ['last_modified', (w: WorkingTime) => Date.parse(w.last_modified)],
    ] as const;
    for (const [sortBy, key] of cases) {
      const asc = await walk(s, `/v1/working-times?limit=37&sort_by=${sortBy}&sort_direction=asc`);
      const dsc = await walk(s, `/v1/working-times?limit=41&sort_by=${sortBy}&sort_direction=dsc`);
      expect(asc).toHaveLength(527);
      for (let i = 1; i < asc.length; i++) {
        const prev = asc[i - 1]!;
        const cur = asc[i]!;
        const ordered = key(prev) < key(cur) || (key(prev) === key(cur) && prev.id < cur.id);
        expect(ordered, `${sortBy} asc at ${i}: ${prev.id} before ${cur.id}`).toBe(true);
      }
      expect(dsc.map((w) => w.id)).toEqual(asc.map((w) => w.id).reverse());
    }
    // The seed shares last_modified between bulk rows, so the tiebreak above was exercised.
    const lm = (await walk(s, '/v1/working-times?limit=500&sort_by=last_modified')).map((w) => w.last_modified);
    expect(new Set(lm).size).toBeLessThan(lm.length);
  });

  it('neither skips nor repeats unchanged rows when rows are inserted, edited and deleted between pages', async () => {
    const before = await walk(s, '/v1/working-times?limit=500');
    const deletedIds = new Set<string>();
    const editedIds = new Set<string>();
    const seen = await walk(s, '/v1/working-times?limit=25&sort_by=start', async (pageNo) => {
      // Insert rows both before and after the cursor, edit one ahead, delete one ahead.
      for (const start of ['2026-03-01T08:00:00+01:00', '2026-05-20T08:00:00+02:00']) {
        const res = await fetch(`${s.origin}/_sandbox/tenants/${A}/working-times`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ user_id: `${A}-user-1`, working_time_type_id: EXAMPLE_TYPE_IDS.attendance, start, end: start.replace('T08', 'T09'), id: `${A}-ins-${pageNo}-${start.slice(5, 7)}` }),
        });
        expect(res.status).toBe(201);
      }
      const victim = `${A}-bulk-${String(400 + pageNo).padStart(4, '0')}`;
      await fetch(`${s.origin}/_sandbox/tenants/${A}/working-times/${victim}`, { method: 'DELETE' });
      deletedIds.add(victim);
      const edited = `${A}-bulk-${String(300 + pageNo).padStart(4, '0')}`;
      await fetch(`${s.origin}/_sandbox/tenants/${A}/working-times/${edited}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ notes: `edited between pages ${pageNo}` }),
      });
      editedIds.add(edited);
    });
    const counts = new Map<string, number>();
    for (const w of seen) counts.set(w.id, (counts.get(w.id) ?? 0) + 1);
    for (const w of before) {
      if (deletedIds.has(w.id)) continue;
      expect(counts.get(w.id), `row ${w.id}`).toBe(1);
    }
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(editedIds.size).toBeGreaterThan(5);
  });

  it('advertises the next page in a Link header that works as-is', async () => {
    const res = await s.call('GET', '/v1/working-times?limit=3&statuses=changeable', authA);
    const link = res.headers.get('link');
    expect(link).toMatch(/^<http:\/\/127\.0\.0\.1:\d+\/v1\/working-times\?.*page_token=.*>; rel="next"$/);
    const first = await page(res);
    const url = /^<([^>]+)>/.exec(link!)![1]!;
    const viaLink = await page(await fetch(url, { headers: { authorization: `Bearer ${await s.token(A)}` } }));
    const viaToken = await page(await s.call('GET', `/v1/working-times?limit=3&statuses=changeable&page_token=${encodeURIComponent(first.next_page_token!)}`, authA));
    expect(viaLink.data.map((w) => w.id)).toEqual(viaToken.data.map((w) => w.id));
    expect(viaLink.data.some((w) => first.data.some((f) => f.id === w.id))).toBe(false);
  });
});

describe('timr sandbox: PATCH rules', () => {
  let frozen: number | undefined;
  let s: RunningTimrSandbox;
  beforeAll(async () => {
    s = await startTimrSandbox({ now: () => new Date(frozen ?? Date.now()) });
  });
  beforeEach(async () => {
    frozen = undefined;
    await s.seed({ tenants: [exampleTimrTenant({ id: A })] });
  });
  afterAll(() => s.close());

  const get = async (id: string) => WorkingTime.parse(await (await s.call('GET', `/v1/working-times/${id}`, authA)).json());
  const patch = (id: string, body: unknown) => s.call('PATCH', `/v1/working-times/${id}`, { ...authA, body });

  it('locks with status and metadata, bumping last_modified and answering the entry', async () => {
    const before = await get(`${A}-wt-1`);
    const res = await patch(`${A}-wt-1`, { status: 'locked', metadata: { personio_period_ids: ['p-1', 'p-2'] } });
    expect(res.status).toBe(200);
    const locked = WorkingTime.parse(await res.json());
    expect(locked).toMatchObject({ status: 'locked', metadata: { personio_period_ids: ['p-1', 'p-2'] }, last_modified_by: null, notes: before.notes });
    expect(Date.parse(locked.last_modified)).toBeGreaterThan(Date.parse(before.last_modified));
    expect(await get(`${A}-wt-1`)).toEqual(locked);
    // Metadata-only and status-only changes of a locked entry are allowed.
    expect((await patch(`${A}-wt-1`, { metadata: { note: 'audit' } })).status).toBe(200);
    expect((await patch(`${A}-wt-1`, { changed: false })).status).toBe(200);
  });

  it('refuses content edits of a locked entry with 422, unless the PATCH unlocks it', async () => {
    const before = await get(`${A}-wt-3`);
    for (const body of [{ notes: 'changed' }, { end: '2026-03-04T07:00:00+01:00', status: 'locked' }, { working_time_type_id: EXAMPLE_TYPE_IDS.homeOffice }]) {
      const p = await problem(await patch(`${A}-wt-3`, body), 422);
      expect(p.type).toBe('https://errors.timr.com/validation/working-time-locked');
      expect(p.detail).toContain('changeable');
      expect(p.errors?.map((e) => e.field)).toContain(`$.${Object.keys(body)[0]}`);
    }
    expect(await get(`${A}-wt-3`)).toEqual(before);

    const res = await patch(`${A}-wt-3`, { status: 'changeable', notes: 'corrected', end: '2026-03-04T07:00:00+01:00' });
    expect(res.status).toBe(200);
    const unlocked = WorkingTime.parse(await res.json());
    expect(unlocked).toMatchObject({ status: 'changeable', notes: 'corrected', end: '2026-03-04T07:00:00+01:00' });
    expect(unlocked.duration).toEqual({ type: 'minutes', minutes: 540, minutes_rounded: 540 });
  });

  it('answers 302 with a Location for "by request" types and changes nothing', async () => {
    const vacation = await get(`${A}-wt-6`);
    const res = await patch(`${A}-wt-6`, { status: 'locked' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/working-time-requests\/[0-9a-f-]{36}$/);
    expect(await get(`${A}-wt-6`)).toEqual(vacation);

    // Moving an entry into a by-request type is a request too.
    const attendance = await get(`${A}-wt-1`);
    expect((await patch(`${A}-wt-1`, { working_time_type_id: EXAMPLE_TYPE_IDS.vacation })).status).toBe(302);
    expect(await get(`${A}-wt-1`)).toEqual(attendance);
  });

  it('validates the body and names the field', async () => {
    const before = await get(`${A}-wt-1`);
    const endBeforeStart = await problem(await patch(`${A}-wt-1`, { end: '2026-03-02T07:00:00+01:00' }), 400);
    expect(endBeforeStart.errors?.[0]).toMatchObject({ field: '$.end', type: 'https://errors.timr.com/validation/end-before-start' });

    const status = await problem(await patch(`${A}-wt-1`, { status: 'done' }), 400);
    expect(status.errors?.[0]?.field).toBe('$.status');

    const nullStart = await problem(await patch(`${A}-wt-1`, { start: null }), 400);
    expect(nullStart.errors?.[0]).toMatchObject({ field: '$.start', type: 'https://errors.timr.com/validation/not-null' });

    const breakTime = await problem(await patch(`${A}-wt-1`, { break_times: [{ type: 'manual' }] }), 400);
    expect(breakTime.errors?.[0]?.field).toBe('$.break_times[0].duration_minutes');

    const outside = await problem(await patch(`${A}-wt-1`, { break_times: [{ start: '2026-03-02T17:00:00+01:00', end: '2026-03-02T17:30:00+01:00' }] }), 400);
    expect(outside.errors?.[0]?.field).toBe('$.break_times[0]');

    const unknownProperty = await problem(await patch(`${A}-wt-1`, { status: 'locked', personio_ids: ['x'] }), 400);
    expect(unknownProperty.errors?.[0]).toMatchObject({ field: '$.personio_ids', type: 'https://errors.timr.com/validation/unknown-property' });

    const type = await problem(await patch(`${A}-wt-1`, { working_time_type_id: 'no-such-type' }), 422);
    expect(type.type).toBe('https://errors.timr.com/reference-not-found');
    expect(type.errors?.[0]).toMatchObject({ field: '$.working_time_type_id', type: 'https://errors.timr.com/reference-not-found/working-time-type' });

    const endRequired = await problem(await patch(`${A}-wt-7`, { status: 'changeable' }), 400);
    expect(endRequired.type).toBe('https://errors.timr.com/validation/end-time-required');

    const notJson = await problem(await s.call('PATCH', `/v1/working-times/${A}-wt-1`, { ...authA, body: '{"status":', headers: { 'content-type': 'application/json' } }), 400);
    expect(notJson.type).toBe('https://errors.timr.com/validation/unreadable-body');
    expect(await get(`${A}-wt-1`)).toEqual(before);
  });

  it('recomputes breaks and duration from the new times', async () => {
    const res = await patch(`${A}-wt-1`, {
      end: '2026-03-02T17:00:00+01:00',
      break_times: [{ type: 'manual', start: '2026-03-02T12:00:00+01:00', end: '2026-03-02T12:45:00+01:00' }, { duration_minutes: 15 }],
    });
    const entry = WorkingTime.parse(await res.json());
    expect(entry.break_time_total_minutes).toBe(60);
    expect(entry.break_times[0]).toMatchObject({ type: 'manual', duration_minutes: 45 });
    expect(entry.duration).toEqual({ type: 'minutes', minutes: 9 * 60 - 60, minutes_rounded: 9 * 60 - 60 });
  });

  it('keeps last_modified strictly increasing even within one millisecond', async () => {
    frozen = Date.parse('2026-11-20T10:00:00.000Z');
    const stamps: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await patch(`${A}-wt-${(i % 2) + 1}`, { metadata: { i } });
      stamps.push(Date.parse(WorkingTime.parse(await res.json()).last_modified));
    }
    for (let i = 1; i < stamps.length; i++) expect(stamps[i]).toBeGreaterThan(stamps[i - 1]!);
    // Polling strictly after the first change still finds every later one.
    const after = new Date(stamps[0]!).toISOString();
    expect((await listIds(s, `last_modified_after=${after}`)).length).toBe(2);
  });

  it('answers 404 problems for unknown ids', async () => {
    for (const method of ['GET', 'PATCH', 'DELETE']) {
      const p = await problem(await s.call(method, '/v1/working-times/does-not-exist', { ...authA, ...(method === 'PATCH' ? { body: {} } : {}) }), 404);
      expect(p).toMatchObject({ type: 'https://errors.timr.com/not-found', instance: '/working-times/does-not-exist' });
      expect(p.detail).toContain('does-not-exist');
    }
  });
});

describe('timr sandbox: deletion feed', () => {
  let s: RunningTimrSandbox;
  beforeAll(async () => {
    s = await startTimrSandbox();
  });
  beforeEach(async () => {
    await s.seed({ tenants: [exampleTimrTenant({ id: A })] });
  });
  afterAll(() => s.close());

  const deleted = async (query = '') => {
    const res = await s.call('GET', `/v1/working-times:deleted${query}`, authA);
    expect(res.status).toBe(200);
    return DeletedEntriesPage.parse(await res.json());
  };

  it('moves deleted entries to :deleted with their metadata, filterable by last_modified_after and paged', async () => {
    await s.call('PATCH', `/v1/working-times/${A}-wt-1`, { ...authA, body: { status: 'locked', metadata: { personio_period_ids: ['p-9'] } } });
    expect((await s.call('DELETE', `/v1/working-times/${A}-wt-1`, authA)).status).toBe(204);
    const first = await deleted();
    expect(first.data).toEqual([{ id: `${A}-wt-1`, last_modified: expect.any(String), last_modified_by: null, metadata: { personio_period_ids: ['p-9'] } }]);
    expect((await s.call('GET', `/v1/working-times/${A}-wt-1`, authA)).status).toBe(404);
    expect((await s.call('DELETE', `/v1/working-times/${A}-wt-1`, authA)).status).toBe(404);
    expect(await listIds(s, '')).not.toContain(`${A}-wt-1`);

    const watermark = first.data[0]!.last_modified;
    // An employee deletes in timr: the feed names them.
    const res = await fetch(`${s.origin}/_sandbox/tenants/${A}/working-times/${A}-wt-2`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    await s.call('DELETE', `/v1/working-times/${A}-wt-4`, authA);

    const since = await deleted(`?last_modified_after=${watermark}`);
    expect(since.data.map((d) => d.id)).toEqual([`${A}-wt-2`, `${A}-wt-4`]);
    expect(since.data[0]!.last_modified_by?.id).toBe(`${A}-user-2`);

    const p1 = await deleted('?limit=2&sort_direction=dsc');
    expect(p1.data.map((d) => d.id)).toEqual([`${A}-wt-4`, `${A}-wt-2`]);
    const p2 = await deleted(`?limit=2&sort_direction=dsc&page_token=${encodeURIComponent(p1.next_page_token!)}`);
    expect(p2.data.map((d) => d.id)).toEqual([`${A}-wt-1`]);
    expect(p2.next_page_token).toBeNull();

    const badSort = await problem(await s.call('GET', '/v1/working-times:deleted?sort_by=start', authA), 400);
    expect(badSort.errors?.[0]?.field).toBe('sort_by');
    // Some clients percent-encode the colon.
    expect((await s.call('GET', '/v1/working-times%3Adeleted', authA)).status).toBe(200);
  });
});

describe('timr sandbox: users and working time types', () => {
  let s: RunningTimrSandbox;
  beforeAll(async () => {
    s = await startTimrSandbox();
  });
  beforeEach(async () => {
    await s.seed({ tenants: [exampleTimrTenant({ id: A })] });
  });
  afterAll(() => s.close());

  const users = async (query = '') => {
    const res = await s.call('GET', `/v1/users${query}`, authA);
    expect(res.status).toBe(200);
    return UsersPage.parse(await res.json());
  };

  it('lists users by last name, filters employee_number and resigned, pages', async () => {
    expect((await users()).data.map((u) => u.lastname)).toEqual(['Adler', 'Berger', 'Huber']);
    expect((await users('?sort_direction=dsc')).data.map((u) => u.lastname)).toEqual(['Huber', 'Berger', 'Adler']);
    expect((await users('?employee_number=E-102')).data.map((u) => u.id)).toEqual([`${A}-user-2`]);
    expect((await users('?resigned=true')).data.map((u) => u.id)).toEqual([`${A}-user-3`]);
    expect((await users('?resigned=false')).data.map((u) => u.id)).toEqual([`${A}-user-1`, `${A}-user-2`]);
    const p1 = await users('?limit=2');
    const p2 = await users(`?limit=2&page_token=${encodeURIComponent(p1.next_page_token!)}`);
    expect([...p1.data, ...p2.data].map((u) => u.lastname)).toEqual(['Adler', 'Berger', 'Huber']);
    expect((await problem(await s.call('GET', '/v1/users?resigned=maybe', authA), 400)).errors?.[0]?.field).toBe('resigned');
  });

  it('reads one user or answers 404', async () => {
    const res = await s.call('GET', `/v1/users/${A}-user-1`, authA);
    expect(User.parse(await res.json())).toMatchObject({ firstname: 'Anna', email: `anna.berger@${A}.example` });
    await problem(await s.call('GET', '/v1/users/nobody', authA), 404);
  });

  it('creates users; a duplicate login is a 422, a missing login a 400', async () => {
    const res = await s.call('POST', '/v1/users', { ...authA, body: { login: 'max.muster', firstname: 'Max', lastname: 'Muster', email: 'max@acme.example', employee_number: 'E-200' } });
    expect(res.status).toBe(201);
    const created = User.parse(await res.json());
    expect(created).toMatchObject({ login: 'max.muster', fullname: 'Max Muster', employee_number: 'E-200', resign_date: null });
    expect((await users('?employee_number=E-200')).data.map((u) => u.id)).toEqual([created.id]);
    expect(User.parse(await (await s.call('GET', `/v1/users/${created.id}`, authA)).json())).toEqual(created);

    const dup = await problem(await s.call('POST', '/v1/users', { ...authA, body: { login: 'max.muster', firstname: 'Other', lastname: 'Person' } }), 422);
    expect(dup.errors?.[0]?.field).toBe('$.login');
    const missing = await problem(await s.call('POST', '/v1/users', { ...authA, body: { firstname: 'No', lastname: 'Login' } }), 400);
    expect(missing.errors?.[0]).toMatchObject({ field: '$.login', type: 'https://errors.timr.com/validation/required' });
    const badEmail = await problem(await s.call('POST', '/v1/users', { ...authA, body: { login: 'x', email: 'not-an-email' } }), 400);
    expect(badEmail.errors?.[0]?.field).toBe('$.email');
  });

  it('lists working time types by name, paged, with category filter, and reads one', async () => {
    const all = WorkingTimeTypesPage.parse(await (await s.call('GET', '/v1/working-time-types', authA)).json());
    expect(all.data.map((t) => t.name)).toEqual(['Arbeitszeit', 'Homeoffice', 'Urlaub', 'Zeitausgleich']);
    expect(all.data.find((t) => t.name === 'Urlaub')?.recording_mode_user).toBe('by_request');
    const p1 = WorkingTimeTypesPage.parse(await (await s.call('GET', '/v1/working-time-types?limit=3', authA)).json());
    const p2 = WorkingTimeTypesPage.parse(
      await (await s.call('GET', `/v1/working-time-types?limit=3&page_token=${encodeURIComponent(p1.next_page_token!)}`, authA)).json(),
    );
    expect([...p1.data, ...p2.data].map((t) => t.id)).toEqual(all.data.map((t) => t.id));
    const timeOff = WorkingTimeTypesPage.parse(await (await s.call('GET', '/v1/working-time-types?categories=unpaid_time_off', authA)).json());
    expect(timeOff.data.map((t) => t.name)).toEqual(['Zeitausgleich']);
    expect((await s.call('GET', `/v1/working-time-types/${EXAMPLE_TYPE_IDS.zeitausgleich}`, authA)).status).toBe(200);
    await problem(await s.call('GET', '/v1/working-time-types/none', authA), 404);
  });
});

describe('timr sandbox: control API', () => {
  let s: RunningTimrSandbox;
  beforeAll(async () => {
    s = await startTimrSandbox();
  });
  beforeEach(async () => {
    await s.seed({ tenants: [exampleTimrTenant({ id: A }), exampleTimrTenant({ id: B })] });
  });
  afterEach(() => s.faults.clear());
  afterAll(() => s.close());

  const control = (method: string, path: string, body?: unknown) =>
    fetch(`${s.origin}/_sandbox${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const state = async (tenant?: string) => (await (await control('GET', `/state${tenant ? `?tenant=${tenant}` : ''}`)).json()) as Record<string, TimrTenantState>;

  it('records a working time as an employee would: server-assigned id and last_modified, derived duration', async () => {
    const res = await control('POST', `/tenants/${A}/working-times`, {
      user_id: `${A}-user-1`,
      working_time_type_id: EXAMPLE_TYPE_IDS.attendance,
      start: '2026-03-11T08:00:00+01:00',
      end: '2026-03-11T12:15:00+01:00',
      break_times: [{ duration_minutes: 15 }],
      notes: 'Vormittag',
    });
    expect(res.status).toBe(201);
    const created = WorkingTime.parse(await res.json());
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created).toMatchObject({ status: 'changeable', changed: false, duration: { type: 'minutes', minutes: 240, minutes_rounded: 240 } });
    expect(created.user.fullname).toBe('Anna Berger');
    expect(created.last_modified_by?.id).toBe(`${A}-user-1`);
    expect(await listIds(s, 'start_from=2026-03-11')).toContain(created.id);

    const bad = await control('POST', `/tenants/${A}/working-times`, { user_id: 'ghost', working_time_type_id: EXAMPLE_TYPE_IDS.attendance, start: '2026-03-11T08:00:00+01:00' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain('ghost');
    expect((await control('POST', '/tenants/nope/working-times', { user_id: 'u', working_time_type_id: 't', start: '2026-03-11T08:00:00+01:00' })).status).toBe(404);
  });

  it('edits as an employee: bypasses the lock, marks changed, names the employee, bumps last_modified', async () => {
    const before = (await state(A))[A]!.workingTimes.find((w) => w.id === `${A}-wt-3`)!;
    expect(before.status).toBe('locked');
    const res = await control('PATCH', `/tenants/${A}/working-times/${A}-wt-3`, { notes: 'Nachtschicht (korrigiert)' });
    expect(res.status).toBe(200);
    const edited = WorkingTime.parse(await res.json());
    expect(edited).toMatchObject({ status: 'locked', changed: true, notes: 'Nachtschicht (korrigiert)' });
    expect(edited.last_modified_by?.id).toBe(`${A}-user-1`);
    expect(Date.parse(edited.last_modified)).toBeGreaterThan(Date.parse(before.last_modified));
    expect((await control('PATCH', `/tenants/${A}/working-times/${A}-wt-3`, { end: '2026-03-01T00:00:00+01:00' })).status).toBe(400);
    expect((await control('PATCH', `/tenants/${A}/working-times/missing`, { notes: 'x' })).status).toBe(404);
  });

  it('shows per-tenant state and replaces a tenant wholesale on re-seed', async () => {
    await control('DELETE', `/tenants/${A}/working-times/${A}-wt-1`);
    const all = await state();
    expect(Object.keys(all).sort()).toEqual([A, B]);
    expect(all[A]).toMatchObject({ clientId: `${A}-timr-client` });
    expect(all[A]!.deleted.map((d) => d.id)).toEqual([`${A}-wt-1`]);
    expect(all[A]!.users).toHaveLength(3);
    expect(all[A]!.workingTimeTypes).toHaveLength(4);
    expect(all[A]!.workingTimes).toHaveLength(6);
    expect(Object.keys(await state(B))).toEqual([B]);

    const smaller = exampleTimrTenant({ id: A });
    smaller.timr.workingTimes = smaller.timr.workingTimes.slice(0, 2);
    await s.seed({ tenants: [smaller] });
    const after = await state(A);
    expect(after[A]!.workingTimes.map((w) => w.id)).toEqual([`${A}-wt-1`, `${A}-wt-2`]);
    expect(after[A]!.deleted).toEqual([]);
    expect((await state(B))[B]!.workingTimes).toHaveLength(7);
  });

  it('rejects an inconsistent seed with a message naming tenant, entry and field, and changes nothing', async () => {
    const broken = exampleTimrTenant({ id: A });
    broken.timr.workingTimes = [{ ...broken.timr.workingTimes[0]!, id: 'orphan', user: { ...broken.timr.workingTimes[0]!.user, id: 'ghost-user' } }];
    const res = await control('POST', '/seed', { tenants: [broken] });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: string };
    expect(error).toContain(A);
    expect(error).toContain('orphan');
    expect(error).toContain('ghost-user');
    expect((await state(A))[A]!.workingTimes).toHaveLength(7);
  });

  it('drops everything on reset', async () => {
    expect((await control('POST', '/reset')).status).toBe(200);
    expect(await state()).toEqual({});
    expect((await s.call('GET', '/v1/users', { auth: { token: 'stale' } })).status).toBe(401);
  });
});
