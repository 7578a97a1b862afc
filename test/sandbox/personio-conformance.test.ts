/**
 * Real sandbox responses against the documented shapes: the shared wire schemas made strict
 * at every level (so the sandbox cannot grow fields the client would never see from
 * Personio), and the vendor's common components (ErrorResponse, CreatedObject, MetaObject)
 * checked with ajv straight from specs/personio-v2-common-components.json.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
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

/** Rebuilds a schema with every object strict, so unknown fields anywhere fail. */
function deepStrict(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodObject) {
    const shape = Object.fromEntries(Object.entries(schema.shape as Record<string, z.ZodType>).map(([k, v]) => [k, deepStrict(v)]));
    return z.strictObject(shape);
  }
  if (schema instanceof z.ZodOptional) return deepStrict(schema.unwrap() as z.ZodType).optional();
  if (schema instanceof z.ZodNullable) return deepStrict(schema.unwrap() as z.ZodType).nullable();
  if (schema instanceof z.ZodArray) return z.array(deepStrict(schema.element as z.ZodType));
  return schema;
}

const Strict = {
  token: deepStrict(TokenResponse),
  person: deepStrict(Person),
  persons: deepStrict(PersonsList),
  period: deepStrict(AttendancePeriod),
  periods: deepStrict(AttendancePeriodsList),
  created: deepStrict(CreatedResponse),
  error: deepStrict(ErrorResponse),
};

/** API-NOTES promise every error item carries all four fields; the shared schema leaves them optional for tolerance. */
const CompleteErrorItems = z.object({
  errors: z.array(z.object({ title: z.string().min(1), detail: z.string().min(1), type: z.string().url(), _meta: z.record(z.string(), z.string()) })).min(1),
  personio_trace_id: z.string().min(1),
  timestamp: z.iso.datetime(),
});

const addFormats = addFormatsModule.default;
const spec: unknown = JSON.parse(readFileSync(new URL('../../specs/personio-v2-common-components.json', import.meta.url), 'utf8'));
const ajv = new Ajv({ allErrors: true, strictTypes: false });
addFormats(ajv);
// OpenAPI document keys and annotations ajv does not know; they carry no validation.
ajv.addVocabulary(['openapi', 'info', 'servers', 'paths', 'components', 'example', 'x-papi-gateway-errors']);
ajv.addSchema(spec as object, 'personio-common');
const component = (name: string): ValidateFunction => {
  const v = ajv.getSchema(`personio-common#/components/schemas/${name}`);
  if (!v) throw new Error(`component ${name} not found in personio-v2-common-components.json`);
  return v;
};
const specErrorResponse = component('ErrorResponse');
const specCreatedObject = component('CreatedObject');
const specMetaObject = component('MetaObject');

function expectSpec(validate: ValidateFunction, value: unknown) {
  const ok = validate(value);
  expect(ok, ajv.errorsText(validate.errors)).toBe(true);
}

const ACME = { clientId: 'acme-personio', clientSecret: 'acme-secret' };
let sandbox: RunningPersonioSandbox;
let token: string;

async function json(method: string, path: string, body?: unknown, auth = true): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = {};
  if (auth) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${sandbox.baseUrl}${path}`, { method, headers, body: typeof body === 'string' ? body : body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const period = (start: string, end: string | null, extra: Record<string, unknown> = {}) => ({
  person: { id: 'p-anna' },
  type: 'WORK',
  start: { date_time: start },
  end: end === null ? null : { date_time: end },
  ...extra,
});

beforeAll(async () => {
  sandbox = await startPersonioSandbox();
  sandbox.seed(
    personioSeed([
      {
        id: 'acme',
        credentials: ACME,
        persons: [
          { id: 'p-anna', email: 'anna@acme.example', first_name: 'Anna', last_name: 'Berg', status: 'ACTIVE', employee_number: '17' },
          { id: 'p-ben', email: null, first_name: 'Ben', last_name: null, status: 'INACTIVE' },
        ],
      },
    ]),
  );
  token = await fetchPersonioToken(sandbox.baseUrl, ACME);
  for (const p of [
    period('2026-11-20T08:00:00', '2026-11-20T12:00:00', { comment: 'on site', project: { id: 'prj-1' } }),
    period('2026-11-20T12:00:00', '2026-11-20T12:30:00', { type: 'BREAK' }),
    period('2026-11-21T00:00:00', '2026-11-21T00:00:00', { comment: 'Zeitausgleich' }),
    period('2026-11-22T08:00:00', null),
  ]) {
    expect((await json('POST', '/v2/attendance-periods?skip_approval=true', p)).status).toBe(201);
  }
});
afterAll(async () => {
  await sandbox.close();
});

describe('success responses match the strict wire schemas', () => {
  it('token', async () => {
    const res = await fetch(`${sandbox.baseUrl}/v2/auth/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: ACME.clientId, client_secret: ACME.clientSecret }),
    });
    Strict.token.parse(await res.json());
  });

  it('persons list with next link, and one person', async () => {
    const list = await json('GET', '/v2/persons?limit=1');
    const parsed = Strict.persons.parse(list.body) as z.infer<typeof PersonsList>;
    expect(parsed._meta?.links?.next?.href).toBeDefined();
    expectSpec(specMetaObject, parsed._meta);
    Strict.person.parse((await json('GET', '/v2/persons/p-ben')).body);
  });

  it('attendance periods list and single periods (project, break, zero-length, open)', async () => {
    const list = await json('GET', '/v2/attendance-periods?limit=3');
    const parsed = Strict.periods.parse(list.body) as z.infer<typeof AttendancePeriodsList>;
    expect(parsed._data).toHaveLength(3);
    expectSpec(specMetaObject, parsed._meta);
    const all = Strict.periods.parse((await json('GET', '/v2/attendance-periods')).body) as z.infer<typeof AttendancePeriodsList>;
    for (const p of all._data) Strict.period.parse((await json('GET', `/v2/attendance-periods/${p.id}`)).body);
    expect(all._data.map((p) => p.end?.date_time ?? null)).toContain(null);
  });

  it('created', async () => {
    const res = await json('POST', '/v2/attendance-periods', period('2026-11-23T08:00:00', '2026-11-23T09:00:00'));
    expect(res.status).toBe(201);
    Strict.created.parse(res.body);
    expectSpec(specCreatedObject, res.body);
  });
});

describe('error responses match the strict schema and the spec ErrorResponse', () => {
  const cases: [string, () => Promise<{ status: number; body: unknown }>, number][] = [
    ['invalid JSON', () => json('POST', '/v2/attendance-periods', '{'), 400],
    ['several invalid fields', () => json('POST', '/v2/attendance-periods', { type: 'NAP', start: { date_time: '2026-11-20T08:00:00Z' } }), 400],
    ['missing token', () => json('GET', '/v2/persons', undefined, false), 401],
    ['unknown period', () => json('GET', '/v2/attendance-periods/nope'), 404],
    ['unknown route', () => json('GET', '/v2/unknown'), 404],
    ['business rule', () => json('POST', '/v2/attendance-periods', period('2026-11-20T09:00:00', '2026-11-20T08:00:00')), 422],
    ['overlap', () => json('POST', '/v2/attendance-periods', period('2026-11-20T09:00:00', '2026-11-20T10:00:00')), 422],
  ];

  it.each(cases)('%s', async (_label, send, status) => {
    const res = await send();
    expect(res.status).toBe(status);
    Strict.error.parse(res.body);
    CompleteErrorItems.parse(res.body);
    expectSpec(specErrorResponse, res.body);
  });

  it('the sandbox rate limiter', async () => {
    const before = sandbox.settings.rateLimitPerClient;
    sandbox.settings.rateLimitPerClient = 1;
    try {
      await json('GET', '/v2/persons');
      const res = await json('GET', '/v2/persons');
      expect(res.status).toBe(429);
      Strict.error.parse(res.body);
      CompleteErrorItems.parse(res.body);
      expectSpec(specErrorResponse, res.body);
    } finally {
      sandbox.settings.rateLimitPerClient = before;
    }
  });

  it('injected error and rate-limit faults', async () => {
    sandbox.faults.add({ route: 'GET /v2/persons/:id', times: 1, fault: { kind: 'error', status: 503 } });
    // `after` keeps the second rule from firing on the same request as the first.
    sandbox.faults.add({ route: 'GET /v2/persons/:id', times: 1, after: 1, fault: { kind: 'rate-limit', retryAfterSeconds: 2 } });
    for (const expected of [503, 429, 200]) {
      const res = await json('GET', '/v2/persons/p-anna');
      expect(res.status).toBe(expected);
      if (expected === 200) continue;
      Strict.error.parse(res.body);
      CompleteErrorItems.parse(res.body);
      expectSpec(specErrorResponse, res.body);
    }
  });
});

describe('the checks have teeth', () => {
  it('strict schemas reject an extra field at the top and deep inside a real response', async () => {
    const real = (await json('GET', '/v2/attendance-periods?limit=1')).body as { _data: Record<string, unknown>[] };
    const first = real._data[0]!;
    expect(Strict.period.safeParse(first).success).toBe(true);
    expect(Strict.period.safeParse({ ...first, approval_status: 'x' }).success).toBe(false);
    expect(Strict.period.safeParse({ ...first, person: { id: 'p-anna', name: 'Anna' } }).success).toBe(false);
    expect(Strict.periods.safeParse({ ...real, _meta: { links: {}, total: 3 } }).success).toBe(false);
    // The lenient shared schema would let those through, which is why the strict variant exists.
    expect(AttendancePeriod.safeParse({ ...first, approval_status: 'x' }).success).toBe(true);
  });

  it('strict schemas reject a date-time with offset in a response', async () => {
    const first = ((await json('GET', '/v2/attendance-periods?limit=1')).body as { _data: Record<string, unknown>[] })._data[0]!;
    expect(Strict.period.safeParse({ ...first, start: { date_time: '2026-11-20T08:00:00Z' } }).success).toBe(false);
  });

  it('the spec ErrorResponse rejects a non-URI type, a bad timestamp and non-string _meta values', async () => {
    const real = (await json('GET', '/v2/attendance-periods/nope')).body as { timestamp: string; errors: Record<string, unknown>[] };
    expect(specErrorResponse(real)).toBe(true);
    const item = real.errors[0]!;
    expect(specErrorResponse({ ...real, errors: [{ ...item, type: 'not a uri' }] })).toBe(false);
    expect(specErrorResponse({ ...real, timestamp: 'yesterday' })).toBe(false);
    expect(specErrorResponse({ ...real, errors: [{ ...item, _meta: { field: 1 } }] })).toBe(false);
  });

  it('the spec MetaObject rejects a relative link, which is why next links are absolute', () => {
    expect(specMetaObject({ links: { next: { href: 'http://127.0.0.1:1/v2/persons?cursor=x' } } })).toBe(true);
    expect(specMetaObject({ links: { next: { href: '/v2/persons?cursor=x' } } })).toBe(false);
  });
});
