/**
 * A tenant's credentials as an operator gives them, shared by `secrets set` and `onboard`:
 * options first, then a JSON file, then TIMR_SYNC_<REF>_{TIMR,PERSONIO}_CLIENT_{ID,SECRET}, then
 * what the store already holds (so rotating only Personio needs just the two --personio-* options).
 */
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { describeIssues } from '../secrets/describe-issues.js';
import { envVarNamesFor } from '../secrets/env-secret-store.js';
import { SecretNotFoundError } from '../secrets/errors.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { TenantSecrets } from '../secrets/tenant-secrets.js';

const Credentials = TenantSecrets.shape.timr;
/** File content: any subset of the TenantSecrets shape. */
const PartialTenantSecrets = z.strictObject({
  timr: Credentials.partial().optional(),
  personio: Credentials.partial().optional(),
});
type PartialTenantSecrets = z.infer<typeof PartialTenantSecrets>;

export type CredentialFlags = Partial<Record<'timr-client-id' | 'timr-client-secret' | 'personio-client-id' | 'personio-client-secret', string>>;

/** The operator's input does not make a complete, valid pair of pairs; the message says what is missing. */
export class CredentialsInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CredentialsInputError';
  }
}

export async function readPartialSecrets(file: string, flag: string, warn: (line: string) => void): Promise<PartialTenantSecrets> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`Cannot read ${flag} ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}.`, { cause: err });
  }
  if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
    warn(`Warning: ${file} is readable by other users; delete it (or chmod 600 it) once imported.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${flag} ${file} is not valid JSON; expected {"timr": {"clientId", "clientSecret"}, "personio": {"clientId", "clientSecret"}}.`);
  }
  const parsed = PartialTenantSecrets.safeParse(json);
  if (!parsed.success) throw new Error(`${flag} ${file} has an unexpected shape: ${describeIssues(parsed.error, json)}`);
  return parsed.data;
}

function nonEmpty(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t ? t : undefined;
}

export interface GatheredCredentials {
  secrets: TenantSecrets;
  /** What the store held before, if anything readable. */
  existing?: TenantSecrets;
}

/**
 * Every secret value seen is pushed to `seen` as soon as it is known, so the caller can redact
 * it from any message, even an unexpected one.
 */
export async function gatherCredentials(
  store: SecretStore,
  ref: string,
  opts: { flags: CredentialFlags; file?: string; fileFlag: string; env: NodeJS.ProcessEnv; seen: string[]; warn: (line: string) => void },
): Promise<GatheredCredentials> {
  const { flags, env, seen } = opts;
  for (const v of [flags['timr-client-secret'], flags['personio-client-secret']]) if (v) seen.push(v);
  const fromFile = opts.file ? await readPartialSecrets(opts.file, opts.fileFlag, opts.warn) : {};
  const names = envVarNamesFor(ref);
  let existing: TenantSecrets | undefined;
  let existingProblem = 'nothing stored yet to keep';
  try {
    existing = await store.get(ref);
  } catch (err) {
    // A missing or broken record is what a new set repairs: then only the values given now count.
    if (!(err instanceof SecretNotFoundError)) existingProblem = `the stored record is unusable: ${err instanceof Error ? err.message : String(err)}`;
  }
  const pick = (flag: keyof CredentialFlags, file: string | undefined, envName: string, stored: string | undefined) =>
    nonEmpty(flags[flag]) ?? nonEmpty(file) ?? nonEmpty(env[envName]) ?? stored;
  const candidate = {
    timr: {
      clientId: pick('timr-client-id', fromFile.timr?.clientId, names.timrClientId, existing?.timr.clientId),
      clientSecret: pick('timr-client-secret', fromFile.timr?.clientSecret, names.timrClientSecret, existing?.timr.clientSecret),
    },
    personio: {
      clientId: pick('personio-client-id', fromFile.personio?.clientId, names.personioClientId, existing?.personio.clientId),
      clientSecret: pick('personio-client-secret', fromFile.personio?.clientSecret, names.personioClientSecret, existing?.personio.clientSecret),
    },
  };
  for (const v of [candidate.timr.clientSecret, candidate.personio.clientSecret]) if (v) seen.push(v);
  const missing = [
    ['--timr-client-id', candidate.timr.clientId],
    ['--timr-client-secret', candidate.timr.clientSecret],
    ['--personio-client-id', candidate.personio.clientId],
    ['--personio-client-secret', candidate.personio.clientSecret],
  ]
    .filter(([, v]) => v === undefined)
    .map(([flag]) => flag);
  if (missing.length > 0) {
    throw new CredentialsInputError(`Missing ${missing.join(', ')} for "${ref}" (${existingProblem}). Pass them as options, in ${opts.fileFlag}, or as ${Object.values(names).join(', ')}.`);
  }
  const parsed = TenantSecrets.safeParse(candidate);
  if (!parsed.success) throw new CredentialsInputError(`Invalid values for "${ref}": ${describeIssues(parsed.error, candidate)}`);
  return { secrets: parsed.data, ...(existing && { existing }) };
}

export function describeChange(before: TenantSecrets, after: TenantSecrets): string {
  const changed: string[] = [];
  for (const system of ['timr', 'personio'] as const) {
    if (before[system].clientId !== after[system].clientId) changed.push(`${system} client id`);
    if (before[system].clientSecret !== after[system].clientSecret) changed.push(`${system} secret`);
  }
  return changed.length > 0 ? `changed: ${changed.join(', ')}` : 'unchanged';
}
