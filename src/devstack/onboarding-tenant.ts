/**
 * The new customer `npm start` offers to onboard: present in the sandbox timr and Personio but
 * not started. Its Personio holds the staff (with hire dates; one person inactive, one whose
 * e-mail a timr user already has under another employee number); its timr holds the working-time
 * types and the first two users only, so provisioning has users to create, one to find and one
 * conflict to report. The credentials and a Personio export (German headers, `;`, BOM, as a
 * German-language Personio account writes it) are written for the newcomer to use.
 */
import path from 'node:path';
import { generateDemoData } from '../sandbox/demo-data/index.js';
import type { TenantSeed } from '../sandbox/seed.js';
import { writePrivateFileAtomic } from '../secrets/private-file.js';

export const ONBOARDING_TENANT_ID = 'demo-newco';

export function onboardingTenantSeed(tenantId = ONBOARDING_TENANT_ID, employees = 8): TenantSeed {
  // Tenant index 5 of the generator: another name, e-mail domain and person-id block than the started demo tenants.
  const base = generateDemoData({ seed: 97, tenants: 6, employees: Math.max(employees, 4), days: 7 }).tenants[5] as TenantSeed;
  const kept = base.timr.users.slice(0, 2);
  const keptIds = new Set(kept.map((u) => u.id));
  const users = kept.map((u, i) => (i === 1 ? { ...u, employee_number: `${u.employee_number ?? ''}-OLD` } : u));
  const persons = base.timr.users.map((u, i) => ({
    // The kept timr users carry their person's id as external id, as provisioning would have written it.
    id: u.external_id ?? String(90_000_000 + i + 1),
    email: u.email,
    first_name: u.firstname,
    last_name: u.lastname,
    employee_number: u.employee_number,
    hire_date: u.entry_date ?? null,
    termination_date: null,
    status: i === base.timr.users.length - 1 ? 'inactive' : 'active',
  }));
  return {
    ...base,
    id: tenantId,
    timr: {
      clientId: `timr-${tenantId}`,
      clientSecret: `sandbox-timr-${tenantId}-secret`,
      users,
      workingTimeTypes: base.timr.workingTimeTypes,
      workingTimes: base.timr.workingTimes
        .filter((w) => keptIds.has(w.user.id))
        .map((w) => ({ ...w, user: { ...w.user, employee_number: users.find((u) => u.id === w.user.id)?.employee_number ?? w.user.employee_number } })),
    },
    personio: { clientId: `papi-${tenantId}`, clientSecret: `sandbox-papi-${tenantId}-secret`, persons, attendancePeriods: [] },
  };
}

const csvCell = (v: string | null | undefined) => {
  const s = v ?? '';
  return /[;"\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** Writes `<dir>/<id>-credentials.json` (0600) and `<dir>/<id>-personio-export.csv`; returns their paths. */
export async function writeOnboardingFiles(dir: string, tenant: TenantSeed): Promise<{ credentialsFile: string; exportFile: string }> {
  const credentialsFile = path.join(dir, `${tenant.id}-credentials.json`);
  const exportFile = path.join(dir, `${tenant.id}-personio-export.csv`);
  await writePrivateFileAtomic(
    credentialsFile,
    `${JSON.stringify({ timr: { clientId: tenant.timr.clientId, clientSecret: tenant.timr.clientSecret }, personio: { clientId: tenant.personio.clientId, clientSecret: tenant.personio.clientSecret } }, null, 2)}\n`,
  );
  const germanDate = (d: string | null | undefined) => (d ? `${d.slice(8, 10)}.${d.slice(5, 7)}.${d.slice(0, 4)}` : '');
  const lines = [
    ['ID', 'Vorname', 'Nachname', 'E-Mail', 'Personalnummer', 'Eintrittsdatum', 'Austrittsdatum', 'Status'].join(';'),
    ...tenant.personio.persons.map((p) =>
      [p.id, p.first_name, p.last_name, p.email, p.employee_number, germanDate(p.hire_date), germanDate(p.termination_date), p.status === 'inactive' ? 'Inaktiv' : 'Aktiv'].map(csvCell).join(';'),
    ),
  ];
  // Not a secret, but the same helper keeps it private like everything else in the data dir.
  await writePrivateFileAtomic(exportFile, `\uFEFF${lines.join('\r\n')}\r\n`);
  return { credentialsFile, exportFile };
}
