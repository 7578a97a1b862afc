/**
 * Personio's error envelope: {personio_trace_id, timestamp, errors: [{title, detail, type, _meta}]}.
 * Handlers throw PersonioApiError; the server's error handler renders it. `type` links to
 * Personio's error reference; codes beyond the documented `common.*` ones are the sandbox's own.
 */
import { randomUUID } from 'node:crypto';
import type { ErrorResponse } from '../../clients/personio/schemas.js';

export type PersonioErrorBody = ErrorResponse;

const ERROR_DOCS = 'https://developer.personio.de/reference/errors#';

export interface ErrorSpec {
  title: string;
  detail: string;
  /** Error code appended to the reference URL, e.g. "common.requested_resource_not_found". */
  code: string;
  /** String-valued extras; the spec types `_meta` as a string map. */
  meta?: Record<string, string>;
}

export class PersonioApiError extends Error {
  constructor(
    readonly status: number,
    readonly items: ErrorSpec[],
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}: ${items.map((i) => `${i.title} — ${i.detail}`).join('; ')}`);
    this.name = 'PersonioApiError';
  }
}

const GENERIC: Record<number, { title: string; code: string }> = {
  400: { title: 'Bad Request', code: 'common.bad_request' },
  401: { title: 'Unauthorized', code: 'common.unauthorized' },
  403: { title: 'Forbidden', code: 'common.forbidden' },
  404: { title: 'Resource not found', code: 'common.requested_resource_not_found' },
  405: { title: 'Method Not Allowed', code: 'common.method_not_allowed' },
  409: { title: 'Conflict', code: 'common.conflict' },
  413: { title: 'Payload Too Large', code: 'common.payload_too_large' },
  415: { title: 'Unsupported Media Type', code: 'common.unsupported_media_type' },
  422: { title: 'Unprocessable Entity', code: 'common.unprocessable_entity' },
  429: { title: 'Too Many Requests', code: 'common.too_many_requests' },
  500: { title: 'Internal Server Error', code: 'common.internal_server_error' },
  502: { title: 'Bad Gateway', code: 'common.bad_gateway' },
  503: { title: 'Service Unavailable', code: 'common.service_unavailable' },
  504: { title: 'Gateway Timeout', code: 'common.gateway_timeout' },
};

/** The title/code Personio uses for a bare status, for errors that carry nothing more specific. */
export function genericError(status: number, detail: string, meta?: Record<string, string>): ErrorSpec {
  const g = GENERIC[status] ?? { title: `HTTP ${status}`, code: 'common.unknown_error' };
  return { title: g.title, code: g.code, detail, ...(meta ? { meta } : {}) };
}

export function renderErrorBody(items: ErrorSpec[], now: Date): PersonioErrorBody {
  return {
    personio_trace_id: randomUUID(),
    timestamp: now.toISOString(),
    errors: items.map((i) => ({ title: i.title, detail: i.detail, type: `${ERROR_DOCS}${i.code}`, _meta: { ...i.meta } })),
  };
}

export const badRequest = (detail: string, field?: string) =>
  new PersonioApiError(400, [genericError(400, detail, field ? { field } : undefined)]);

export const unauthorized = (detail: string) => new PersonioApiError(401, [genericError(401, detail)], { 'www-authenticate': 'Bearer' });

export const notFound = (detail: string) => new PersonioApiError(404, [genericError(404, detail)]);

/** A business-rule rejection: the title is what clients match on, so it is the vendor's wording. */
export const unprocessable = (title: string, detail: string, code: string, field?: string) =>
  new PersonioApiError(422, [{ title, detail, code, ...(field ? { meta: { field } } : {}) }]);

export function tooManyRequests(detail: string, retryAfterSeconds: number | undefined): PersonioApiError {
  const headers: Record<string, string> = retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) };
  return new PersonioApiError(429, [genericError(429, detail)], headers);
}
