/**
 * Real sandbox responses validated against the vendor's OpenAPI document (specs/timr-v1-openapi.yaml)
 * with ajv. OpenAPI 3.0 is not quite JSON Schema, so the schemas are translated first:
 * `nullable: true` becomes a union with null, and `discriminator` becomes a oneOf whose branches
 * pin the discriminator value (without that, an automatic break also matches the manual one).
 */
import path from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkingTime } from '../../src/clients/timr/schemas.js';
import { EXAMPLE_TYPE_IDS, exampleTimrTenant } from '../../src/sandbox/timr/example-tenant.js';
import { startTimrSandbox, type RunningTimrSandbox } from '../../src/sandbox/timr/harness.js';

const SPEC = path.resolve(import.meta.dirname, '../../specs/timr-v1-openapi.yaml');
// ajv-formats is CommonJS; its function is also exposed as `.default`, which is what TypeScript sees.
const addFormats = addFormatsModule.default;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** OpenAPI 3.0 schema object → JSON Schema (draft 7) that ajv understands. */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!isObject(node)) return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'nullable' || key === 'discriminator' || key === 'example' || key === 'examples') continue;
    out[key] = toJsonSchema(value);
  }
  const discriminator = node.discriminator;
  if (isObject(discriminator) && isObject(discriminator.mapping) && typeof discriminator.propertyName === 'string') {
    const prop = discriminator.propertyName;
    out.oneOf = Object.entries(discriminator.mapping).map(([value, ref]) => ({
      allOf: [{ $ref: ref }],
      properties: { [prop]: { const: value } },
      required: [prop],
    }));
  }
  if (node.nullable === true) {
    if (typeof out.type === 'string' && out.enum === undefined) return { ...out, type: [out.type, 'null'] };
    return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

interface SpecDoc {
  paths: Record<string, Record<string, { responses: Record<string, Json> }>>;
  components: { responses: Record<string, Json>; schemas: Record<string, unknown> };
}

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

class SpecValidator {
  private readonly cache = new Map<string, ValidateFunction>();
  constructor(
    private readonly ajv: Ajv,
    private readonly doc: SpecDoc,
  ) {}

  static async load(): Promise<SpecValidator> {
    const api = (await SwaggerParser.parse(SPEC)) as unknown as SpecDoc;
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31 });
    ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
    const converted = { paths: toJsonSchema(api.paths), components: toJsonSchema(api.components) };
    ajv.addSchema(converted, 'timr');
    return new SpecValidator(ajv, api);
  }

  private compile(ref: string): ValidateFunction {
    let fn = this.cache.get(ref);
    if (!fn) {
      fn = this.ajv.compile({ $ref: `timr#/${ref}` });
      this.cache.set(ref, fn);
    }
    return fn;
  }

  /** Validator for the response body the spec declares for this operation and status. */
  forResponse(specPath: string, method: string, status: number): ValidateFunction {
    const responses = this.doc.paths[specPath]?.[method]?.responses;
    const response = responses?.[String(status)];
    if (!response) throw new Error(`the spec declares no ${status} response for ${method.toUpperCase()} ${specPath}`);
    let base = pointer('paths', specPath, method, 'responses', String(status));
    let resolved = response;
    if (typeof response.$ref === 'string') {
      const name = response.$ref.split('/').pop()!;
      base = pointer('components', 'responses', name);
      resolved = this.doc.components.responses[name]!;
    }
    const content = resolved.content as Json;
    const mediaType = Object.keys(content)[0]!;
    return this.compile(`${base}/${pointer('content', mediaType, 'schema')}`);
  }

  forSchema(name: string): ValidateFunction {
    if (!(name in this.doc.components.schemas)) throw new Error(`no schema ${name} in the spec`);
    return this.compile(pointer('components', 'schemas', name));
  }

  responseHeader(specPath: string, method: string, status: number, header: string): ValidateFunction {
    return this.compile(pointer('paths', specPath, method, 'responses', String(status), 'headers', header, 'schema'));
  }
}

function expectValid(validate: ValidateFunction, body: unknown): void {
  const ok = validate(body);
  expect(ok, JSON.stringify(validate.errors, null, 2)).toBe(true);
}

const A = 'acme';

describe('timr sandbox conforms to the vendor OpenAPI spec', () => {
  let spec: SpecValidator;
  let s: RunningTimrSandbox;
  const auth = { auth: { tenant: A } };
  const json = async (res: Response, status: number): Promise<unknown> => {
    expect(res.status, await res.clone().text()).toBe(status);
    return res.json();
  };

  beforeAll(async () => {
    spec = await SpecValidator.load();
    s = await startTimrSandbox();
    const seed = exampleTimrTenant({ id: A });
    // A paused entry with an ongoing break covers the third break shape.
    const paused: WorkingTime = {
      ...seed.timr.workingTimes[0]!,
      id: `${A}-paused`,
      start: '2026-03-12T08:00:00+01:00',
      end: null,
      duration: null,
      status: 'paused',
      break_times: [{ type: 'ongoing', start: '2026-03-12T10:00:00+01:00' }],
      break_time_total_minutes: 0,
    };
    seed.timr.workingTimes.push(paused);
    await s.seed({ tenants: [seed] });
    // An automatic break, as timr deducts them.
    const res = await fetch(`${s.origin}/_sandbox/tenants/${A}/working-times/${A}-wt-1`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        break_times: [
          { type: 'automatic', start: '2026-03-02T12:00:00+01:00', end: '2026-03-02T12:30:00+01:00' },
          { type: 'manual', duration_minutes: 15 },
        ],
      }),
    });
    expect(res.status).toBe(200);
  });
  afterAll(() => s?.close());

  it('working-times page, single working time and PATCH result', async () => {
    const list = (await json(await s.call('GET', '/v1/working-times?limit=500', auth), 200)) as { data: WorkingTime[] };
    expect(list.data.map((w) => w.break_times.map((b) => b.type)).flat()).toEqual(expect.arrayContaining(['manual', 'automatic', 'ongoing']));
    expectValid(spec.forResponse('/working-times', 'get', 200), list);
    expectValid(spec.forResponse('/working-times/{id}', 'get', 200), await json(await s.call('GET', `/v1/working-times/${A}-wt-1`, auth), 200));
    const patched = await json(await s.call('PATCH', `/v1/working-times/${A}-wt-2`, { ...auth, body: { status: 'locked', metadata: { personio_period_ids: ['x'] } } }), 200);
    expectValid(spec.forResponse('/working-times/{id}', 'patch', 200), patched);
  });

  it('302 for a by-request type carries a Location URI', async () => {
    const res = await s.call('PATCH', `/v1/working-times/${A}-wt-6`, { ...auth, body: { notes: 'x' } });
    expect(res.status).toBe(302);
    expectValid(spec.responseHeader('/working-times/{id}', 'patch', 302, 'Location'), res.headers.get('location'));
  });

  it('deleted working-times page', async () => {
    expect((await s.call('DELETE', `/v1/working-times/${A}-wt-4`, auth)).status).toBe(204);
    await fetch(`${s.origin}/_sandbox/tenants/${A}/working-times/${A}-wt-5`, { method: 'DELETE' });
    const page = (await json(await s.call('GET', '/v1/working-times:deleted', auth), 200)) as { data: unknown[] };
    expect(page.data).toHaveLength(2);
    expectValid(spec.forResponse('/working-times:deleted', 'get', 200), page);
  });

  it('working-time types page, users page, one user, created user', async () => {
    expectValid(spec.forResponse('/working-time-types', 'get', 200), await json(await s.call('GET', '/v1/working-time-types', auth), 200));
    expectValid(spec.forResponse('/working-time-types/{id}', 'get', 200), await json(await s.call('GET', `/v1/working-time-types/${EXAMPLE_TYPE_IDS.vacation}`, auth), 200));
    expectValid(spec.forResponse('/users', 'get', 200), await json(await s.call('GET', '/v1/users', auth), 200));
    expectValid(spec.forResponse('/users/{id}', 'get', 200), await json(await s.call('GET', `/v1/users/${A}-user-1`, auth), 200));
    const created = await json(await s.call('POST', '/v1/users', { ...auth, body: { login: 'only.login' } }), 201);
    expectValid(spec.forResponse('/users', 'post', 201), created);
  });

  it('400, 401, 404, 409, 422 and injected 429/503 problem bodies', async () => {
    const badQuery = await json(await s.call('GET', '/v1/working-times?statuses=nope&limit=0', auth), 400);
    expectValid(spec.forResponse('/working-times', 'get', 400), badQuery);
    const badBody = await json(await s.call('PATCH', `/v1/working-times/${A}-wt-1`, { ...auth, body: { end: 'yesterday', extra: 1 } }), 400);
    expectValid(spec.forResponse('/working-times/{id}', 'patch', 400), badBody);
    const ruleOnly = await json(await s.call('PATCH', `/v1/working-times/${A}-wt-7`, { ...auth, body: { status: 'changeable' } }), 400);
    expectValid(spec.forResponse('/working-times/{id}', 'patch', 400), ruleOnly);

    // The spec declares no 401 response per operation; the body is its common Error shape.
    expectValid(spec.forSchema('Error'), await json(await s.call('GET', '/v1/working-times', { auth: { token: 'nope' } }), 401));

    expectValid(spec.forResponse('/working-times/{id}', 'get', 404), await json(await s.call('GET', '/v1/working-times/missing', auth), 404));

    const ruleId = (await (
      await fetch(`${s.origin}/_sandbox/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tenantId: A, route: 'PATCH /v1/working-times/:id', times: 1, fault: { kind: 'conflict' } }),
      })
    ).json()) as { id: string };
    expect(ruleId.id).toBeDefined();
    expectValid(spec.forResponse('/working-times/{id}', 'patch', 409), await json(await s.call('PATCH', `/v1/working-times/${A}-wt-1`, { ...auth, body: { status: 'locked' } }), 409));

    expectValid(spec.forResponse('/working-times/{id}', 'patch', 422), await json(await s.call('PATCH', `/v1/working-times/${A}-wt-3`, { ...auth, body: { notes: 'edit' } }), 422));
    expectValid(spec.forResponse('/working-times/{id}', 'patch', 422), await json(await s.call('PATCH', `/v1/working-times/${A}-wt-1`, { ...auth, body: { working_time_type_id: 'ghost' } }), 422));
    expectValid(spec.forResponse('/users', 'post', 422), await json(await s.call('POST', '/v1/users', { ...auth, body: { login: 'anna.berger' } }), 422));

    for (const fault of [{ kind: 'rate-limit', retryAfterSeconds: 2 }, { kind: 'error', status: 503 }]) {
      await fetch(`${s.origin}/_sandbox/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tenantId: A, route: 'GET /v1/users', times: 1, fault }),
      });
      const res = await s.call('GET', '/v1/users', auth);
      expect([429, 503]).toContain(res.status);
      expectValid(spec.forSchema('Error'), await res.json());
    }
  });

  it('the validator rejects wrongly shaped responses (so the checks above can fail)', async () => {
    const good = (await json(await s.call('GET', '/v1/working-times?limit=3', auth), 200)) as { data: Json[]; next_page_token: string | null };
    const validate = spec.forResponse('/working-times', 'get', 200);
    expectValid(validate, good);

    const mutants: [string, (page: typeof good) => void][] = [
      ['missing last_modified_by', (p) => delete p.data[0]!.last_modified_by],
      ['unknown status', (p) => (p.data[0]!.status = 'done')],
      ['null start (only end is nullable)', (p) => (p.data[0]!.start = null)],
      ['start without offset', (p) => (p.data[0]!.start = '2026-03-02T08:00:00')],
      ['automatic break without end', (p) => ((p.data[0]!.break_times as unknown[]) = [{ type: 'automatic', duration_minutes: 30, start: '2026-03-02T12:00:00+01:00' }])],
      ['break of unknown type', (p) => ((p.data[0]!.break_times as unknown[]) = [{ type: 'coffee', duration_minutes: 5 }])],
      ['missing next_page_token', (p) => delete (p as Partial<typeof good>).next_page_token],
    ];
    for (const [name, mutate] of mutants) {
      const copy = structuredClone(good);
      mutate(copy);
      expect(validate(copy), `mutant "${name}" should be rejected`).toBe(false);
    }

    const problem = (await json(await s.call('GET', '/v1/working-times/missing', auth), 404)) as Json;
    const withoutTimestamp = { ...problem };
    delete withoutTimestamp.timestamp;
    expect(spec.forSchema('Error')(withoutTimestamp)).toBe(false);
    expect(spec.forSchema('Error')({ ...problem, errors: [{ field: 'x' }] })).toBe(false);
  });
});
