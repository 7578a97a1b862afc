/**
 * Small builders for seeding and authenticating against the Personio sandbox in tests and
 * demos, so callers do not hand-write the timr half of a seed they do not use.
 */
import type { Person } from '../../clients/personio/schemas.js';
import { Seed, type Credentials } from '../seed.js';

export interface PersonioTenantFixture {
  id: string;
  credentials: Credentials;
  persons?: Person[];
  attendancePeriods?: Seed['tenants'][number]['personio']['attendancePeriods'];
}

/** A full seed document whose timr half is empty placeholder data. */
export function personioSeed(tenants: PersonioTenantFixture[]): Seed {
  return Seed.parse({
    tenants: tenants.map((t) => ({
      id: t.id,
      timr: { clientId: `${t.id}-timr-unused`, clientSecret: 'unused' },
      personio: { ...t.credentials, persons: t.persons ?? [], attendancePeriods: t.attendancePeriods ?? [] },
    })),
  });
}

/** Fetches an access token the way a Personio client does (form-encoded client credentials). */
export async function fetchPersonioToken(baseUrl: string, creds: Credentials): Promise<string> {
  const res = await fetch(`${baseUrl}/v2/auth/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: creds.clientId, client_secret: creds.clientSecret }),
  });
  if (res.status !== 200) throw new Error(`Personio sandbox token request for client ${creds.clientId} failed with HTTP ${res.status}`);
  const body = (await res.json()) as { access_token: string };
  return body.access_token;
}
