/**
 * Every fault kind on timr routes, installed through the control API and observed over HTTP.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Problem, WorkingTime } from '../../src/clients/timr/schemas.js';
import type { FaultRuleInput } from '../../src/sandbox/faults.js';
import type { LoggedRequest } from '../../src/sandbox/request-log.js';
import { exampleTimrTenant } from '../../src/sandbox/timr/example-tenant.js';
import { startTimrSandbox, type RunningTimrSandbox } from '../../src/sandbox/timr/harness.js';

const A = 'acme';
const B = 'bravo';
const LIST = 'GET /v1/working-times';
const PATCH = 'PATCH /v1/working-times/:id';

async function addFault(s: RunningTimrSandbox, rule: FaultRuleInput): Promise<void> {
  const res = await fetch(`${s.origin}/_sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rule) });
  expect(res.status, await res.clone().text()).toBe(201);
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0 };
}

async function problem(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  return Problem.parse(await res.json());
}

describe('timr sandbox: faults', () => {
  let s: RunningTimrSandbox;
  let tokenA: string;
  let tokenB: string;
  const asA = () => ({ auth: { token: tokenA } });
  const get = async (id: string) => WorkingTime.parse(await (await s.call('GET', `/v1/working-times/${id}`, asA())).json());

  beforeAll(async () => {
    s = await startTimrSandbox({ faultSeed: 7 });
  });
  beforeEach(async () => {
    await s.seed({ tenants: [exampleTimrTenant({ id: A }), exampleTimrTenant({ id: B })] });
    tokenA = await s.token(A);
    tokenB = await s.token(B);
  });
  afterEach(async () => {
    await fetch(`${s.origin}/_sandbox/faults`, { method: 'DELETE' });
  });
  afterAll(() => s.close());

  it('latency: a fixed delay', async () => {
    await addFault(s, { tenantId: A, route: LIST, fault: { kind: 'latency', minMs: 300 } });
    const slow = await timed(() => s.call('GET', '/v1/working-times', asA()));
    expect(slow.value.status).toBe(200);
    expect(slow.ms).toBeGreaterThanOrEqual(295);
    const other = await timed(() => s.call('GET', '/v1/working-times', { auth: { token: tokenB } }));
    expect(other.ms).toBeLessThan(250);
  });

  it('latency: a random delay within the bounds', async () => {
    await addFault(s, { route: LIST, fault: { kind: 'latency', minMs: 60, maxMs: 240 } });
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await timed(() => s.call('GET', '/v1/working-times', asA()));
      expect(r.value.status).toBe(200);
      delays.push(r.ms);
    }
    for (const ms of delays) {
      expect(ms).toBeGreaterThanOrEqual(55);
      expect(ms).toBeLessThan(240 + 200);
    }
  });

  it('error: a burst of `times` errors as problem+json, then normal service', async () => {
    await addFault(s, { tenantId: A, route: LIST, times: 2, fault: { kind: 'error', status: 503 } });
    for (let i = 0; i < 2; i++) {
      const p = await problem(await s.call('GET', '/v1/working-times', asA()), 503);
      expect(p.type).toBe('https://errors.timr.com/internal');
      expect(p.timestamp).toBeDefined();
    }
    expect((await s.call('GET', '/v1/working-times', asA())).status).toBe(200);
  });

  it('error: `after` lets the first requests through', async () => {
    await addFault(s, { tenantId: A, route: LIST, after: 1, times: 1, fault: { kind: 'error', status: 500 } });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await s.call('GET', '/v1/working-times', asA())).status);
    expect(statuses).toEqual([200, 500, 200]);
  });

  it('rate-limit: 429 with Retry-After, and without it', async () => {
    await addFault(s, { tenantId: A, route: LIST, times: 1, fault: { kind: 'rate-limit', retryAfterSeconds: 7 } });
    const withHeader = await s.call('GET', '/v1/working-times', asA());
    expect(withHeader.headers.get('retry-after')).toBe('7');
    expect((await problem(withHeader, 429)).type).toBe('https://errors.timr.com/rate-limit/too-many-requests');

    await addFault(s, { tenantId: A, route: LIST, times: 1, fault: { kind: 'rate-limit', retryAfterSeconds: null } });
    const without = await s.call('GET', '/v1/working-times', asA());
    expect(without.headers.get('retry-after')).toBeNull();
    await problem(without, 429);
    expect((await s.call('GET', '/v1/working-times', asA())).status).toBe(200);
  });

  it('reset: the connection drops before the handler runs, nothing changes', async () => {
    const before = await get(`${A}-wt-1`);
    await addFault(s, { tenantId: A, route: PATCH, times: 1, fault: { kind: 'reset' } });
    await expect(s.call('PATCH', `/v1/working-times/${A}-wt-1`, { ...asA(), body: { status: 'locked' } })).rejects.toThrow();
    expect(await get(`${A}-wt-1`)).toEqual(before);
  });

  it('conflict: 409 conflict/resource-outdated and the entry is unchanged', async () => {
    const before = await get(`${A}-wt-1`);
    await addFault(s, { tenantId: A, route: PATCH, times: 1, fault: { kind: 'conflict' } });
    const p = await problem(await s.call('PATCH', `/v1/working-times/${A}-wt-1`, { ...asA(), body: { status: 'locked' } }), 409);
    expect(p.type).toBe('https://errors.timr.com/conflict/resource-outdated');
    expect(p.instance).toBe(`/working-times/${A}-wt-1`);
    expect(await get(`${A}-wt-1`)).toEqual(before);
  });

  it('commit-then-drop (reset): the PATCH took effect but the client saw a socket error', async () => {
    await addFault(s, { tenantId: A, route: PATCH, times: 1, fault: { kind: 'commit-then-drop', mode: 'reset' } });
    await expect(s.call('PATCH', `/v1/working-times/${A}-wt-1`, { ...asA(), body: { status: 'locked', metadata: { personio_period_ids: ['p-1'] } } })).rejects.toThrow();
    const after = await get(`${A}-wt-1`);
    expect(after).toMatchObject({ status: 'locked', metadata: { personio_period_ids: ['p-1'] } });
  });

  it('commit-then-drop (timeout): the client hangs, then loses the connection; the write happened', async () => {
    await addFault(s, { tenantId: A, route: 'DELETE /v1/working-times/:id', times: 1, fault: { kind: 'commit-then-drop', mode: 'timeout', hangMs: 400 } });
    const t0 = performance.now();
    await expect(s.call('DELETE', `/v1/working-times/${A}-wt-2`, asA())).rejects.toThrow();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(390);
    const deleted = (await (await s.call('GET', '/v1/working-times:deleted', asA())).json()) as { data: { id: string }[] };
    expect(deleted.data.map((d) => d.id)).toEqual([`${A}-wt-2`]);
  });

  it('malformed (truncate): the lock took effect and the status is 200, but the body is not readable JSON', async () => {
    await addFault(s, { tenantId: A, route: PATCH, times: 1, fault: { kind: 'malformed', mode: 'truncate' } });
    const res = await s.call('PATCH', `/v1/working-times/${A}-wt-1`, { ...asA(), body: { status: 'locked', metadata: { personio_period_ids: ['p-1'] } } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/json/);
    const text = await res.text();
    expect(() => JSON.parse(text)).toThrow();
    expect(await get(`${A}-wt-1`)).toMatchObject({ status: 'locked', metadata: { personio_period_ids: ['p-1'] } });
  });

  it('malformed (html): a list page answered with an HTML error page under status 200', async () => {
    await addFault(s, { tenantId: A, route: LIST, times: 1, fault: { kind: 'malformed', mode: 'html' } });
    const spoiled = await s.call('GET', '/v1/working-times', asA());
    expect(spoiled.status).toBe(200);
    expect(await spoiled.text()).toMatch(/^<html>/);
    expect((await s.call('GET', '/v1/working-times', asA())).status).toBe(200);
  });

  it('malformed leaves error answers alone: a 404 keeps its problem body and the rule stays unfired', async () => {
    await addFault(s, { tenantId: A, route: PATCH, times: 1, fault: { kind: 'malformed' } });
    const p = await problem(await s.call('PATCH', `/v1/working-times/${A}-nope`, { ...asA(), body: { status: 'locked' } }), 404);
    expect(p.status).toBe(404);
    const rules = (await (await fetch(`${s.origin}/_sandbox/faults`)).json()) as { fired: number }[];
    expect(rules.map((r) => r.fired)).toEqual([0]);
  });

  it('concurrent-edit: an employee edit lands between the client’s read and its lock', async () => {
    const read = await get(`${A}-wt-1`);
    await addFault(s, {
      tenantId: A,
      route: PATCH,
      times: 1,
      fault: { kind: 'concurrent-edit', patch: { end: '2026-03-02T17:30:00+01:00', notes: 'Kundentermin Linz + Wels' } },
    });
    const res = await s.call('PATCH', `/v1/working-times/${A}-wt-1`, { ...asA(), body: { status: 'locked', metadata: { personio_period_ids: ['p-1'] } } });
    expect(res.status).toBe(200);
    const locked = WorkingTime.parse(await res.json());
    expect(locked).toMatchObject({ status: 'locked', changed: true, end: '2026-03-02T17:30:00+01:00', notes: 'Kundentermin Linz + Wels' });
    expect(locked.end).not.toBe(read.end);
    expect(locked.duration?.minutes).toBe((read.duration?.minutes ?? 0) + 60);
    expect(Date.parse(locked.last_modified)).toBeGreaterThan(Date.parse(read.last_modified));
  });

  it('scopes faults by tenant, including on the token endpoint (tenant of the client id)', async () => {
    await addFault(s, { tenantId: A, route: 'POST /id/oauth2/token', times: 1, fault: { kind: 'error', status: 503 } });
    await expect(s.token(B)).resolves.toEqual(expect.any(String));
    await expect(s.token(A)).rejects.toThrow(/503/);
    await expect(s.token(A)).resolves.toEqual(expect.any(String));
  });

  it('names the deletion feed route with fastify’s escaped colon', async () => {
    await addFault(s, { tenantId: A, route: 'GET /v1/working-times::deleted', times: 1, fault: { kind: 'error', status: 503 } });
    expect((await s.call('GET', '/v1/working-times:deleted', asA())).status).toBe(503);
    expect((await s.call('GET', '/v1/working-times:deleted', asA())).status).toBe(200);
  });

  it('never faults the control API', async () => {
    await addFault(s, { fault: { kind: 'error', status: 500 } });
    expect((await fetch(`${s.origin}/_sandbox/state`)).status).toBe(200);
    expect((await s.call('GET', '/v1/users', asA())).status).toBe(500);
  });

  it('fires probabilistic faults reproducibly for the same fault seed', async () => {
    const run = async () => {
      const other = await startTimrSandbox({ faultSeed: 1234 });
      try {
        await other.seed({ tenants: [exampleTimrTenant({ id: A })] });
        const token = await other.token(A);
        await addFault(other, { route: LIST, probability: 0.5, fault: { kind: 'error', status: 502 } });
        const statuses: number[] = [];
        for (let i = 0; i < 16; i++) statuses.push((await other.call('GET', '/v1/working-times', { auth: { token } })).status);
        return statuses;
      } finally {
        await other.close();
      }
    };
    const first = await run();
    expect(first).toContain(502);
    expect(first).toContain(200);
    expect(await run()).toEqual(first);
  });

  it('logs faulted requests with their tenant and status', async () => {
    await fetch(`${s.origin}/_sandbox/requests`, { method: 'DELETE' });
    await addFault(s, { tenantId: A, route: LIST, times: 1, fault: { kind: 'rate-limit', retryAfterSeconds: 1 } });
    await s.call('GET', '/v1/working-times', asA());
    await s.call('GET', '/v1/working-times', { auth: { token: tokenB } });
    const log = (await (await fetch(`${s.origin}/_sandbox/requests?tenant=${A}`)).json()) as LoggedRequest[];
    expect(log.map((r) => [r.tenantId, r.route, r.status])).toEqual([[A, '/v1/working-times', 429]]);
  });
});
