import { z } from 'zod';

const ClientCredentials = z.strictObject({
  clientId: z.string().trim().min(1, 'must be a non-empty string'),
  clientSecret: z.string().trim().min(1, 'must be a non-empty string'),
});

/**
 * The OAuth client-credentials pairs of one tenant. Strict objects so a typo such as
 * `client_secret` is reported instead of silently producing "missing clientSecret" later.
 */
export const TenantSecrets = z.strictObject({
  timr: ClientCredentials,
  personio: ClientCredentials,
});
export type TenantSecrets = z.infer<typeof TenantSecrets>;

/** The values that must never reach logs or failure messages (client IDs are identifiers, not secrets). */
export function secretValuesOf(secrets: TenantSecrets): string[] {
  return [secrets.timr.clientSecret, secrets.personio.clientSecret];
}
