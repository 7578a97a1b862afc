/**
 * Query-string parsing for timr list endpoints. Array filters accept both repeated keys
 * (`statuses=locked&statuses=approved`) and comma-separated values (`statuses=locked,approved`);
 * scalar parameters must appear once. Every invalid parameter becomes one `errors` entry that
 * names it, so a client sees all mistakes of a request at once.
 */
import { z } from 'zod';
import { TimrDateTime, TimrLocalDate } from '../../clients/timr/schemas.js';
import { DEFAULT_LIMIT, MAX_LIMIT, SortDirection } from './pagination.js';
import { errorType, type ProblemEntry } from './problems.js';

/** A scalar parameter: repeating it is an error rather than a silent pick of one value. */
export function once<T extends z.ZodType>(schema: T) {
  return z.preprocess((value, ctx) => {
    if (Array.isArray(value)) {
      ctx.addIssue({ code: 'custom', message: 'is given more than once; pass it a single time' });
      return z.NEVER;
    }
    return value;
  }, schema);
}

function splitList(value: unknown): unknown {
  if (value === undefined) return undefined;
  const parts = (Array.isArray(value) ? value : [value]).flatMap((v) => String(v).split(','));
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

/** An array parameter, repeated or comma-separated. */
export function list<T extends z.ZodType>(item: T) {
  return z.preprocess(splitList, z.array(item).optional());
}

function isCalendarDate(value: string): boolean {
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

export const localDateParam = once(
  TimrLocalDate.refine(isCalendarDate, { error: 'must be a calendar date YYYY-MM-DD, e.g. 2026-07-16' }).optional(),
);

export const dateTimeParam = once(
  z
    .string()
    .refine((v) => TimrDateTime.safeParse(v).success && Number.isFinite(Date.parse(v)), {
      error: "must be an RFC 3339 date-time with offset, e.g. 2026-07-16T09:30:00Z (percent-encode '+' as %2B)",
    })
    .optional(),
);

export const booleanParam = once(
  z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .transform((v) => v === 'true')
    .optional(),
);

export const stringParam = once(z.string().optional());

export function enumList<const T extends Readonly<Record<string, string>>>(schema: z.ZodEnum<T>) {
  return list(z.enum(schema.enum, { error: `must be one of ${schema.options.join(', ')}` }));
}

export const limitParam = once(
  z.coerce
    .number({ error: 'must be an integer from 1 (values above 500 are capped at 500)' })
    .int({ error: 'must be an integer from 1 (values above 500 are capped at 500)' })
    .min(1, { error: 'must be at least 1 (values above 500 are capped at 500)' })
    .default(DEFAULT_LIMIT)
    .transform((n) => Math.min(n, MAX_LIMIT)),
);

export const pageTokenParam = once(z.string().min(1, { error: 'must not be empty; omit it for the first page' }).optional());

/** The paging part of every list endpoint; `sort_by` values differ per endpoint. */
export function pagingParams<const S extends readonly [string, ...string[]]>(sortColumns: S, defaultSort: S[number]) {
  return {
    page_token: pageTokenParam,
    limit: limitParam,
    sort_by: once(z.enum(sortColumns, { error: `must be one of ${sortColumns.join(', ')}` }).default(defaultSort)),
    sort_direction: once(z.enum(SortDirection.options, { error: 'must be asc or dsc (sic)' }).default('asc')),
  };
}

function issueSlug(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_value') return 'invalid-value';
  if (issue.code === 'invalid_type') return 'type-mismatch';
  if (issue.code === 'too_small' || issue.code === 'too_big') return 'out-of-range';
  return 'invalid-format';
}

/** One problem entry per issue; query parameters are named plainly (no `$.` prefix). */
export function queryIssues(error: z.ZodError): ProblemEntry[] {
  return error.issues.map((issue) => {
    const field = String(issue.path[0] ?? '(query)');
    return { type: errorType('validation', issueSlug(issue)), field, detail: `${field} ${issue.message}` };
  });
}
