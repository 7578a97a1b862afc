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

/** Every array of a tenant's seed, by the half (server) it belongs to. */
const TIMR_LISTS = ['users', 'workingTimeTypes', 'workingTimes'] as const;
const PERSONIO_LISTS = ['persons', 'attendancePeriods', 'absenceTypes', 'absencePeriods'] as const;

/**
 * A seed cut into parts of at most about `budgetBytes` of JSON each, per half (the timr server
 * takes the timr parts, Personio the Personio ones). A part holds fragments of one or more
 * tenants — id, zone, credentials and a slice of the lists — and every tenant is in at least
 * one part of each half, so a tenant without data is seeded too (and there is always one part).
 * `mergeSeedParts` undoes it.
 */
export function splitSeed(seed: SeedInput, budgetBytes: number): { timr: SeedInput[]; personio: SeedInput[] } {
  const half = (vendor: 'timr' | 'personio', lists: readonly string[]): SeedInput[] => {
    const parts: SeedInput[] = [];
    let part: SeedInput['tenants'] = [];
    let size = 0;
    const flush = () => {
      if (part.length) parts.push({ tenants: part });
      part = [];
      size = 0;
    };
    for (const tenant of seed.tenants) {
      const empty = (): TenantSeedInput => {
        // Both halves' credentials (each server checks the seed as a whole); only this half's lists.
        const fragment: TenantSeedInput = {
          id: tenant.id,
          ...(tenant.timezone !== undefined && { timezone: tenant.timezone }),
          timr: { clientId: tenant.timr.clientId, clientSecret: tenant.timr.clientSecret },
          personio: { clientId: tenant.personio.clientId, clientSecret: tenant.personio.clientSecret },
        };
        size += JSON.stringify(fragment).length;
        part.push(fragment);
        return fragment;
      };
      let fragment = empty();
      for (const list of lists) {
        for (const item of ((tenant[vendor] as Record<string, unknown>)[list] as unknown[] | undefined) ?? []) {
          const bytes = JSON.stringify(item).length + 1;
          if (size + bytes > budgetBytes && size > 0) {
            flush();
            fragment = empty();
          }
          const target = fragment[vendor] as unknown as Record<string, unknown[]>;
          (target[list] ??= []).push(item);
          size += bytes;
        }
      }
    }
    flush();
    // An empty seed is one empty part (it still replaces nothing and answers like a seed).
    return parts.length ? parts : [{ tenants: [] }];
  };
  return { timr: half('timr', TIMR_LISTS), personio: half('personio', PERSONIO_LISTS) };
}

/** The parts of a split seed as one seed again: fragments of a tenant join in order (lists concatenated). */
export function mergeSeedParts(parts: Seed[]): Seed {
  const byId = new Map<string, TenantSeed>();
  for (const part of parts) {
    for (const t of part.tenants) {
      const seen = byId.get(t.id);
      if (!seen) {
        byId.set(t.id, structuredClone(t));
        continue;
      }
      for (const list of TIMR_LISTS) (seen.timr[list] as unknown[]).push(...t.timr[list]);
      for (const list of PERSONIO_LISTS) {
        const more = t.personio[list];
        if (more === undefined) continue;
        const have = (seen.personio[list] ??= []) as unknown[];
        have.push(...more);
      }
    }
  }
  return { tenants: [...byId.values()] };
}

export type SeedInput = z.input<typeof Seed>;
type TenantSeedInput = z.input<typeof TenantSeed>;
