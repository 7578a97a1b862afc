/**
 * The shared request pipeline against a minimal scripted HTTP server, for behaviour the vendor
 * sandboxes do not stage: timeouts, malformed bodies, foreign next-links, exact retry counts.
 */
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RateLimitedError, ResponseShapeError, TransientError, ValidationRejectedError } from '../../src/clients/errors.js';
import { PersonioClient } from '../../src/clients/personio/client.js';
import { RateLimiter } from '../../src/clients/rate-limiter.js';
import { TimrClient } from '../../src/clients/timr/client.js';
import { TokenCache } from '../../src/clients/token-cache.js';

type Handler = (req: FastifyRequest, reply: FastifyReply) => unknown;

const SECRET = 'stub-secret-Zq9';
let app: FastifyInstance;
let base: string;
let handler: Handler;
let hits: { method: string; url: string }[];
let tokensIssued: number;

beforeAll(async () => {
  app = Fastify();
  await app.register(formbody);
  const issueToken = async (req: FastifyRequest, reply: FastifyReply) => {
    const form = req.body as Record<string, string>;
    if (form.client_secret !== SECRET) return reply.code(401).send({ error: 'invalid_client' });
    tokensIssued++;
    return { access_token: `tok-${tokensIssued}`, token_type: 'Bearer', expires_in: 3600 };
  };
  app.post('/token', issueToken);
  app.post('/v2/auth/token', issueToken);
  app.all('/*', async (req, reply) => {
    hits.push({ method: req.method, url: req.url });
    return handler(req, reply);
  });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await app.close();
});

beforeEach(() => {
  hits = [];
  tokensIssued = 0;
});

const timr = (extra: Partial<ConstructorParameters<typeof TimrClient>[0]> = {}) =>
  new TimrClient({
    tenantId: 'acme',
    baseUrl: `${base}/v1`,
    tokenUrl: `${base}/token`,
    credentials: { clientId: 'c', clientSecret: SECRET },
    tokenCache: new TokenCache(),
    retryBackoffMs: 1,
    ...extra,
  });

const personio = (extra: Partial<ConstructorParameters<typeof PersonioClient>[0]> = {}) =>
  new PersonioClient({
    tenantId: 'acme',
    baseUrl: base,
    credentials: { clientId: 'c', clientSecret: SECRET },
    tokenCache: new TokenCache(),
    limiter: new RateLimiter({ ratePerSecond: 1000, burst: 1000 }),
    retryBackoffMs: 1,
    ...extra,
  });

const entry = (id: string) => ({
  id,
  start: '2026-03-02T08:00:00+01:00',
  end: '2026-03-02T16:00:00+01:00',
  break_time_total_minutes: 0,
  break_times: [],
  duration: null,
  changed: false,
  notes: null,
  user: { id: 'u1', firstname: 'A', lastname: 'B', fullname: 'A B', email: 'a@b.c', employee_number: null, external_id: null },
  working_time_type: { id: 't1', name: 'Work', external_id: null },
  status: 'changeable',
  last_modified: '2026-03-02T16:00:00Z',
});

describe('read retries', () => {
  it('retries a GET after a 503 and succeeds without the caller noticing', async () => {
    let n = 0;
    handler = (_req, reply) => (++n === 1 ? reply.code(503).send({}) : entry('wt-1'));
    const wt = await timr().getWorkingTime('wt-1');
    expect(wt.id).toBe('wt-1');
    expect(hits).toHaveLength(2);
  });

  it('gives up on a GET after two retries with TransientError', async () => {
    handler = (_req, reply) => reply.code(502).send({});
    await expect(timr().getWorkingTime('wt-1')).rejects.toBeInstanceOf(TransientError);
    expect(hits).toHaveLength(3);
  });

  it('never repeats a create on its own', async () => {
    handler = (_req, reply) => reply.code(503).send({});
    await expect(timr().createUser({ login: 'x', firstname: 'X', lastname: 'Y' })).rejects.toBeInstanceOf(TransientError);
    expect(hits.filter((h) => h.method === 'POST' && !h.url.includes('token'))).toHaveLength(1);
  });

  it('repeats the idempotent lock PATCH and a DELETE like a read', async () => {
    let n = 0;
    handler = (req, reply) => (req.method === 'PATCH' && ++n === 1 ? reply.code(503).send({}) : entry('wt-1'));
    expect((await timr().lockWorkingTime('wt-1', {})).id).toBe('wt-1');
    expect(hits.filter((h) => h.method === 'PATCH')).toHaveLength(2);
  });

  it('maps a timeout to TransientError (code ETIMEDOUT)', async () => {
    handler = async () => {
      await new Promise((r) => setTimeout(r, 500));
      return entry('wt-1');
    };
    const err = await timr({ timeoutMs: 100, retries: 0 }).getWorkingTime('wt-1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientError);
    expect((err as TransientError).code).toBe('ETIMEDOUT');
  });
});

describe('response shape', () => {
  it('names the endpoint and the offending field when a response does not match', async () => {
    handler = () => ({ ...entry('wt-1'), start: '2026-03-02 08:00' });
    const err = (await timr().getWorkingTime('wt-1').catch((e: unknown) => e)) as ResponseShapeError;
    expect(err).toBeInstanceOf(ResponseShapeError);
    expect(err.endpoint).toBe('GET /working-times/{id}');
    expect(err.issues.join()).toContain('start');
    expect(err.message).toContain('start');
    expect(err.message).toContain('"acme"');
  });

  it('rejects a body that is not JSON', async () => {
    handler = (_req, reply) => reply.type('text/html').send('<html>maintenance</html>');
    await expect(timr().getWorkingTime('wt-1')).rejects.toBeInstanceOf(ResponseShapeError);
  });

  it('refuses to follow a next-page link to another host (it would carry the token)', async () => {
    handler = () => ({ _data: [], _meta: { links: { next: { href: 'http://evil.example/v2/persons?cursor=x' } } } });
    const err = await personio()
      .findPersonsByEmail('a@b.c')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseShapeError);
    expect(String(err)).toContain('refusing to send credentials');
  });

  it('stops a timr pager that hands out the same token again', async () => {
    handler = () => ({ data: [entry('wt-1')], next_page_token: 'same' });
    const seen: string[] = [];
    const run = async () => {
      for await (const wt of timr().listWorkingTimes({})) seen.push(wt.id);
    };
    await expect(run()).rejects.toBeInstanceOf(ResponseShapeError);
    expect(seen).toHaveLength(2);
  });
});

describe('request building', () => {
  it('sends array filters as repeated keys, limit 500, and keeps filters while paging', async () => {
    handler = (req) => {
      const q = new URL(req.url, 'http://x').searchParams;
      return q.get('page_token') === null
        ? { data: [entry('wt-1')], next_page_token: 'p2' }
        : { data: [entry('wt-2')], next_page_token: null };
    };
    const ids: string[] = [];
    for await (const wt of timr().listWorkingTimes({ users: ['u1', 'u2'], statuses: ['changeable'], last_modified_after: '2026-03-01T00:00:00Z' })) {
      ids.push(wt.id);
    }
    expect(ids).toEqual(['wt-1', 'wt-2']);
    const [first, second] = hits.map((h) => new URL(h.url, 'http://x').searchParams);
    expect(first!.getAll('users')).toEqual(['u1', 'u2']);
    expect(first!.get('limit')).toBe('500');
    second!.delete('page_token');
    expect(second!.toString()).toBe(first!.toString());
  });

  it('rejects invalid filters and bodies before sending anything', async () => {
    expect(() => timr().listWorkingTimes({ start_from: '02.03.2026' })).toThrow(ValidationRejectedError);
    await expect(
      personio().createAttendancePeriod({ person: { id: 'p1' }, type: 'WORK', start: { date_time: '2026-03-02T08:00:00Z' }, end: null }),
    ).rejects.toBeInstanceOf(ValidationRejectedError);
    expect(hits).toHaveLength(0);
  });

  it('sends skip_approval=true and the partner/app headers', async () => {
    let seen: FastifyRequest | undefined;
    handler = (req, reply) => {
      seen = req;
      return reply.code(201).send({ id: 'period-1', _meta: { links: {} } });
    };
    const id = await personio({ partnerId: 'partner-9', appId: 'app-3' }).createAttendancePeriod({
      person: { id: 'p1' },
      type: 'WORK',
      start: { date_time: '2026-03-02T08:00:00' },
      end: { date_time: '2026-03-02T12:00:00' },
    });
    expect(id).toBe('period-1');
    expect(seen!.url).toBe('/v2/attendance-periods?skip_approval=true');
    expect(seen!.headers['personio-partner-id']).toBe('partner-9');
    expect(seen!.headers['personio-app-id']).toBe('app-3');
    expect(seen!.headers.authorization).toBe('Bearer tok-1');
  });
});

describe('rate limiting', () => {
  it('pauses the shared limiter for Retry-After on a 429', async () => {
    const limiter = new RateLimiter({ ratePerSecond: 1000, burst: 1000 });
    handler = (_req, reply) => reply.code(429).header('retry-after', '2').send({ errors: [{ title: 'Too Many Requests' }] });
    const before = Date.now();
    const err = await personio({ limiter, retries: 0 }).getAttendancePeriod('x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfterMs).toBe(2000);
    expect(limiter.pausedUntil).toBeGreaterThanOrEqual(before + 2000);
    // With no retries left the 429 goes to the caller (Temporal then waits nextRetryDelay).
    expect(hits).toHaveLength(1);
  });
});
