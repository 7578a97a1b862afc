import { InvalidSecretRefError } from './errors.js';

/**
 * References become file names and environment variable names, so only a conservative
 * alphabet is allowed: no path separators, no dots (so no `..`), no leading dash.
 */
export const SECRET_REF_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export function assertSafeRef(ref: string): void {
  if (!SECRET_REF_PATTERN.test(ref)) throw new InvalidSecretRefError(ref);
}
