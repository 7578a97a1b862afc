/**
 * Maps a vendor's non-success HTTP response to the typed error that decides retry behaviour.
 * Pure (no I/O) so every status can be tested without a server.
 */
import { z } from 'zod';
import { Problem } from './timr/schemas.js';
import { ErrorResponse } from './personio/schemas.js';
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
  type VendorError,
} from './errors.js';
import { parseRetryAfterMs } from './retry-after.js';

export type Headers = Record<string, string | string[] | undefined>;

export interface RawResponse {
  status: number;
  headers: Headers;
  body: string;
}

/** OAuth2 token endpoint errors (RFC 6749 §5.2). */
const OAuthError = z.object({ error: z.string(), error_description: z.string().optional() });

const MAX_MESSAGE = 500;

export interface VendorMessages {
  messages: string[];
  traceId?: string;
  /** timr problem `type`, e.g. https://errors.timr.com/conflict/resource-outdated */
  problemType?: string;
}

function clip(text: string): string {
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text;
}

/**
 * The vendor's own explanation of a failure. An unreadable body is summarised by size only:
 * it might echo request content, and we do not know what is in it.
 */
export function vendorMessages(body: string): VendorMessages {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { messages: body.trim() === '' ? [] : [`(unreadable error body, ${body.length} bytes)`] };
  }
  // Problem first: its `errors` array may be empty, which would also pass as a Personio envelope.
  const problem = Problem.safeParse(json);
  if (problem.success) {
    const p = problem.data;
    const head = p.detail ?? p.title;
    const fields = (p.errors ?? []).map((e) => (e.field ? `${e.field}: ${e.detail}` : e.detail));
    return {
      messages: [head, ...fields].map(clip),
      problemType: p.type,
      ...(p.trace_id !== undefined && { traceId: p.trace_id }),
    };
  }
  const personio = ErrorResponse.safeParse(json);
  if (personio.success) {
    return {
      messages: personio.data.errors.map((e) => clip(e.detail ? `${e.title}: ${e.detail}` : e.title)),
      ...(personio.data.personio_trace_id !== undefined && { traceId: personio.data.personio_trace_id }),
    };
  }
  const oauth = OAuthError.safeParse(json);
  if (oauth.success) {
    return { messages: [clip(oauth.data.error_description ? `${oauth.data.error}: ${oauth.data.error_description}` : oauth.data.error)] };
  }
  return { messages: [`(error body in an unknown format, ${body.length} bytes)`] };
}

function header(headers: Headers, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * The error for a response whose status the caller did not expect. 401/403 map to
 * AuthRejectedError: callers that may refresh the token handle those statuses before asking.
 */
export function errorFromResponse(ctx: RequestContext, res: RawResponse, now: number = Date.now()): VendorError {
  const { messages, traceId, problemType } = vendorMessages(res.body);
  const info = { ...ctx, status: res.status, ...(traceId !== undefined && { traceId }) };
  const s = res.status;
  if (s === 429) {
    const retryAfterMs = parseRetryAfterMs(header(res.headers, 'retry-after'), now);
    return new RateLimitedError({ ...info, ...(retryAfterMs !== undefined && { retryAfterMs }) });
  }
  if (s >= 500 || s === 408) return new TransientError(info);
  if (s === 401 || s === 403) return new AuthRejectedError({ ...info, rejectedAt: 'api' });
  if (s === 404 || s === 410) return new NotFoundError(info);
  if (s === 409) return new ConflictError({ ...info, messages, ...(problemType !== undefined && { problemType }) });
  if (s === 302 || s === 303) {
    const location = header(res.headers, 'location');
    return new RedirectedToRequestError({ ...info, ...(location !== undefined && { location: stripQuery(location) }) });
  }
  if (s >= 400) return new ValidationRejectedError({ ...info, messages });
  return new ResponseShapeError({ ...info, issues: [`unexpected HTTP status ${s}`] });
}

/** Locations may carry signed query strings; the path is enough to find the request. */
function stripQuery(location: string): string {
  const q = location.indexOf('?');
  return q === -1 ? location : location.slice(0, q);
}

/** Readable issue list from a zod error: offending field paths and what was wrong, no values. */
export function describeIssues(error: z.ZodError, limit = 10): string[] {
  const issues = error.issues.slice(0, limit).map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`);
  if (error.issues.length > limit) issues.push(`… and ${error.issues.length - limit} more`);
  return issues;
}
