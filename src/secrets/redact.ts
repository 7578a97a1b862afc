import { secretValuesOf, type TenantSecrets } from './tenant-secrets.js';

export const REDACTED = '[redacted]';

// Token-ish values that may show up in HTTP traces even when we do not know them in advance.
const AUTH_HEADER = /\b(Bearer|Basic)(\s+)[A-Za-z0-9\-._~+/]+=*/gi;
const SECRET_FIELD = /((?:["']?)(?:access_token|refresh_token|id_token|client_secret)(?:["']?)\s*[:=]\s*["']?)([^"'&\s,;}]+)/gi;

/**
 * Replaces every known secret value, plus bearer/basic credentials and OAuth token fields,
 * with `[redacted]`. Apply to anything that may reach logs or failure messages (HTTP error
 * bodies echo form fields; URLs and JSON escape them differently, so those spellings are
 * covered too).
 */
export function redactSecrets(text: string, secrets: TenantSecrets | readonly string[]): string {
  const values = isStringList(secrets) ? secrets : secretValuesOf(secrets);
  const variants = spellingsOf(values);
  // One pass with an alternation: sequential replaces could match inside an earlier "[redacted]".
  const known = variants.length > 0 ? text.replace(new RegExp(variants.map(escapeRegExp).join('|'), 'g'), REDACTED) : text;
  return known.replace(AUTH_HEADER, `$1$2${REDACTED}`).replace(SECRET_FIELD, `$1${REDACTED}`);
}

function isStringList(v: TenantSecrets | readonly string[]): v is readonly string[] {
  return Array.isArray(v);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Longest first, so a secret that contains another one is not left half-visible. */
function spellingsOf(values: readonly string[]): string[] {
  const all = new Set<string>();
  for (const v of values) {
    if (v.length === 0) continue;
    all.add(v);
    all.add(encodeURIComponent(v));
    all.add(new URLSearchParams({ v }).toString().slice(2));
    all.add(JSON.stringify(v).slice(1, -1));
  }
  all.delete('');
  return [...all].sort((a, b) => b.length - a.length);
}
