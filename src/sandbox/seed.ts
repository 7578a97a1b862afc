/**
 * What the sandbox can be seeded with: per tenant, its timr and Personio credentials and data.
 * Both sandbox servers accept the same document and each takes its own half.
 */
import { z } from 'zod';
import { User, WorkingTime, WorkingTimeType } from '../clients/timr/schemas.js';
import { AbsencePeriod, AbsenceType, AttendancePeriod, Person } from '../clients/personio/schemas.js';

export const Credentials = z.object({ clientId: z.string().min(1), clientSecret: z.string().min(1) });
export type Credentials = z.infer<typeof Credentials>;

export const TimrTenantSeed = Credentials.extend({
  users: z.array(User).default([]),
  workingTimeTypes: z.array(WorkingTimeType).default([]),
  workingTimes: z.array(WorkingTime).default([]),
});
export type TimrTenantSeed = z.infer<typeof TimrTenantSeed>;

export const PersonioTenantSeed = Credentials.extend({
  persons: z.array(Person).default([]),
  attendancePeriods: z.array(AttendancePeriod).default([]),
  /** Absence types absence periods may name (e.g. one for compensatory time off). */
  absenceTypes: z.array(AbsenceType).optional(),
  absencePeriods: z.array(AbsencePeriod).optional(),
});
export type PersonioTenantSeed = z.infer<typeof PersonioTenantSeed>;

export const TenantSeed = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'tenant id: lowercase letters, digits and dashes'),
  /** IANA zone the tenant's employees work in; the generator writes device offsets from it. */
  timezone: z.string().default('Europe/Vienna'),
  timr: TimrTenantSeed,
  personio: PersonioTenantSeed,
});
export type TenantSeed = z.infer<typeof TenantSeed>;

export const Seed = z.object({ tenants: z.array(TenantSeed) });
export type Seed = z.infer<typeof Seed>;
