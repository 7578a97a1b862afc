import { describe, expect, it } from 'vitest';
import {
  AuthRejectedError,
  ConflictError,
  NotFoundError,
  RateLimitedError,
  RedirectedToRequestError,
  ResponseShapeError,
  TransientError,
  ValidationRejectedError,
  type RequestContext,
} from '../../src/clients/errors.js';
import { errorFromResponse, vendorMessages } from '../../src/clients/response-errors.js';
import { parseRetryAfterMs } from '../../src/clients/retry-after.js';

const timrCtx: RequestContext = { vendor: 'timr', tenantId: 'acme', endpoint: 'PATCH /working-times/{id}', resourceId: 'wt-7' };
const personioCtx: RequestContext = { vendor: 'personio', tenantId: 'acme', endpoint: 'POST /v2/attendance-periods' };

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, headers, body: JSON.stringify(body) });

const personioError = (title: string, detail: string) => ({
  personio_trace_id: 'trace-123',
  timestamp: '2026-01-01T00:00:00Z',
  errors: [{ title, detail, type: 'https://developer.personio.de/reference/errors#x', _meta: {} }],
});

const timrProblem = (status: number, type: string, detail: string, errors: { field?: string; detail: string }[] = []) => ({
  type,
  title: 'Problem',
  status,
  detail,
  instance: '/v1/working-times/wt-7',
  timestamp: '2026-01-01T00:00:00Z',
  trace_id: 'timr-trace',
  errors,
});

describe('errorFromResponse', () => {
  it.each([500, 502, 503, 504, 408])('maps %i to TransientError', (status) => {
    const err = errorFromResponse(personioCtx, json(status, personioError('x', 'y')));
    expect(err).toBeInstanceOf(TransientError);
    expect(err.status).toBe(status);
  });

  it('maps 429 with delay-seconds Retry-After to RateLimitedError with the delay', () => {
    const err = errorFromResponse(personioCtx, json(429, personioError('Too Many Requests', 'slow down'), { 'retry-after': '7' }));
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfterMs).toBe(7000);
    expect(err.message).toContain('retry after 7 s');
  });

  it('maps 429 with an HTTP-date Retry-After relative to now', () => {
    const now = Date.parse('2026-03-01T10:00:00Z');
    const err = errorFromResponse(personioCtx, json(429, {}, { 'retry-after': 'Sun, 01 Mar 2026 10:00:12 GMT' }), now);
    expect((err as RateLimitedError).retryAfterMs).toBe(12_000);
  });

  it('maps 429 without Retry-After to RateLimitedError without a delay', () => {
    const err = errorFromResponse(personioCtx, json(429, {}));
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfterMs).toBeUndefined();
  });

  it('carries Personio title and detail into ValidationRejectedError for 422 and 400', () => {
    for (const status of [400, 422]) {
      const err = errorFromResponse(personioCtx, json(status, personioError('Unprocessable Entity', 'Start date greater than end date')));
      expect(err).toBeInstanceOf(ValidationRejectedError);
      expect((err as ValidationRejectedError).messages).toEqual(['Unprocessable Entity: Start date greater than end date']);
      expect(err.message).toContain('Start date greater than end date');
      expect(err.message).toContain('"acme"');
      expect(err.traceId).toBe('trace-123');
    }
  });

  it('carries timr problem detail and field errors into ValidationRejectedError', () => {
    const body = timrProblem(400, 'https://errors.timr.com/validation/invalid', 'Request is invalid', [
      { field: 'end', detail: 'must be after start' },
      { detail: 'break outside entry' },
    ]);
    const err = errorFromResponse(timrCtx, json(400, body)) as ValidationRejectedError;
    expect(err).toBeInstanceOf(ValidationRejectedError);
    expect(err.messages).toEqual(['Request is invalid', 'end: must be after start', 'break outside entry']);
    expect(err.message).toContain('(id wt-7)');
    expect(err.message).toContain('PATCH /working-times/{id}');
  });

  it('maps timr 409 to ConflictError with the problem type', () => {
    const err = errorFromResponse(
      timrCtx,
      json(409, timrProblem(409, 'https://errors.timr.com/conflict/resource-outdated', 'modified meanwhile')),
    ) as ConflictError;
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.problemType).toBe('https://errors.timr.com/conflict/resource-outdated');
    expect(err.messages).toEqual(['modified meanwhile']);
  });

  it('maps 404 and 410 to NotFoundError', () => {
    expect(errorFromResponse(timrCtx, json(404, {}))).toBeInstanceOf(NotFoundError);
    expect(errorFromResponse(timrCtx, json(410, {}))).toBeInstanceOf(NotFoundError);
  });

  it('maps 401/403 to AuthRejectedError naming the tenant and the fix', () => {
    const err = errorFromResponse(personioCtx, json(401, personioError('Unauthorized', 'bad token'))) as AuthRejectedError;
    expect(err).toBeInstanceOf(AuthRejectedError);
    expect(err.rejectedAt).toBe('api');
    expect(err.message).toContain('Store new Personio credentials for tenant "acme", then resume');
    const forbidden = errorFromResponse(personioCtx, json(403, {}));
    expect(forbidden).toBeInstanceOf(AuthRejectedError);
    expect(forbidden.message).toContain('grant them access to POST /v2/attendance-periods in Personio');
    expect(err.message).not.toContain('grant them access');
  });

  it('maps timr 302 to RedirectedToRequestError without the Location query string', () => {
    const err = errorFromResponse(timrCtx, { status: 302, headers: { location: 'https://api.timr.com/v1/working-time-requests/r1?sig=abc' }, body: '' });
    expect(err).toBeInstanceOf(RedirectedToRequestError);
    expect((err as RedirectedToRequestError).location).toBe('https://api.timr.com/v1/working-time-requests/r1');
    expect(err.message).not.toContain('sig=abc');
  });

  it('maps other 4xx to ValidationRejectedError and unexpected 2xx/1xx to ResponseShapeError', () => {
    expect(errorFromResponse(personioCtx, json(415, {}))).toBeInstanceOf(ValidationRejectedError);
    expect(errorFromResponse(personioCtx, json(204, {}))).toBeInstanceOf(ResponseShapeError);
  });
});

describe('vendorMessages', () => {
  it('does not echo an unreadable body, only its size', () => {
    const body = 'client_secret=hunter2&grant_type=client_credentials';
    const m = vendorMessages(body);
    expect(m.messages.join(' ')).not.toContain('hunter2');
    expect(m.messages[0]).toContain(`${body.length} bytes`);
  });

  it('reads OAuth error bodies', () => {
    expect(vendorMessages(JSON.stringify({ error: 'invalid_client', error_description: 'unknown client' })).messages).toEqual([
      'invalid_client: unknown client',
    ]);
  });

  it('clips very long vendor messages', () => {
    const m = vendorMessages(JSON.stringify(personioError('T', 'x'.repeat(5000))));
    expect(m.messages[0]!.length).toBeLessThan(600);
  });
});

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2026-03-01T10:00:00Z');
  it.each([
    ['0', 0],
    ['3', 3000],
    [' 12 ', 12_000],
    ['Sun, 01 Mar 2026 10:00:05 GMT', 5000],
    ['Sun, 01 Mar 2026 09:00:00 GMT', 0],
  ])('reads %j', (header, ms) => {
    expect(parseRetryAfterMs(header, now)).toBe(ms);
  });

  it.each([undefined, '', 'soon', '-1', '1.5'])('ignores %j', (header) => {
    expect(parseRetryAfterMs(header, now)).toBeUndefined();
  });
});
