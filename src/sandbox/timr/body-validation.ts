/**
 * Request-body validation in timr's style: each violation becomes an `errors` entry whose
 * `field` is a JSONPath rooted at `$` (array elements included) and whose type names the
 * constraint (`validation/not-null`, `validation/type-mismatch`, `validation/unknown-property`…).
 */
import type { z } from 'zod';
import { errorType, type ProblemEntry } from './problems.js';

export function jsonPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : `${acc}.${String(key)}`), '$');
}

function slugOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') return issue.input === null ? 'not-null' : issue.input === undefined ? 'required' : 'type-mismatch';
  if (issue.code === 'invalid_value' || issue.code === 'invalid_union') return 'invalid-value';
  if (issue.code === 'too_small' || issue.code === 'too_big') return 'out-of-range';
  if (issue.code === 'unrecognized_keys') return 'unknown-property';
  return 'invalid-format';
}

export function bodyIssues(error: z.ZodError): ProblemEntry[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        type: errorType('validation', 'unknown-property'),
        field: jsonPath([...issue.path, key]),
        detail: `${key} is not a property of this resource; remove it`,
      }));
    }
    const field = jsonPath(issue.path);
    return [{ type: errorType('validation', slugOf(issue)), field, detail: `${field}: ${issue.message}` }];
  });
}

/** Parses a JSON body; `reportInput` lets the issue tell a null from a wrong type. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): { ok: true; value: z.infer<T> } | { ok: false; errors: ProblemEntry[] } {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, errors: [{ type: errorType('validation', 'unreadable-body'), field: '$', detail: 'the request body must be a JSON object' }] };
  }
  const parsed = schema.safeParse(body, { reportInput: true });
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, errors: bodyIssues(parsed.error) };
}
