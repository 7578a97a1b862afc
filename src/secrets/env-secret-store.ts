import { describeIssues } from './describe-issues.js';
import { InvalidSecretsError, ReadOnlySecretStoreError, SecretNotFoundError } from './errors.js';
import { assertSafeRef } from './secret-ref.js';
import type { ListableSecretStore } from './secret-store.js';
import { TenantSecrets } from './tenant-secrets.js';

const PREFIX = 'TIMR_SYNC_';
const FIELDS = {
  timrClientId: 'TIMR_CLIENT_ID',
  timrClientSecret: 'TIMR_CLIENT_SECRET',
  personioClientId: 'PERSONIO_CLIENT_ID',
  personioClientSecret: 'PERSONIO_CLIENT_SECRET',
} as const;
type Field = keyof typeof FIELDS;

/** `demo-acme` → `DEMO_ACME`. */
export function envRefSegment(ref: string): string {
  return ref.toUpperCase().replace(/-/g, '_');
}

/** The four variable names that hold the secrets of `ref`. */
export function envVarNamesFor(ref: string): Record<Field, string> {
  assertSafeRef(ref);
  const seg = envRefSegment(ref);
  return {
    timrClientId: `${PREFIX}${seg}_${FIELDS.timrClientId}`,
    timrClientSecret: `${PREFIX}${seg}_${FIELDS.timrClientSecret}`,
    personioClientId: `${PREFIX}${seg}_${FIELDS.personioClientId}`,
    personioClientSecret: `${PREFIX}${seg}_${FIELDS.personioClientSecret}`,
  };
}

/**
 * Reads `TIMR_SYNC_<REF>_{TIMR,PERSONIO}_CLIENT_{ID,SECRET}` from the given environment on
 * every `get` (the object is read live, so tests and in-process reloads see changes).
 * Read-only: rotation means changing the deployment's environment.
 */
export class EnvSecretStore implements ListableSecretStore {
  readonly location = 'environment variables TIMR_SYNC_<REF>_{TIMR,PERSONIO}_CLIENT_{ID,SECRET}';

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  async get(ref: string): Promise<TenantSecrets> {
    const names = envVarNamesFor(ref);
    const missing = Object.values(names).filter((n) => !this.env[n]);
    if (missing.length > 0) {
      throw new SecretNotFoundError(
        ref,
        `environment variable(s) ${missing.join(', ')} are not set (TIMR_SYNC_SECRET_STORE=env). Set all four of ${Object.values(names).join(', ')}.`,
      );
    }
    const candidate = {
      timr: { clientId: this.env[names.timrClientId], clientSecret: this.env[names.timrClientSecret] },
      personio: { clientId: this.env[names.personioClientId], clientSecret: this.env[names.personioClientSecret] },
    };
    const parsed = TenantSecrets.safeParse(candidate);
    if (!parsed.success) throw new InvalidSecretsError(ref, `from environment: ${describeIssues(parsed.error, candidate)}`);
    return parsed.data;
  }

  async put(ref: string, _secrets: TenantSecrets): Promise<void> {
    const names = envVarNamesFor(ref);
    throw new ReadOnlySecretStoreError(
      ref,
      `the environment secret store is read-only. Set ${Object.values(names).join(', ')} in the worker's environment and restart it, or use the file store (TIMR_SYNC_SECRET_STORE=file).`,
    );
  }

  async list(): Promise<string[]> {
    const suffix = `_${FIELDS.personioClientSecret}`;
    const refs = Object.keys(this.env)
      .filter((k) => k.startsWith(PREFIX) && k.endsWith(suffix) && k.length > PREFIX.length + suffix.length)
      .map((k) => k.slice(PREFIX.length, -suffix.length).toLowerCase().replace(/_/g, '-'));
    return [...new Set(refs)].sort();
  }
}
