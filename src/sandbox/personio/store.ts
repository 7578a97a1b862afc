/**
 * In-memory Personio data per tenant: persons (read-only through the API) and attendance
 * periods with server-kept status and timestamps. Holds data only; validation and HTTP
 * concerns live in the route modules.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AbsencePeriod, AttendancePeriod, Person, type AbsenceType } from '../../clients/personio/schemas.js';
import type { PersonioTenantSeed } from '../seed.js';

export const PeriodStatus = z.enum(['pending', 'confirmed']);
export type PeriodStatus = z.infer<typeof PeriodStatus>;

/** A period as the sandbox keeps and serves it: every optional wire field filled in. */
export const StoredPeriod = AttendancePeriod.extend({
  comment: z.string().nullable(),
  project: z.object({ id: z.string() }).nullable(),
  status: PeriodStatus,
  created_at: z.string(),
  updated_at: z.string(),
});
export type StoredPeriod = z.infer<typeof StoredPeriod>;

/** The fields a write decides; id and timestamps are the store's. */
export type PeriodContent = Omit<StoredPeriod, 'id' | 'created_at' | 'updated_at'>;

export const StoredAbsence = AbsencePeriod.extend({ comment: z.string().nullable(), created_at: z.string(), updated_at: z.string() });
export type StoredAbsence = z.infer<typeof StoredAbsence>;
export type AbsenceContent = Omit<StoredAbsence, 'id' | 'created_at' | 'updated_at'>;

interface TenantData {
  persons: Map<string, Person>;
  periods: Map<string, StoredPeriod>;
  absenceTypes: Map<string, AbsenceType>;
  absences: Map<string, StoredAbsence>;
  /** person id → ids of that person's periods, for overlap checks without a full scan. */
  periodsByPerson: Map<string, Set<string>>;
}

export class PersonioStore {
  private tenants = new Map<string, TenantData>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** Replaces everything the tenant had with the seed's persons and periods. */
  loadTenant(tenantId: string, seed: Pick<PersonioTenantSeed, 'persons' | 'attendancePeriods'> & Partial<Pick<PersonioTenantSeed, 'absenceTypes' | 'absencePeriods'>>): void {
    const data = emptyTenant();
    for (const p of seed.persons) data.persons.set(p.id, Person.parse(p));
    for (const t of seed.absenceTypes ?? []) data.absenceTypes.set(t.id, t);
    this.tenants.set(tenantId, data);
    const stamp = this.now().toISOString();
    for (const a of seed.absencePeriods ?? []) {
      data.absences.set(a.id, { ...a, comment: a.comment ?? null, created_at: a.created_at ?? stamp, updated_at: a.updated_at ?? a.created_at ?? stamp });
    }
    for (const p of seed.attendancePeriods) {
      this.put(data, {
        ...p,
        comment: p.comment ?? null,
        project: p.project ?? null,
        status: PeriodStatus.catch('confirmed').parse(p.status),
        created_at: p.created_at ?? stamp,
        updated_at: p.updated_at ?? p.created_at ?? stamp,
      });
    }
  }

  removeTenant(tenantId: string): void {
    this.tenants.delete(tenantId);
  }

  clear(): void {
    this.tenants.clear();
  }

  tenantIds(): string[] {
    return [...this.tenants.keys()];
  }

  persons(tenantId: string): Person[] {
    return [...(this.tenants.get(tenantId)?.persons.values() ?? [])];
  }

  person(tenantId: string, personId: string): Person | undefined {
    return this.tenants.get(tenantId)?.persons.get(personId);
  }

  periods(tenantId: string): StoredPeriod[] {
    return [...(this.tenants.get(tenantId)?.periods.values() ?? [])];
  }

  periodsOfPerson(tenantId: string, personId: string): StoredPeriod[] {
    const data = this.tenants.get(tenantId);
    const ids = data?.periodsByPerson.get(personId);
    if (!data || !ids) return [];
    return [...ids].map((id) => data.periods.get(id)).filter((p): p is StoredPeriod => p !== undefined);
  }

  period(tenantId: string, periodId: string): StoredPeriod | undefined {
    return this.tenants.get(tenantId)?.periods.get(periodId);
  }

  insertPeriod(tenantId: string, content: PeriodContent): StoredPeriod {
    const stamp = this.now().toISOString();
    const period: StoredPeriod = { id: randomUUID(), ...content, created_at: stamp, updated_at: stamp };
    this.put(this.tenant(tenantId), period);
    return period;
  }

  /** Overwrites a period's content and bumps updated_at; undefined when the period is gone. */
  updatePeriod(tenantId: string, periodId: string, content: PeriodContent): StoredPeriod | undefined {
    const data = this.tenants.get(tenantId);
    const existing = data?.periods.get(periodId);
    if (!data || !existing) return undefined;
    this.unindex(data, existing);
    const period: StoredPeriod = { id: periodId, ...content, created_at: existing.created_at, updated_at: this.now().toISOString() };
    this.put(data, period);
    return period;
  }

  deletePeriod(tenantId: string, periodId: string): boolean {
    const data = this.tenants.get(tenantId);
    const existing = data?.periods.get(periodId);
    if (!data || !existing) return false;
    this.unindex(data, existing);
    data.periods.delete(periodId);
    return true;
  }

  absenceTypes(tenantId: string): AbsenceType[] {
    return [...(this.tenants.get(tenantId)?.absenceTypes.values() ?? [])];
  }

  absences(tenantId: string): StoredAbsence[] {
    return [...(this.tenants.get(tenantId)?.absences.values() ?? [])];
  }

  absence(tenantId: string, id: string): StoredAbsence | undefined {
    return this.tenants.get(tenantId)?.absences.get(id);
  }

  insertAbsence(tenantId: string, content: AbsenceContent): StoredAbsence {
    const stamp = this.now().toISOString();
    const absence: StoredAbsence = { id: randomUUID(), ...content, created_at: stamp, updated_at: stamp };
    this.tenant(tenantId).absences.set(absence.id, absence);
    return absence;
  }

  deleteAbsence(tenantId: string, id: string): boolean {
    return this.tenants.get(tenantId)?.absences.delete(id) ?? false;
  }

  /** A tenant known to the credential store but never seeded still gets an (empty) data set. */
  private tenant(tenantId: string): TenantData {
    let data = this.tenants.get(tenantId);
    if (!data) {
      data = emptyTenant();
      this.tenants.set(tenantId, data);
    }
    return data;
  }

  private put(data: TenantData, period: StoredPeriod): void {
    data.periods.set(period.id, period);
    let ids = data.periodsByPerson.get(period.person.id);
    if (!ids) data.periodsByPerson.set(period.person.id, (ids = new Set()));
    ids.add(period.id);
  }

  private unindex(data: TenantData, period: StoredPeriod): void {
    data.periodsByPerson.get(period.person.id)?.delete(period.id);
  }
}

function emptyTenant(): TenantData {
  return { persons: new Map(), periods: new Map(), absenceTypes: new Map(), absences: new Map(), periodsByPerson: new Map() };
}
