import type { z } from 'zod';
import { redactSecrets } from './redact.js';

/**
 * Turns schema issues into "path: problem" lines. Zod's messages name expected types, not
 * received values, but every string leaf of the input is redacted as well so a future
 * message format cannot leak a secret.
 */
export function describeIssues(error: z.ZodError, input: unknown): string {
  const text = error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
  return redactSecrets(text, stringLeaves(input));
}

function stringLeaves(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringLeaves(v, out);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) stringLeaves(v, out);
  return out;
}
