/**
 * Every fault kind on Personio routes over real HTTP, scoped by tenant and route, including
 * commit-then-drop: the write happened but the client only saw a broken connection.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CreatedResponse, ErrorResponse } from '../../src/clients/personio/schemas.js';
import type { FaultRuleInput } from '../../src/sandbox/faults.js';
import { fetchPersonioToken, personioSeed } from '../../src/sandbox/personio/fixtures.js';
import { startPersonioSandbox, type RunningPersonioSandbox } from '../../src/sandbox/personio/listen.js';
import type { LoggedRequest } from '../../src/sandbox/request-log.js';

const ACME = { clientId: 'acme-personio', clientSecret: 'acme-secret' };
const GLOBEX = { clientId: 'globex-personio', clientSecret: 'globex-secret' };
const POST_ROUTE = 'POST /v2/attendance-periods';

let sandbox: RunningPersonioSandbox;
let acme: string;
let globex: string;

const body = (start = '08:00', end = '12:00', person = 'p-anna') => ({
  person: { id: person },
  type: 'WORK',
  start: { date_time: `2026-11-20T${start}:00` },
  end: { date_time: `2026-11-20T${end}:00` },
});

function postPeriod(token = acme, payload: unknown = body()) {
  return fetch(`${sandbox.baseUrl}/v2/attendance-periods?skip_approval=true`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  });
}

const persons = (token = acme) => fetch(`${sandbox.baseUrl}/v2/persons`, { headers: { authorization: `Bearer ${token}` } });

async function addFault(rule: FaultRuleInput) {
  const res = await fetch(`${sandbox.baseUrl}/_sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rule) });
  expect(res.status).toBe(201);
}

async function requestLog(tenant: string): Promise<LoggedRequest[]> {
  return (await (await fetch(`${sandbox.baseUrl}/_sandbox/requests?tenant=${tenant}`)).json()) as LoggedRequest[];
}

beforeAll(async () => {
  sandbox = await startPersonioSandbox({ faultSeed: 7 });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(async () => {
  await fetch(`${sandbox.baseUrl}/_sandbox/reset`, { method: 'POST' });
  sandbox.seed(
    personioSeed([
      { id: 'acme', credentials: ACME, persons: [{ id: 'p-anna', email: 'anna@acme.example' }] },
      { id: 'globex', credentials: GLOBEX, persons: [{ id: 'g-dora', email: 'dora@globex.example' }] },
    ]),
  );
  acme = await fetchPersonioToken(sandbox.baseUrl, ACME);
  globex = await fetchPersonioToken(sandbox.baseUrl, GLOBEX);
});

describe('faults before the handler', () => {
  it('latency delays the answer', async () => {
    await addFault({ route: 'GET /v2/persons', fault: { kind: 'latency', minMs: 250 } });
    const t0 = performance.now();
    expect((await persons()).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(240);
  });

  it('an error burst answers the configured status in the Personio envelope, then clears; nothing is written', async () => {
    await addFault({ route: POST_ROUTE, times: 2, fault: { kind: 'error', status: 503 } });
    for (let i = 0; i < 2; i++) {
      const res = await postPeriod();
      expect(res.status).toBe(503);
      const err = ErrorResponse.parse(await res.json());
      expect(err.errors[0]?.title).toBe('Service Unavailable');
      expect(err.errors[0]?.type).toBe('https://developer.personio.de/reference/errors#common.service_unavailable');
    }
    expect(sandbox.store.periods('acme')).toHaveLength(0);
    expect((await postPeriod()).status).toBe(201);
  });

  it('a rate-limit fault answers 429 with the configured Retry-After, or none', async () => {
    await addFault({ route: POST_ROUTE, times: 1, fault: { kind: 'rate-limit', retryAfterSeconds: 7 } });
    await addFault({ route: 'GET /v2/persons', times: 1, fault: { kind: 'rate-limit', retryAfterSeconds: null } });
    const limited = await postPeriod();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(ErrorResponse.parse(await limited.json()).errors[0]?.title).toBe('Too Many Requests');
    const bare = await persons();
    expect(bare.status).toBe(429);
    expect(bare.headers.has('retry-after')).toBe(false);
    expect(sandbox.store.periods('acme')).toHaveLength(0);
  });

  it('a reset drops the connection before anything is written', async () => {
    await addFault({ route: POST_ROUTE, times: 1, fault: { kind: 'reset' } });
    await expect(postPeriod()).rejects.toThrow(/fetch failed/);
    expect(sandbox.store.periods('acme')).toHaveLength(0);
    expect((await postPeriod()).status).toBe(201);
  });

  it('faults are scoped to their tenant', async () => {
    await addFault({ tenantId: 'acme', route: '*', fault: { kind: 'error', status: 500 } });
    expect((await persons(acme)).status).toBe(500);
    expect((await persons(globex)).status).toBe(200);
  });

  it('a fault on the token endpoint hits only the tenant owning the client_id', async () => {
    await addFault({ tenantId: 'globex', route: 'POST /v2/auth/token', fault: { kind: 'error', status: 503 } });
    await expect(fetchPersonioToken(sandbox.baseUrl, GLOBEX)).rejects.toThrow(/HTTP 503/);
    await expect(fetchPersonioToken(sandbox.baseUrl, ACME)).resolves.toEqual(expect.any(String));
  });
});

describe('commit-then-drop', () => {
  it('reset mode: the period exists although the client saw a socket error, and a blind retry is refused as overlapping', async () => {
    await addFault({ tenantId: 'acme', route: POST_ROUTE, times: 1, fault: { kind: 'commit-then-drop', mode: 'reset' } });
    await expect(postPeriod()).rejects.toThrow(/fetch failed/);
    const stored = sandbox.store.periods('acme');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ person: { id: 'p-anna' }, start: { date_time: '2026-11-20T08:00:00' }, status: 'confirmed' });
    const retry = await postPeriod();
    expect(retry.status).toBe(422);
    expect(ErrorResponse.parse(await retry.json()).errors[0]?.title).toBe('Overlapping attendance periods');
    expect(sandbox.store.periods('acme')).toHaveLength(1);
  });

  it('timeout mode: the connection hangs for hangMs, then drops; the period exists', async () => {
    await addFault({ route: POST_ROUTE, times: 1, fault: { kind: 'commit-then-drop', mode: 'timeout', hangMs: 300 } });
    const t0 = performance.now();
    await expect(postPeriod()).rejects.toThrow(/fetch failed/);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
    expect(sandbox.store.periods('acme')).toHaveLength(1);
  });

  it('on DELETE the period is gone although the client saw an error; the retry gets 404', async () => {
    const created = await postPeriod();
    const { id } = CreatedResponse.parse(await created.json());
    await addFault({ route: 'DELETE /v2/attendance-periods/:id', times: 1, fault: { kind: 'commit-then-drop', mode: 'reset' } });
    const del = () => fetch(`${sandbox.baseUrl}/v2/attendance-periods/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${acme}` } });
    await expect(del()).rejects.toThrow(/fetch failed/);
    expect(sandbox.store.period('acme', id)).toBeUndefined();
    expect((await del()).status).toBe(404);
  });

  it('the request log counts dropped requests: committed ones with their status, pre-handler resets with 0', async () => {
    await addFault({ route: POST_ROUTE, times: 1, fault: { kind: 'commit-then-drop', mode: 'reset' } });
    await addFault({ route: 'GET /v2/persons', times: 1, fault: { kind: 'reset' } });
    await expect(postPeriod()).rejects.toThrow(/fetch failed/);
    await expect(persons()).rejects.toThrow(/fetch failed/);
    await expect.poll(async () => (await requestLog('acme')).filter((r) => r.dropped).length).toBe(2);
    const dropped = (await requestLog('acme')).filter((r) => r.dropped).map((r) => `${r.method} ${r.route} ${r.status}`);
    expect(dropped.sort()).toEqual(['GET /v2/persons 0', 'POST /v2/attendance-periods 201']);
  });

  it('the request log names the faults that fired on each request', async () => {
    await addFault({ route: POST_ROUTE, times: 1, fault: { kind: 'error', status: 503 } });
    // The 503 answer is no committed write, so the malformed rule waits for the next request.
    await addFault({ route: POST_ROUTE, times: 1, fault: { kind: 'malformed', mode: 'html' } });
    expect((await postPeriod()).status).toBe(503);
    expect((await postPeriod()).status).toBe(201);
    expect((await postPeriod(acme, body('13:00', '14:00'))).status).toBe(201);
    const posts = (await requestLog('acme')).filter((r) => r.method === 'POST' && r.route === '/v2/attendance-periods');
    expect(posts.map((r) => r.faults ?? [])).toEqual([['error 503'], ['malformed html'], []]);
  });

  it('the request log records the tenant and route of faulted requests', async () => {
    await addFault({ route: POST_ROUTE, times: 1, fault: { kind: 'error', status: 502 } });
    expect((await postPeriod()).status).toBe(502);
    expect((await postPeriod()).status).toBe(201);
    const posts = (await requestLog('acme')).filter((r) => r.route === '/v2/attendance-periods' && r.method === 'POST');
    expect(posts.map((r) => r.status)).toEqual([502, 201]);
    expect(await requestLog('globex')).toEqual([expect.objectContaining({ route: '/v2/auth/token', status: 200 })]);
  });
});

describe('malformed bodies', () => {
  const faultsList = async () => (await (await fetch(`${sandbox.baseUrl}/_sandbox/faults`)).json()) as { fault: { kind: string }; fired: number; seen: number }[];

  it('truncate: the period is created and the status is 201, but the body is cut-off JSON', async () => {
    await addFault({ route: POST_ROUTE, times: 1, fault: { kind: 'malformed', mode: 'truncate' } });
    const res = await postPeriod();
    expect(res.status).toBe(201);
    const text = await res.text();
    expect(text.length).toBeGreaterThan(0);
    expect(() => JSON.parse(text)).toThrow();
    expect(text.startsWith('{"id":"')).toBe(true);
    expect(sandbox.store.periods('acme')).toHaveLength(1);
    // The next answer is whole again.
    expect(CreatedResponse.safeParse(await (await postPeriod(acme, body('13:00', '14:00'))).json()).success).toBe(true);
  });

  it('html: a proxy error page with the write done and the status kept', async () => {
    await addFault({ route: POST_ROUTE, times: 1, fault: { kind: 'malformed', mode: 'html' } });
    const res = await postPeriod();
    expect(res.status).toBe(201);
    expect(await res.text()).toMatch(/^<html>/);
    expect(sandbox.store.periods('acme')).toHaveLength(1);
  });

  it('spares refusals and bodiless answers: a 422 keeps its error body, a 204 DELETE is not counted', async () => {
    const created = CreatedResponse.parse(await (await postPeriod()).json());
    await addFault({ route: POST_ROUTE, fault: { kind: 'malformed' } });
    await addFault({ route: 'DELETE /v2/attendance-periods/:id', fault: { kind: 'malformed' } });
    const refused = await postPeriod();
    expect(refused.status).toBe(422);
    expect(ErrorResponse.safeParse(await refused.json()).success).toBe(true);
    const del = await fetch(`${sandbox.baseUrl}/v2/attendance-periods/${created.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${acme}` } });
    expect(del.status).toBe(204);
    expect(sandbox.store.period('acme', created.id)).toBeUndefined();
    expect((await faultsList()).map((r) => r.fired)).toEqual([0, 0]);
  });

  it('commit-then-drop with committedOnly drops only answers of writes that took effect', async () => {
    await postPeriod();
    await addFault({ route: POST_ROUTE, times: 1, fault: { kind: 'commit-then-drop', committedOnly: true } });
    expect((await postPeriod()).status).toBe(422);
    await expect(postPeriod(acme, body('13:00', '14:00'))).rejects.toThrow(/fetch failed/);
    expect(sandbox.store.periods('acme')).toHaveLength(2);
    expect((await faultsList()).map((r) => [r.seen, r.fired])).toEqual([[1, 1]]);
  });
});
