import type { TenantSecrets } from './tenant-secrets.js';

/**
 * Resolves a credentials reference (e.g. "demo-acme") to the tenant's secrets. Workflows
 * carry only the reference; activities call `get` at call time, so a rotation written with
 * `put` is used by the very next activity.
 */
export interface SecretStore {
  get(ref: string): Promise<TenantSecrets>;
  put(ref: string, secrets: TenantSecrets): Promise<void>;
}

/** A store that can also enumerate its references (used by `timr-sync secrets list`). */
export interface ListableSecretStore extends SecretStore {
  /** A human description of where secrets live, for messages (never contains secret values). */
  readonly location: string;
  list(): Promise<string[]>;
}
