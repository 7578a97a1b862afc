import { describe, expect, it } from 'vitest';
import { generateDemoData } from '../../src/sandbox/demo-data/index.js';
import { SEED_BODY_LIMIT_BYTES } from '../../src/sandbox/control-routes.js';
import { SandboxControl, startSandbox } from '../../src/sandbox/index.js';
import { mergeSeedParts, Seed, splitSeed } from '../../src/sandbox/seed.js';

const entriesOf = (seed: { tenants: { timr: { workingTimes: unknown[] } }[] }) => seed.tenants.reduce((n, t) => n + t.timr.workingTimes.length, 0);

describe('sandbox control API: seed size', () => {
  it('takes a seed far above fastify’s 1 MiB default (the chaos soak’s default 4 × 30 × 24 tenants)', async () => {
    const seed = generateDemoData({ seed: 1, tenants: 4, employees: 30, days: 24 });
    expect(Buffer.byteLength(JSON.stringify(seed))).toBeGreaterThan(1024 * 1024);
    const sandbox = await startSandbox({ seed });
    try {
      const timr = await new SandboxControl(sandbox).state<Record<string, { workingTimes: unknown[] }>>('timr');
      const entries = Object.values(timr).reduce((n, t) => n + t.workingTimes.length, 0);
      expect(entries).toBe(entriesOf(seed));
    } finally {
      await sandbox.stop();
    }
  });

  it('takes a seed bigger than one control request may be, in parts (what startSandbox and the dev stacks use)', { timeout: 120_000 }, async () => {
    // Two tenants, one of them alone above the limit: a tenant's entries are split too.
    const seed = generateDemoData({ seed: 3, tenants: 2, employees: 320, days: 60 });
    expect(Buffer.byteLength(JSON.stringify(seed.tenants[0]))).toBeGreaterThan(SEED_BODY_LIMIT_BYTES);
    const sandbox = await startSandbox({ seed });
    try {
      const control = new SandboxControl(sandbox);
      const timr = await control.state<Record<string, { workingTimes: { id: string }[]; users: unknown[]; workingTimeTypes: unknown[] }>>('timr');
      const personio = await control.state<{ tenants: Record<string, { persons: unknown[]; attendancePeriods: unknown[] }> }>('personio');
      for (const t of seed.tenants) {
        expect(timr[t.id]!.workingTimes.map((w) => w.id).sort()).toEqual(t.timr.workingTimes.map((w) => w.id).sort());
        expect(timr[t.id]!.users).toHaveLength(t.timr.users.length);
        expect(timr[t.id]!.workingTimeTypes).toHaveLength(t.timr.workingTimeTypes.length);
        expect(personio.tenants[t.id]!.persons).toHaveLength(t.personio.persons.length);
        expect(personio.tenants[t.id]!.attendancePeriods).toHaveLength(t.personio.attendancePeriods.length);
      }
      // The tenant can sign in with its seeded credentials (both halves registered once, whole).
      const token = await fetch(sandbox.timrTokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: seed.tenants[0]!.timr.clientId, client_secret: seed.tenants[0]!.timr.clientSecret }),
      });
      expect(token.status).toBe(200);
    } finally {
      await sandbox.stop();
    }
  });

  it('cuts a seed into parts within the budget that join to the same seed, tenants without data included', () => {
    const seed = generateDemoData({ seed: 2, tenants: 3, employees: 8, days: 14 });
    seed.tenants[1]!.timr.workingTimes = [];
    const budget = 16 * 1024;
    const parts = splitSeed(seed, budget);
    expect(parts.timr.length).toBeGreaterThan(3);
    expect(splitSeed({ tenants: [] }, budget)).toEqual({ timr: [{ tenants: [] }], personio: [{ tenants: [] }] });
    for (const part of [...parts.timr, ...parts.personio]) expect(JSON.stringify(part).length).toBeLessThanOrEqual(budget + 4_096);
    const joined = (half: 'timr' | 'personio') => mergeSeedParts(parts[half].map((p) => Seed.parse(p)));
    const whole = Seed.parse(seed);
    expect(joined('timr').tenants.map((t) => t.timr)).toEqual(whole.tenants.map((t) => t.timr));
    expect(joined('personio').tenants.map((t) => ({ ...t.personio, absenceTypes: t.personio.absenceTypes ?? [], absencePeriods: t.personio.absencePeriods ?? [] }))).toEqual(
      whole.tenants.map((t) => ({ ...t.personio, absenceTypes: t.personio.absenceTypes ?? [], absencePeriods: t.personio.absencePeriods ?? [] })),
    );
  });
});
