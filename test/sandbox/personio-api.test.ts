/**
 * The Personio v2 sandbox over real HTTP: auth, persons, attendance-period CRUD with every
 * validation rule, filters, pagination, tenant isolation and the control API.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AttendancePeriod,
  AttendancePeriodsList,
  CreatedResponse,
  ErrorResponse,
  Person,
  PersonsList,
  TokenResponse,
} from '../../src/clients/personio/schemas.js';
import { fetchPersonioToken, personioSeed } from '../../src/sandbox/personio/fixtures.js';
import { startPersonioSandbox, type RunningPersonioSandbox } from '../../src/sandbox/personio/listen.js';
import { defaultSettings } from '../../src/sandbox/personio/settings.js';

const ACME = { clientId: 'acme-personio', clientSecret: 'acme-secret' };
const GLOBEX = { clientId: 'globex-personio', clientSecret: 'globex-secret' };

const acmePersons: Person[] = [
  { id: 'p-anna', email: 'Anna.Berg@acme.example', first_name: 'Anna', last_name: 'Berg', status: 'ACTIVE' },
  { id: 'p-ben', email: 'ben@acme.example', first_name: 'Ben', last_name: 'Berg', status: 'INACTIVE' },
  { id: 'p-cleo', email: 'cleo@acme.example', first_name: 'Cleo', last_name: 'Ortiz', status: 'ACTIVE' },
];
const globexPersons: Person[] = [{ id: 'g-dora', email: 'dora@globex.example', first_name: 'Dora', last_name: 'Lee', status: 'ACTIVE' }];

let clock = new Date('2026-11-20T10:00:00.000Z');
let sandbox: RunningPersonioSandbox;
let acme: string;
let globex: string;

interface Res {
  status: number;
  headers: Headers;
  json: unknown;
}

async function call(method: string, pathOrUrl: string, opts: { token?: string; body?: unknown; raw?: string; contentType?: string } = {}): Promise<Res> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.raw !== undefined) body = opts.raw;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers['content-type'] = opts.contentType ?? 'application/json';
  const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${sandbox.baseUrl}${pathOrUrl}`;
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
}

const get = (path: string, token = acme) => call('GET', path, { token });
const post = (path: string, body: unknown, token = acme) => call('POST', path, { token, body });
const patch = (path: string, body: unknown, token = acme) => call('PATCH', path, { token, body });
const del = (path: string, token = acme) => call('DELETE', path, { token });

/** Asserts a Personio error envelope with the given status and returns its first error. */
function expectError(res: Res, status: number) {
  expect(res.status, JSON.stringify(res.json)).toBe(status);
  const body = ErrorResponse.parse(res.json);
  expect(body.personio_trace_id).toMatch(/^[0-9a-f-]{36}$/);
  expect(body.errors.length).toBeGreaterThan(0);
  return body.errors[0]!;
}

function period(personId: string, start: string, end: string | null, extra: Record<string, unknown> = {}) {
  return { person: { id: personId }, type: 'WORK', start: { date_time: start }, end: end === null ? null : { date_time: end }, ...extra };
}

async function create(body: unknown, query = '?skip_approval=true', token = acme): Promise<string> {
  const res = await post(`/v2/attendance-periods${query}`, body, token);
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return CreatedResponse.parse(res.json).id;
}

async function readPeriod(id: string, token = acme) {
  const res = await get(`/v2/attendance-periods/${id}`, token);
  expect(res.status).toBe(200);
  return AttendancePeriod.parse(res.json);
}

/** Follows next links exactly as given and returns every page's items. */
async function collect<T>(first: string, parse: (json: unknown) => { _data: T[]; _meta?: { links?: { next?: { href: string } } } }, token = acme) {
  const pages: T[][] = [];
  let url: string | undefined = first;
  while (url) {
    const res = await get(url, token);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    const body = parse(res.json);
    pages.push(body._data);
    url = body._meta?.links?.next?.href;
  }
  return pages;
}

beforeAll(async () => {
  sandbox = await startPersonioSandbox({ now: () => clock });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(async () => {
  clock = new Date('2026-11-20T10:00:00.000Z');
  await call('POST', '/_sandbox/reset');
  Object.assign(sandbox.settings, defaultSettings());
  sandbox.seed(
    personioSeed([
      { id: 'acme', credentials: ACME, persons: acmePersons },
      { id: 'globex', credentials: GLOBEX, persons: globexPersons },
    ]),
  );
  acme = await fetchPersonioToken(sandbox.baseUrl, ACME);
  globex = await fetchPersonioToken(sandbox.baseUrl, GLOBEX);
});

describe('auth', () => {
  const tokenRequest = (form: Record<string, string>) =>
    call('POST', '/v2/auth/token', { raw: new URLSearchParams(form).toString(), contentType: 'application/x-www-form-urlencoded' });

  it('issues a bearer token for a valid client pair', async () => {
    const res = await tokenRequest({ grant_type: 'client_credentials', client_id: ACME.clientId, client_secret: ACME.clientSecret });
    expect(res.status).toBe(200);
    const body = TokenResponse.parse(res.json);
    expect(body.token_type).toBe('Bearer');
    expect(body.expires_in).toBe(86_400);
    expect((await get('/v2/persons', body.access_token)).status).toBe(200);
  });

  it('rejects a wrong secret and an unknown client with 401 and never echoes the secret', async () => {
    const wrong = await tokenRequest({ grant_type: 'client_credentials', client_id: ACME.clientId, client_secret: 'guess' });
    expect(expectError(wrong, 401).detail).toMatch(/client_id and client_secret/);
    expect(JSON.stringify(wrong.json)).not.toContain('guess');
    const unknown = await tokenRequest({ grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'x' });
    expectError(unknown, 401);
  });

  it('rejects a missing or wrong grant_type and missing fields with 400', async () => {
    expect(expectError(await tokenRequest({ client_id: ACME.clientId, client_secret: ACME.clientSecret }), 400)._meta).toEqual({ field: 'grant_type' });
    expectError(await tokenRequest({ grant_type: 'password', client_id: ACME.clientId, client_secret: ACME.clientSecret }), 400);
    expect(expectError(await tokenRequest({ grant_type: 'client_credentials', client_id: ACME.clientId }), 400)._meta).toEqual({ field: 'client_secret' });
  });

  it('wants the token request form-encoded, not JSON', async () => {
    const res = await call('POST', '/v2/auth/token', { body: { grant_type: 'client_credentials', ...ACME } });
    expectError(res, 415);
  });

  it('requires a valid bearer token on every API route', async () => {
    const none = await call('GET', '/v2/persons');
    expect(expectError(none, 401).detail).toMatch(/Bearer/);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expectError(await get('/v2/attendance-periods', 'not-a-token'), 401);
    expectError(await call('POST', '/v2/attendance-periods', { body: period('p-anna', '2026-11-20T08:00:00', '2026-11-20T09:00:00') }), 401);
    expect(sandbox.state('acme').tenants.acme?.attendancePeriods).toHaveLength(0);
  });

  it('revokes a token: 200, then the token is refused', async () => {
    const res = await call('POST', '/v2/auth/revoke', { raw: new URLSearchParams({ token: acme }).toString(), contentType: 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(200);
    expect(expectError(await get('/v2/persons'), 401).detail).toMatch(/revoked/);
    expect((await get('/v2/persons', globex)).status).toBe(200);
  });

  it('expires tokens after expires_in on the injected clock', async () => {
    clock = new Date(clock.getTime() + 86_399_000);
    expect((await get('/v2/persons')).status).toBe(200);
    clock = new Date(clock.getTime() + 1_000);
    expect(expectError(await get('/v2/persons'), 401).detail).toMatch(/expired/);
    const fresh = await fetchPersonioToken(sandbox.baseUrl, ACME);
    expect((await get('/v2/persons', fresh)).status).toBe(200);
  });

  it('rotating credentials through the control API rejects the old pair and revokes its tokens', async () => {
    const rotated = await call('POST', '/_sandbox/tenants/acme/rotate-credentials');
    expect(rotated.status).toBe(200);
    const next = rotated.json as { clientId: string; clientSecret: string };
    expect(next.clientId).not.toBe(ACME.clientId);
    expect(expectError(await get('/v2/persons'), 401).detail).toMatch(/revoked/);
    await expect(fetchPersonioToken(sandbox.baseUrl, ACME)).rejects.toThrow(/HTTP 401/);
    const fresh = await fetchPersonioToken(sandbox.baseUrl, next);
    expect((await get('/v2/persons', fresh)).status).toBe(200);
    expect((await get('/v2/persons', globex)).status).toBe(200);
  });

  it('answers unknown /v2 routes with 404 in the Personio envelope once authenticated', async () => {
    expectError(await get('/v2/nowhere'), 404);
  });
});

describe('GET /v2/persons', () => {
  const ids = (json: unknown) => PersonsList.parse(json)._data.map((p) => p.id).sort();

  it('lists only the token tenant persons', async () => {
    expect(ids((await get('/v2/persons')).json)).toEqual(['p-anna', 'p-ben', 'p-cleo']);
    expect(ids((await get('/v2/persons', globex)).json)).toEqual(['g-dora']);
  });

  it('filters by email case-insensitively and exactly', async () => {
    expect(ids((await get('/v2/persons?email=anna.berg%40ACME.example')).json)).toEqual(['p-anna']);
    expect(ids((await get('/v2/persons?email=anna%40acme.example')).json)).toEqual([]);
    expect(ids((await get('/v2/persons?email=dora%40globex.example')).json)).toEqual([]);
  });

  it('filters by id list, first_name, last_name and status', async () => {
    expect(ids((await get('/v2/persons?id=p-cleo,p-anna,g-dora')).json)).toEqual(['p-anna', 'p-cleo']);
    expect(ids((await get('/v2/persons?last_name=berg')).json)).toEqual(['p-anna', 'p-ben']);
    expect(ids((await get('/v2/persons?last_name=Berg&first_name=Ben')).json)).toEqual(['p-ben']);
    expect(ids((await get('/v2/persons?status=active')).json)).toEqual(['p-anna', 'p-cleo']);
  });

  it('rejects limit outside 1–50 and an empty filter', async () => {
    for (const limit of ['0', '51', 'ten', '2.5']) expect(expectError(await get(`/v2/persons?limit=${limit}`), 400)._meta).toEqual({ field: 'limit' });
    expect((await get('/v2/persons?limit=50')).status).toBe(200);
    expectError(await get('/v2/persons?email='), 400);
  });

  it('pages 10 at a time by default with absolute next links that work as given', async () => {
    const many = Array.from({ length: 23 }, (_, i) => ({ id: `p-${String(i).padStart(2, '0')}`, email: `e${i}@acme.example` }));
    sandbox.seed(personioSeed([{ id: 'acme', credentials: ACME, persons: many }]));
    acme = await fetchPersonioToken(sandbox.baseUrl, ACME);
    const first = PersonsList.parse((await get('/v2/persons')).json);
    expect(first._data).toHaveLength(10);
    expect(first._meta?.links?.next?.href).toMatch(new RegExp(`^${sandbox.baseUrl}/v2/persons\\?cursor=`));
    const pages = await collect('/v2/persons', (j) => PersonsList.parse(j));
    expect(pages.map((p) => p.length)).toEqual([10, 10, 3]);
    expect(pages.flat().map((p) => p.id)).toEqual(many.map((p) => p.id));
  });

  it('builds next links from the Host the client called', async () => {
    sandbox.seed(personioSeed([{ id: 'acme', credentials: ACME, persons: acmePersons }]));
    acme = await fetchPersonioToken(sandbox.baseUrl, ACME);
    const port = new URL(sandbox.baseUrl).port;
    const body = await new Promise<string>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port, path: '/v2/persons?limit=1', headers: { host: 'personio.proxy.example:8443', authorization: `Bearer ${acme}` } },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve(text));
        },
      );
      req.on('error', reject);
      req.end();
    });
    const next = PersonsList.parse(JSON.parse(body))._meta?.links?.next?.href;
    expect(next).toMatch(/^http:\/\/personio\.proxy\.example:8443\/v2\/persons\?limit=1&cursor=/);
  });

  it('returns one person by id, 404 for another tenant person', async () => {
    expect(Person.parse((await get('/v2/persons/p-ben')).json).email).toBe('ben@acme.example');
    expectError(await get('/v2/persons/g-dora'), 404);
  });
});

describe('POST /v2/attendance-periods', () => {
  it('creates a period: 201 with id and absolute self link; status pending without skip_approval', async () => {
    const res = await post('/v2/attendance-periods', period('p-anna', '2026-11-20T08:00:00', '2026-11-20T12:00:00', { comment: 'standup' }));
    expect(res.status).toBe(201);
    const created = CreatedResponse.parse(res.json);
    expect(created.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const self = created._meta?.links?.self?.href;
    expect(self).toBe(`${sandbox.baseUrl}/v2/attendance-periods/${created.id}`);
    const stored = AttendancePeriod.parse((await get(self!)).json);
    expect(stored).toMatchObject({
      id: created.id,
      person: { id: 'p-anna' },
      type: 'WORK',
      start: { date_time: '2026-11-20T08:00:00' },
      end: { date_time: '2026-11-20T12:00:00' },
      comment: 'standup',
      status: 'pending',
      created_at: clock.toISOString(),
      updated_at: clock.toISOString(),
    });
  });

  it('skip_approval=true confirms, =false leaves pending, anything else is 400', async () => {
    const yes = await create(period('p-anna', '2026-11-20T08:00:00', '2026-11-20T09:00:00'), '?skip_approval=true');
    const no = await create(period('p-anna', '2026-11-20T09:00:00', '2026-11-20T10:00:00'), '?skip_approval=false');
    expect((await readPeriod(yes)).status).toBe('confirmed');
    expect((await readPeriod(no)).status).toBe('pending');
    const bad = await post('/v2/attendance-periods?skip_approval=yes', period('p-anna', '2026-11-20T10:00:00', '2026-11-20T11:00:00'));
    expect(expectError(bad, 400)._meta).toEqual({ field: 'skip_approval' });
  });

  it('without an approval rule every period is confirmed', async () => {
    await call('POST', '/_sandbox/settings', { body: { approvalRuleActive: false } });
    expect((await readPeriod(await create(period('p-anna', '2026-11-20T08:00:00', '2026-11-20T09:00:00'), ''))).status).toBe('confirmed');
  });

  describe('400 for malformed bodies', () => {
    const fieldsOf = (res: Res) => ErrorResponse.parse(res.json).errors.map((e) => (e._meta as { field?: string }).field);

    it('invalid JSON', async () => {
      expect(expectError(await call('POST', '/v2/attendance-periods', { token: acme, raw: '{"person": ' }), 400).detail).toMatch(/JSON/);
    });

    it('a body that is not an object', async () => {
      expectError(await post('/v2/attendance-periods', [period('p-anna', '2026-11-20T08:00:00', '2026-11-20T09:00:00')]), 400);
    });

    it('missing fields, one error per field', async () => {
      const res = await post('/v2/attendance-periods', { type: 'WORK' });
      expectError(res, 400);
      expect(fieldsOf(res).sort()).toEqual(['end', 'person', 'start']);
      expect(ErrorResponse.parse(res.json).errors.map((e) => e.detail)).toContain('person is required');
    });

    it('a wrong type value', async () => {
      const res = await post('/v2/attendance-periods', period('p-anna', '2026-11-20T08:00:00', '2026-11-20T09:00:00', { type: 'work' }));
      expect(expectError(res, 400).detail).toBe('type must be WORK or BREAK, got "work"');
    });

    it('a trailing Z or an offset, naming the field', async () => {
      const z = await post('/v2/attendance-periods', period('p-anna', '2026-11-20T08:00:00Z', '2026-11-20T09:00:00'));
      const e = expectError(z, 400);
      expect(e._meta).toEqual({ field: 'start.date_time' });
      expect(e.detail).toMatch(/start\.date_time "2026-11-20T08:00:00Z" carries a UTC offset/);
      const offset = await post('/v2/attendance-periods', period('p-anna', '2026-11-20T08:00:00', '2026-11-20T09:00:00+01:00'));
      expect(expectError(offset, 400)._meta).toEqual({ field: 'end.date_time' });
      const millis = await post('/v2/attendance-periods', period('p-anna', '2026-11-20T08:00:00.000', '2026-11-20T09:00:00'));
      expect(expectError(millis, 400).detail).toMatch(/not a local date-time/);
    });

    it('a date-time that is no real calendar time', async () => {
      const res = await post('/v2/attendance-periods', period('p-anna', '2026-02-30T08:00:00', '2026-02-30T09:00:00'));
      expectError(res, 400);
      expect(fieldsOf(res)).toEqual(['start.date_time', 'end.date_time']);
    });

    it('unknown top-level fields', async () => {
      const res = await post('/v2/attendance-periods', period('p-anna', '2026-11-20T08:00:00', '2026-11-20T09:00:00', { break_minutes: 30 }));
      expect(expectError(res, 400).detail).toMatch(/unknown field\(s\) "break_minutes"/);
    });

    it('nothing is stored after a 400', async () => {
      await post('/v2/attendance-periods', period('p-anna', '2026-11-20T08:00:00Z', '2026-11-20T09:00:00'));
      expect(sandbox.store.periods('acme')).toHaveLength(0);
    });
  });

  it('an unknown person is 404 by default and 422 when configured; another tenant person is unknown', async () => {
    const e = expectError(await post('/v2/attendance-periods', period('g-dora', '2026-11-20T08:00:00', '2026-11-20T09:00:00')), 404);
    expect(e.detail).toMatch(/person g-dora does not exist/);
    await call('POST', '/_sandbox/settings', { body: { unknownPersonStatus: 422 } });
    expect(expectError(await post('/v2/attendance-periods', period('p-nobody', '2026-11-20T08:00:00', '2026-11-20T09:00:00')), 422).title).toBe('Person not found');
  });

  describe('422 business rules', () => {
    it('start after end', async () => {
      const e = expectError(await post('/v2/attendance-periods', period('p-anna', '2026-11-20T09:00:00', '2026-11-20T08:59:59')), 422);
      expect(e.title).toBe('Start date greater than end date');
    });

    it('longer than the configured maximum (24 h by default; exactly the maximum passes)', async () => {
      const e = expectError(await post('/v2/attendance-periods', period('p-anna', '2026-11-20T08:00:00', '2026-11-21T08:00:01')), 422);
      expect(e.title).toBe('Period time range too long');
      await create(period('p-anna', '2026-11-20T08:00:00', '2026-11-21T08:00:00'));
      await call('POST', '/_sandbox/settings', { body: { maxPeriodHours: 10 } });
      expectError(await post('/v2/attendance-periods', period('p-ben', '2026-11-20T08:00:00', '2026-11-20T18:00:01')), 422);
      await create(period('p-ben', '2026-11-20T08:00:00', '2026-11-20T18:00:00'));
    });

    it('a BREAK with a project; a WORK with a project is fine', async () => {
      const e = expectError(await post('/v2/attendance-periods', period('p-anna', '2026-11-20T12:00:00', '2026-11-20T12:30:00', { type: 'BREAK', project: { id: 'prj-1' } })), 422);
      expect(e.title).toBe('Break periods with project');
      await create(period('p-anna', '2026-11-20T08:00:00', '2026-11-20T12:00:00', { project: { id: 'prj-1' } }));
      await create(period('p-anna', '2026-11-20T12:00:00', '2026-11-20T12:30:00', { type: 'BREAK', project: null }));
    });

    it('zero-length periods pass by default and are rejected when configured', async () => {
      await create(period('p-anna', '2026-11-20T00:00:00', '2026-11-20T00:00:00', { comment: 'Zeitausgleich' }));
      await call('POST', '/_sandbox/settings', { body: { zeroLengthPeriods: 'reject' } });
      const refused = expectError(await post('/v2/attendance-periods', period('p-ben', '2026-11-20T00:00:00', '2026-11-20T00:00:00')), 422);
      expect(refused.title).toBe('Period time range too short');
      expect(refused.detail).toBe('Start time 2026-11-20T00:00:00 has to be smaller than end time 2026-11-20T00:00:00');
    });

    it('a comment over the configured limit', async () => {
      await call('POST', '/_sandbox/settings', { body: { commentMaxLength: 5 } });
      expect(expectError(await post('/v2/attendance-periods', period('p-anna', '2026-11-20T08:00:00', '2026-11-20T09:00:00', { comment: '123456' })), 400)._meta).toEqual({ field: 'comment' });
      await create(period('p-anna', '2026-11-20T08:00:00', '2026-11-20T09:00:00', { comment: '12345' }));
    });
  });

  describe('overlap with an existing period of the same person', () => {
    const day = (hhmm: string) => `2026-11-20T${hhmm}:00`;
    const attempt = (start: string, end: string | null, person = 'p-anna') => post('/v2/attendance-periods?skip_approval=true', period(person, day(start), end === null ? null : day(end)));

    beforeEach(async () => {
      await create(period('p-anna', day('08:00'), day('12:00')));
      await create(period('p-anna', day('14:00'), day('14:00')));
      await create(period('p-anna', day('16:00'), null));
    });

    it.each([
      ['partly overlapping', '11:00', '13:00'],
      ['inside', '09:00', '10:00'],
      ['enclosing', '07:00', '13:00'],
      ['identical', '08:00', '12:00'],
      ['a zero-length period strictly inside', '10:00', '10:00'],
      ['a period enclosing a zero-length one', '13:00', '15:00'],
      ['a zero-length period at the same instant as another', '14:00', '14:00'],
      ['a period enclosing an open period start', '15:30', '17:00'],
      ['an open period strictly inside a period', '09:30', null],
    ])('rejects %s', async (_label, start, end) => {
      const e = expectError(await attempt(start, end), 422);
      expect(e.title).toBe('Overlapping attendance periods');
      expect(e.detail).toMatch(/person p-anna already has period [0-9a-f-]{36}/);
    });

    it.each([
      ['touching the end', '12:00', '13:00'],
      ['touching the start', '07:00', '08:00'],
      ['zero-length at a period start', '08:00', '08:00'],
      ['zero-length at a period end', '12:00', '12:00'],
      ['starting at a zero-length period', '14:00', '15:00'],
      ['ending at a zero-length period', '13:00', '14:00'],
      ['ending where an open period starts', '15:00', '16:00'],
    ])('accepts %s', async (_label, start, end) => {
      expect((await attempt(start, end)).status).toBe(201);
    });

    it('ignores other persons', async () => {
      expect((await attempt('08:00', '12:00', 'p-ben')).status).toBe(201);
    });

    it('uses the configured wording', async () => {
      await call('POST', '/_sandbox/settings', { body: { overlapMessage: 'Existing overlapping attendances periods' } });
      expect(expectError(await attempt('09:00', '10:00'), 422).title).toBe('Existing overlapping attendances periods');
    });
  });
});

describe('GET /v2/attendance-periods', () => {
  const ids = (json: unknown) => AttendancePeriodsList.parse(json)._data.map((p) => p.id);
  let a1: string, a2: string, aOpen: string, b1: string, c1: string;

  beforeEach(async () => {
    a1 = await create(period('p-anna', '2026-11-19T08:00:00', '2026-11-19T16:00:00'));
    clock = new Date('2026-11-20T11:00:00.000Z');
    a2 = await create(period('p-anna', '2026-11-20T08:00:00', '2026-11-20T16:00:00'), '?skip_approval=false');
    aOpen = await create(period('p-anna', '2026-11-21T08:00:00', null));
    clock = new Date('2026-11-20T12:00:00.000Z');
    b1 = await create(period('p-ben', '2026-11-20T09:00:00', '2026-11-20T17:00:00'));
    c1 = await create(period('p-cleo', '2026-11-22T07:00:00', '2026-11-22T15:00:00'));
    await create(period('g-dora', '2026-11-20T08:00:00', '2026-11-20T16:00:00'), '?skip_approval=true', globex);
  });

  it('lists the tenant periods ordered by start', async () => {
    expect(ids((await get('/v2/attendance-periods')).json)).toEqual([a1, a2, b1, aOpen, c1]);
  });

  it('filters by person.id and id lists', async () => {
    expect(ids((await get('/v2/attendance-periods?person.id=p-ben,p-cleo')).json)).toEqual([b1, c1]);
    expect(ids((await get(`/v2/attendance-periods?id=${c1},${a1}`)).json)).toEqual([a1, c1]);
    expect(ids((await get('/v2/attendance-periods?person.id=g-dora')).json)).toEqual([]);
  });

  it('filters by start and end bounds, inclusive; open periods never match end bounds', async () => {
    expect(ids((await get('/v2/attendance-periods?start.date_time.gte=2026-11-20T08:00:00&start.date_time.lte=2026-11-21T08:00:00')).json)).toEqual([a2, b1, aOpen]);
    expect(ids((await get('/v2/attendance-periods?end.date_time.gte=2026-11-20T16:00:00')).json)).toEqual([a2, b1, c1]);
    expect(ids((await get('/v2/attendance-periods?end.date_time.lte=2026-11-20T16:00:00')).json)).toEqual([a1, a2]);
  });

  it('filters by updated_at instants and by status', async () => {
    expect(ids((await get('/v2/attendance-periods?updated_at.gte=2026-11-20T11:00:00Z')).json)).toEqual([a2, b1, aOpen, c1]);
    expect(ids((await get('/v2/attendance-periods?updated_at.lte=2026-11-20T12:30:00%2B01:00')).json)).toEqual([a1, a2, aOpen]);
    expect(ids((await get('/v2/attendance-periods?status=pending')).json)).toEqual([a2]);
  });

  it('rejects malformed filters naming them', async () => {
    expect(expectError(await get('/v2/attendance-periods?start.date_time.gte=2026-11-20T08:00:00Z'), 400)._meta).toEqual({ field: 'start.date_time.gte' });
    expect(expectError(await get('/v2/attendance-periods?updated_at.gte=2026-11-20T08:00:00'), 400)._meta).toEqual({ field: 'updated_at.gte' });
    expect(expectError(await get('/v2/attendance-periods?status=approved'), 400)._meta).toEqual({ field: 'status' });
    expect(expectError(await get('/v2/attendance-periods?limit=101'), 400)._meta).toEqual({ field: 'limit' });
    expect(expectError(await get('/v2/attendance-periods?limit=1&limit=2'), 400)._meta).toEqual({ field: 'limit' });
  });

  it('pages with absolute next links, keeps filters, and is stable under inserts between pages', async () => {
    for (let i = 0; i < 30; i++) {
      const d = String(1 + (i % 28)).padStart(2, '0');
      await create(period('p-cleo', `2026-10-${d}T${i < 28 ? '08' : '18'}:00:00`, `2026-10-${d}T${i < 28 ? '09' : '19'}:00:00`));
    }
    const first = AttendancePeriodsList.parse((await get('/v2/attendance-periods?person.id=p-cleo&limit=7')).json);
    const next = first._meta?.links?.next?.href;
    expect(next).toMatch(new RegExp(`^${sandbox.baseUrl}/v2/attendance-periods\\?person.id=p-cleo&limit=7&cursor=`));
    // A period inserted before the cursor position must not shift later pages.
    await create(period('p-cleo', '2026-09-01T08:00:00', '2026-09-01T09:00:00'));
    const pages = await collect(next!, (j) => AttendancePeriodsList.parse(j));
    const all = [...first._data, ...pages.flat()];
    expect(all).toHaveLength(31);
    expect(new Set(all.map((p) => p.id)).size).toBe(31);
    expect(all.every((p) => p.person.id === 'p-cleo')).toBe(true);
    const starts = all.map((p) => p.start.date_time);
    expect(starts).toEqual([...starts].sort());
  });

  it('defaults to 100 per page', async () => {
    for (let i = 0; i < 101; i++) {
      const t = new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString().slice(0, 19);
      const end = new Date(Date.UTC(2026, 0, 1) + i * 3_600_000 + 1_800_000).toISOString().slice(0, 19);
      sandbox.store.insertPeriod('acme', { person: { id: 'p-ben' }, type: 'WORK', start: { date_time: t }, end: { date_time: end }, comment: null, project: null, status: 'confirmed' });
    }
    const pages = await collect('/v2/attendance-periods?person.id=p-ben', (j) => AttendancePeriodsList.parse(j));
    expect(pages.map((p) => p.length)).toEqual([100, 2]);
  });

  it('rejects a foreign cursor and a cursor reused with other filters', async () => {
    const first = AttendancePeriodsList.parse((await get('/v2/attendance-periods?limit=2')).json);
    const cursor = new URL(first._meta!.links!.next!.href).searchParams.get('cursor')!;
    expect(expectError(await get(`/v2/attendance-periods?limit=2&cursor=${cursor}&status=pending`), 400).detail).toMatch(/different filters/);
    expect((await get(`/v2/attendance-periods?limit=5&cursor=${cursor}`)).status).toBe(200);
    expect(expectError(await get('/v2/attendance-periods?cursor=bm9wZQ'), 400)._meta).toEqual({ field: 'cursor' });
  });

  it('GET by id returns the period, 404 for another tenant or unknown id', async () => {
    expect((await readPeriod(b1)).person.id).toBe('p-ben');
    const dora = sandbox.store.periods('globex')[0]!.id;
    expectError(await get(`/v2/attendance-periods/${dora}`), 404);
    expect((await get(`/v2/attendance-periods/${dora}`, globex)).status).toBe(200);
    expectError(await get('/v2/attendance-periods/00000000-0000-4000-8000-000000000000'), 404);
  });
});

describe('PATCH /v2/attendance-periods/{id}', () => {
  let id: string;
  beforeEach(async () => {
    id = await create(period('p-anna', '2026-11-20T08:00:00', '2026-11-20T12:00:00'));
    await create(period('p-anna', '2026-11-20T13:00:00', '2026-11-20T17:00:00'));
  });

  it('updates fields and updated_at, keeps created_at; 204 without body', async () => {
    const before = await readPeriod(id);
    clock = new Date('2026-11-20T15:00:00.000Z');
    const res = await patch(`/v2/attendance-periods/${id}?skip_approval=true`, { end: { date_time: '2026-11-20T13:00:00' }, comment: 'longer' });
    expect(res.status).toBe(204);
    expect(res.json).toBeUndefined();
    const after = await readPeriod(id);
    expect(after).toMatchObject({ start: { date_time: '2026-11-20T08:00:00' }, end: { date_time: '2026-11-20T13:00:00' }, comment: 'longer', status: 'confirmed' });
    expect(after.created_at).toBe(before.created_at);
    expect(after.updated_at).toBe('2026-11-20T15:00:00.000Z');
  });

  it('without skip_approval=true the period goes back to pending', async () => {
    expect((await patch(`/v2/attendance-periods/${id}`, { comment: 'x' })).status).toBe(204);
    expect((await readPeriod(id)).status).toBe('pending');
  });

  it('applies the same validations; the overlap check ignores the period itself', async () => {
    expect(expectError(await patch(`/v2/attendance-periods/${id}`, { start: { date_time: '2026-11-20T08:00:00Z' } }), 400)._meta).toEqual({ field: 'start.date_time' });
    expect(expectError(await patch(`/v2/attendance-periods/${id}`, { start: { date_time: '2026-11-20T12:30:00' } }), 422).title).toBe('Start date greater than end date');
    expect(expectError(await patch(`/v2/attendance-periods/${id}`, { end: { date_time: '2026-11-21T08:00:01' } }), 422).title).toBe('Period time range too long');
    expect(expectError(await patch(`/v2/attendance-periods/${id}`, { type: 'BREAK', project: { id: 'prj' } }), 422).title).toBe('Break periods with project');
    expect(expectError(await patch(`/v2/attendance-periods/${id}`, { end: { date_time: '2026-11-20T13:30:00' } }), 422).title).toBe('Overlapping attendance periods');
    expect((await patch(`/v2/attendance-periods/${id}`, { start: { date_time: '2026-11-20T09:00:00' } })).status).toBe(204);
    expect((await readPeriod(id)).start.date_time).toBe('2026-11-20T09:00:00');
  });

  it('rejects changing the person, an empty body and invalid JSON', async () => {
    expect(expectError(await patch(`/v2/attendance-periods/${id}`, { person: { id: 'p-ben' } }), 400).detail).toMatch(/"person"/);
    expect(expectError(await patch(`/v2/attendance-periods/${id}`, {}), 400).detail).toMatch(/names no field/);
    expectError(await call('PATCH', `/v2/attendance-periods/${id}`, { token: acme, raw: 'nope' }), 400);
    expect((await readPeriod(id)).person.id).toBe('p-anna');
  });

  it('404 for an unknown id or another tenant period', async () => {
    expectError(await patch('/v2/attendance-periods/00000000-0000-4000-8000-000000000000', { comment: 'x' }), 404);
    expectError(await patch(`/v2/attendance-periods/${id}`, { comment: 'x' }, globex), 404);
    expect((await readPeriod(id)).comment).toBeNull();
  });
});

describe('DELETE /v2/attendance-periods/{id}', () => {
  it('deletes with 204, then 404; another tenant cannot delete', async () => {
    const id = await create(period('p-anna', '2026-11-20T08:00:00', '2026-11-20T12:00:00'));
    expectError(await del(`/v2/attendance-periods/${id}`, globex), 404);
    expect((await del(`/v2/attendance-periods/${id}`)).status).toBe(204);
    expectError(await get(`/v2/attendance-periods/${id}`), 404);
    expectError(await del(`/v2/attendance-periods/${id}`), 404);
    // The slot is free again.
    await create(period('p-anna', '2026-11-20T08:00:00', '2026-11-20T12:00:00'));
  });
});

describe('control API', () => {
  it('merges settings partially and rejects unknown or invalid ones', async () => {
    const res = await call('POST', '/_sandbox/settings', { body: { rateLimitPerClient: 5 } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ rateLimitPerClient: 5, rateLimitPerIp: 2000, retryAfter: true });
    expect(sandbox.settings.rateLimitPerClient).toBe(5);
    expect((await call('POST', '/_sandbox/settings', { body: { rateLimitPerClinet: 5 } })).status).toBe(400);
    expect((await call('POST', '/_sandbox/settings', { body: { maxPeriodHours: -1 } })).status).toBe(400);
    expect((await call('GET', '/_sandbox/settings')).json).toMatchObject({ rateLimitPerClient: 5 });
  });

  it('state lists per tenant clientId, persons and periods', async () => {
    const id = await create(period('p-anna', '2026-11-20T08:00:00', '2026-11-20T12:00:00'));
    const res = await call('GET', '/_sandbox/state?tenant=acme');
    const state = res.json as { tenants: Record<string, { clientId: string; persons: unknown[]; attendancePeriods: { id: string }[] }> };
    expect(Object.keys(state.tenants)).toEqual(['acme']);
    expect(state.tenants.acme).toMatchObject({ clientId: ACME.clientId, persons: acmePersons });
    expect(state.tenants.acme!.attendancePeriods.map((p) => p.id)).toEqual([id]);
    expect(Object.keys((await call('GET', '/_sandbox/state')).json as object)).toEqual(['tenants']);
  });

  it('seeding replaces the listed tenants wholesale and leaves others alone', async () => {
    await create(period('p-anna', '2026-11-20T08:00:00', '2026-11-20T12:00:00'));
    await create(period('g-dora', '2026-11-20T08:00:00', '2026-11-20T12:00:00'), '?skip_approval=true', globex);
    const seeded = personioSeed([
      {
        id: 'acme',
        credentials: ACME,
        persons: [{ id: 'p-zoe', email: 'zoe@acme.example' }],
        attendancePeriods: [{ id: 'seeded-1', person: { id: 'p-zoe' }, type: 'WORK', start: { date_time: '2026-11-18T08:00:00' }, end: { date_time: '2026-11-18T09:00:00' } }],
      },
    ]);
    expect((await call('POST', '/_sandbox/seed', { body: seeded })).status).toBe(200);
    const state = sandbox.state();
    expect(state.tenants.acme?.persons.map((p) => p.id)).toEqual(['p-zoe']);
    expect(state.tenants.acme?.attendancePeriods).toEqual([
      expect.objectContaining({ id: 'seeded-1', status: 'confirmed', comment: null, created_at: clock.toISOString() }),
    ]);
    expect(state.tenants.globex?.attendancePeriods).toHaveLength(1);
    // Re-seeding re-registers the pair, so earlier tokens of that tenant die.
    expectError(await get('/v2/persons'), 401);
  });
});
