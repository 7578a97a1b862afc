/**
 * RFC 9457 problem details the way timr renders them (`Error` in the vendor spec): a type URI
 * under https://errors.timr.com/, `timestamp` and `trace_id`, and per-field `errors` entries
 * whose `field` is a JSONPath into the body (`$.end`) or the bare name of a query parameter.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Problem } from '../../clients/timr/schemas.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const ERROR_BASE = 'https://errors.timr.com/';

export type ProblemEntry = NonNullable<Problem['errors']>[number];

/** Type URI from slugs, e.g. errorType('conflict', 'resource-outdated'). */
export function errorType(...slugs: string[]): string {
  return ERROR_BASE + slugs.join('/');
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function titleFor(status: number): string {
  return TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error');
}

/** Default type slug per status, for problems without a more specific rule name. */
export function defaultTypeFor(status: number): string {
  if (status === 400) return errorType('validation');
  if (status === 401) return errorType('unauthorized');
  if (status === 403) return errorType('forbidden');
  if (status === 404) return errorType('not-found');
  if (status === 409) return errorType('conflict', 'resource-outdated');
  if (status === 422) return errorType('validation');
  if (status === 429) return errorType('rate-limit', 'too-many-requests');
  return errorType('internal');
}

/** The API-relative path the problem is about, as timr reports it (without the /v1 base). */
function instanceOf(request: FastifyRequest): string {
  const path = request.url.split('?')[0] ?? request.url;
  return path.startsWith('/v1/') ? path.slice(3) : path;
}

export interface ProblemInput {
  status: number;
  type?: string;
  title?: string;
  detail: string;
  errors?: ProblemEntry[];
}

export function buildProblem(request: FastifyRequest, input: ProblemInput, now: Date): Problem {
  return {
    type: input.type ?? defaultTypeFor(input.status),
    title: input.title ?? titleFor(input.status),
    status: input.status,
    detail: input.detail,
    instance: instanceOf(request),
    timestamp: now.toISOString(),
    trace_id: randomBytes(8).toString('hex'),
    ...(input.errors && input.errors.length > 0 ? { errors: input.errors } : {}),
  };
}

export type ProblemSender = (reply: FastifyReply, input: ProblemInput) => FastifyReply;

/** Binds problem rendering to a clock so every route answers errors the same way. */
export function problemSender(now: () => Date): ProblemSender {
  return (reply, input) => reply.code(input.status).type(PROBLEM_CONTENT_TYPE).send(buildProblem(reply.request, input, now()));
}

/** A 400 for one or more invalid request parts, the shape timr uses for field validation. */
export function validationProblem(errors: ProblemEntry[], detail = 'Request validation failed'): ProblemInput {
  return { status: 400, type: errorType('validation'), detail, errors };
}
