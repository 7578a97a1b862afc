import path from 'node:path';
import { PROJECT_ROOT } from '../devstack/temporal-cli.js';
import { EnvSecretStore } from './env-secret-store.js';
import { FileSecretStore } from './file-secret-store.js';
import type { ListableSecretStore } from './secret-store.js';

export { EnvSecretStore, envVarNamesFor } from './env-secret-store.js';
export { FileSecretStore } from './file-secret-store.js';
export * from './errors.js';
export { redactSecrets, REDACTED } from './redact.js';
export type { ListableSecretStore, SecretStore } from './secret-store.js';
export { assertSafeRef, SECRET_REF_PATTERN } from './secret-ref.js';
export { TenantSecrets, secretValuesOf } from './tenant-secrets.js';

/** Git-ignored; the default home of the file store and the dev codec keys. */
export const DEFAULT_SECRETS_DIR = path.join(PROJECT_ROOT, '.secrets');

/**
 * `TIMR_SYNC_SECRET_STORE=file|env` (default file); the file store lives in
 * `TIMR_SYNC_SECRETS_DIR` (default `<project>/.secrets`).
 */
export function secretStoreFromEnv(env: NodeJS.ProcessEnv = process.env): ListableSecretStore {
  const kind = (env.TIMR_SYNC_SECRET_STORE ?? 'file').trim().toLowerCase();
  switch (kind) {
    case '':
    case 'file':
      return new FileSecretStore(path.resolve(env.TIMR_SYNC_SECRETS_DIR || DEFAULT_SECRETS_DIR));
    case 'env':
      return new EnvSecretStore(env);
    default:
      throw new Error(`TIMR_SYNC_SECRET_STORE=${JSON.stringify(env.TIMR_SYNC_SECRET_STORE)} is not supported: use "file" (default) or "env".`);
  }
}
