import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { WorkingTime, WorkingTimeType } from '../../src/clients/timr/schemas.js';
import {
  DEMO_SCENARIOS,
  DEMO_TENANT_ID,
  describeDemoData,
  generateDemoData,
  zeitausgleichMatchFor,
} from '../../src/sandbox/demo-data/index.js';
import { Seed, type TenantSeed } from '../../src/sandbox/seed.js';

const ZONE = 'Europe/Vienna';
const MINUTE = 60_000;
const defaults = generateDemoData();

// Independent of the generator's own zone code: Intl's offset names and local formatting.
const offsetNames = new Map<string, Intl.DateTimeFormat>();
function zoneOffset(instant: string | number, zone = ZONE): string {
  let fmt = offsetNames.get(zone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    offsetNames.set(zone, fmt);
  }
  const name = fmt.formatToParts(new Date(instant)).find((p) => p.type === 'timeZoneName')?.value ?? '';
  return name === 'GMT' ? '+00:00' : name.replace('GMT', '');
}
const localFormat = new Intl.DateTimeFormat('sv-SE', {
  timeZone: ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
/** "YYYY-MM-DD HH:mm:ss" on a Vienna wall clock. */
const viennaLocal = (instant: string): string => localFormat.format(new Date(instant));
const offsetOf = (rfc3339: string): string => {
  const suffix = /(Z|[+-]\d{2}:\d{2})$/.exec(rfc3339)?.[1] ?? '?';
  return suffix === 'Z' ? '+00:00' : suffix;
};
const minutesBetween = (a: string, b: string): number => (Date.parse(b) - Date.parse(a)) / MINUTE;
const normalise = (email: string | null | undefined) => (email ?? '').trim().toLowerCase();

function typeOf(tenant: TenantSeed, entry: WorkingTime): WorkingTimeType {
  const type = tenant.timr.workingTimeTypes.find((t) => t.id === entry.working_time_type.id);
  if (!type) throw new Error(`entry ${entry.id} of tenant ${tenant.id} references unknown type ${entry.working_time_type.id}`);
  return type;
}
const finished = (tenant: TenantSeed) => tenant.timr.workingTimes.filter((w) => w.end !== null);
const attendances = (tenant: TenantSeed) =>
  tenant.timr.workingTimes.filter((w) => typeOf(tenant, w).category === 'attendance_time');

describe('generateDemoData: determinism and shape', () => {
  it('returns deep-equal data, ids included, for the same options, and different data for another seed', () => {
    expect(generateDemoData()).toEqual(defaults);
    const again = generateDemoData({ seed: 5, tenants: 2, employees: 6, days: 9 });
    expect(generateDemoData({ seed: 5, tenants: 2, employees: 6, days: 9 })).toEqual(again);

    const other = generateDemoData({ seed: 2 });
    expect(other).not.toEqual(defaults);
    const ids = (s: Seed) => s.tenants.flatMap((t) => t.timr.workingTimes.map((w) => w.id));
    expect(ids(other).filter((id) => ids(defaults).includes(id))).toEqual([]);
    // Tenant ids are positional, so the demo tenant is the same under every seed.
    expect(other.tenants.map((t) => t.id)).toEqual(defaults.tenants.map((t) => t.id));
  });

  it('parses with the Seed schema without any default having to fill in a field', () => {
    expect(Seed.parse(defaults)).toEqual(defaults);
  });

  it('names tenants safely, starting with DEMO_TENANT_ID, each with its own sandbox credentials', () => {
    expect(defaults.tenants).toHaveLength(3);
    expect(defaults.tenants[0]?.id).toBe(DEMO_TENANT_ID);
    const ids = defaults.tenants.map((t) => t.id);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9][a-z0-9-]*$/);
    expect(new Set(ids).size).toBe(ids.length);
    const clientIds = defaults.tenants.flatMap((t) => [t.timr.clientId, t.personio.clientId]);
    const secrets = defaults.tenants.flatMap((t) => [t.timr.clientSecret, t.personio.clientSecret]);
    expect(new Set(clientIds).size).toBe(6);
    expect(new Set(secrets).size).toBe(6);
    for (const t of defaults.tenants) expect(t.timezone).toBe(ZONE);
  });

  it('gives every entity a unique id', () => {
    const big = generateDemoData({ tenants: 4, employees: 60, days: 30 });
    const all = big.tenants.flatMap((t) => [
      ...t.timr.workingTimes.map((w) => w.id),
      ...t.timr.users.map((u) => u.id),
      ...t.timr.workingTimeTypes.map((w) => w.id),
      ...t.personio.persons.map((p) => `person:${p.id}`),
    ]);
    expect(new Set(all).size).toBe(all.length);
  });

  it('scales with the options', () => {
    const small = generateDemoData({ tenants: 2, employees: 5, days: 7 });
    const large = generateDemoData({ tenants: 5, employees: 20, days: 21 });
    expect(small.tenants).toHaveLength(2);
    expect(large.tenants).toHaveLength(5);
    for (const t of small.tenants) {
      expect(t.timr.users).toHaveLength(5);
      expect(t.personio.persons).toHaveLength(4);
    }
    for (const t of large.tenants) expect(t.timr.users).toHaveLength(20);
    const entries = (s: Seed) => s.tenants[0]?.timr.workingTimes.length ?? 0;
    // 12 times the employee-days: far more entries, without depending on exact counts.
    expect(entries(large)).toBeGreaterThan(5 * entries(small));
  });

  it('keeps an employee stable when more employees are asked for', () => {
    const eight = generateDemoData({ employees: 8 });
    const twelve = generateDemoData({ employees: 12 });
    expect(twelve.tenants[0]?.timr.users.slice(0, 7)).toEqual(eight.tenants[0]?.timr.users.slice(0, 7));
  });

  it('rejects options it cannot honour with a message naming the option', () => {
    expect(() => generateDemoData({ employees: 2 })).toThrow(/employees must be at least 4/);
    expect(() => generateDemoData({ days: 3 })).toThrow(/days must be at least 7/);
    expect(() => generateDemoData({ startDate: '2026-02-30' })).toThrow(/startDate/);
    expect(() => generateDemoData({ timezone: 'Mars/Olympus_Mons' })).toThrow(/timezone/);
    expect(() => generateDemoData({ seed: 1.5 })).toThrow(/seed/);
  });
});

describe('generateDemoData: timr accounts', () => {
  it('has the working-time types of a real account', () => {
    for (const tenant of defaults.tenants) {
      const byName = (name: string) => tenant.timr.workingTimeTypes.find((t) => t.name === name);
      for (const name of ['Arbeitszeit', 'Homeoffice', 'Dienstreise']) expect(byName(name)?.category).toBe('attendance_time');
      expect(byName('Urlaub')?.category).toBe('vacation');
      expect(byName('Krankenstand')?.category).toBe('paid_time_off');
      expect(tenant.timr.workingTimeTypes.some((t) => t.category === 'break_time')).toBe(true);
      const za = tenant.timr.workingTimeTypes.filter((t) => t.category === 'unpaid_time_off');
      expect(za.map((t) => t.edit_unit).sort()).toEqual(['days', 'minutes']);
    }
  });

  it('renames Zeitausgleich in one tenant so that only its external id identifies it', () => {
    const renamed = defaults.tenants.filter((t) => !t.timr.workingTimeTypes.some((w) => w.name === 'Zeitausgleich'));
    expect(renamed).toHaveLength(1);
    const tenant = renamed[0] as TenantSeed;
    const za = tenant.timr.workingTimeTypes.filter((t) => t.category === 'unpaid_time_off');
    for (const t of za) {
      expect(t.external_id).toBe('ZA');
      expect(t.name.trim().toLowerCase()).not.toBe('zeitausgleich');
    }
    const zaEntries = tenant.timr.workingTimes.filter((w) => za.some((t) => t.id === w.working_time_type.id));
    expect(zaEntries.length).toBeGreaterThanOrEqual(2);
    expect(zeitausgleichMatchFor(tenant)).toEqual({ typeIds: za.map((t) => t.id), externalIds: ['ZA'], names: za.map((t) => t.name) });
  });

  it('has users with every identity field timr returns', () => {
    for (const user of defaults.tenants.flatMap((t) => t.timr.users)) {
      expect(user.fullname).toBe(`${user.firstname} ${user.lastname}`);
      expect(user.email).toMatch(/^[^\s@]+@[^\s@]+\.[a-z]+$/i);
      expect(user.login).toMatch(/^[A-Za-z0-9.]+$/);
      expect(user.employee_number).toBeTruthy();
    }
  });

  it('keeps derived fields consistent with times and breaks in every entry', () => {
    for (const tenant of defaults.tenants) {
      for (const w of tenant.timr.workingTimes) {
        const where = `${tenant.id}/${w.id}`;
        const finishedBreaks = w.break_times.filter((b) => b.type !== 'ongoing');
        const sum = finishedBreaks.reduce((n, b) => n + ('duration_minutes' in b ? b.duration_minutes : 0), 0);
        expect(w.break_time_total_minutes, where).toBe(sum);
        for (const b of w.break_times) {
          if (b.type !== 'ongoing' && b.start && b.end) {
            expect(minutesBetween(b.start, b.end), where).toBe(b.duration_minutes);
            expect(Date.parse(b.start), where).toBeGreaterThanOrEqual(Date.parse(w.start));
            if (w.end) expect(Date.parse(b.end), where).toBeLessThanOrEqual(Date.parse(w.end));
          }
        }
        expect(w.last_modified, where).toMatch(/Z$/);
        if (w.end === null) {
          expect(w.duration, where).toBeNull();
          expect(['running', 'paused'], where).toContain(w.status);
          expect(Date.parse(w.last_modified), where).toBeGreaterThan(Date.parse(w.start));
          continue;
        }
        expect(w.status, where).toBe('changeable');
        expect(Date.parse(w.last_modified), where).toBeGreaterThan(Date.parse(w.end));
        if (w.duration?.type === 'minutes') {
          expect(w.duration.minutes, where).toBe(minutesBetween(w.start, w.end) - w.break_time_total_minutes);
          expect(typeOf(tenant, w).edit_unit, where).toBe('minutes');
        } else {
          expect(w.duration?.type, where).toBe('full_day');
          expect(typeOf(tenant, w).edit_unit, where).toBe('days');
          expect(w.end, where).toBe(w.start);
          expect(viennaLocal(w.start).slice(11), where).toBe('00:00:00');
        }
      }
    }
  });

  it('never lets two entries of one employee overlap (Personio would reject the periods)', () => {
    const big = generateDemoData({ tenants: 3, employees: 40, days: 30, seed: 9 });
    for (const tenant of big.tenants) {
      const byUser = new Map<string, WorkingTime[]>();
      for (const w of tenant.timr.workingTimes) byUser.set(w.user.id, [...(byUser.get(w.user.id) ?? []), w]);
      for (const [user, entries] of byUser) {
        const spans = entries
          .map((w) => ({ id: w.id, start: Date.parse(w.start), end: w.end === null ? Date.parse(w.start) + 8 * 60 * MINUTE : Date.parse(w.end) }))
          .sort((a, b) => a.start - b.start || a.end - b.end);
        for (let i = 1; i < spans.length; i++) {
          const prev = spans[i - 1]!;
          const cur = spans[i]!;
          // A zero-length full-day booking strictly inside another entry counts as an overlap too.
          expect(cur.start >= prev.end, `${tenant.id} user ${user}: ${prev.id} overlaps ${cur.id}`).toBe(true);
        }
      }
    }
  });

  it('writes the device offset: Vienna time for most, the correct side of the DST change, other offsets only for trips', () => {
    for (const tenant of defaults.tenants) {
      for (const w of tenant.timr.workingTimes) {
        const times = [w.start, ...(w.end ? [w.end] : []), ...w.break_times.flatMap((b) => [b.start, 'end' in b ? b.end : null])];
        for (const t of times) {
          if (!t) continue;
          if (offsetOf(t) !== zoneOffset(t)) expect(typeOf(tenant, w).name, `${w.id} at ${t}`).toBe('Dienstreise');
          else expect(t.slice(0, 16).replace('T', ' '), `${w.id}`).toBe(viennaLocal(t).slice(0, 16));
        }
      }
      const startingOn = (date: string) =>
        tenant.timr.workingTimes.filter((w) => w.start.startsWith(date) && typeOf(tenant, w).name !== 'Dienstreise');
      expect(startingOn('2026-10-24').length).toBeGreaterThan(0);
      expect(startingOn('2026-10-26').length).toBeGreaterThan(0);
      for (const w of startingOn('2026-10-24')) expect(offsetOf(w.start)).toBe('+02:00');
      for (const w of startingOn('2026-10-26')) expect(offsetOf(w.start)).toBe('+01:00');
    }
  });
});

describe('generateDemoData: every scenario in every tenant', () => {
  for (const tenant of defaults.tenants) {
    describe(tenant.id, () => {
      const entries = tenant.timr.workingTimes;
      const category = (w: WorkingTime) => typeOf(tenant, w).category;

      it('breaks: manual with position, manual without, automatic, several in one entry', () => {
        expect(entries.some((w) => w.break_times.some((b) => b.type === 'manual' && b.start && b.end))).toBe(true);
        expect(entries.some((w) => w.break_times.some((b) => b.type === 'manual' && b.start == null && b.end == null))).toBe(true);
        expect(entries.some((w) => w.break_times.some((b) => b.type === 'automatic' && b.start && b.end))).toBe(true);
        expect(finished(tenant).some((w) => w.break_times.length >= 2)).toBe(true);
      });

      it('an overnight shift crossing local midnight on an ordinary night', () => {
        const overnight = attendances(tenant).filter(
          (w) => w.end && viennaLocal(w.start).slice(0, 10) !== viennaLocal(w.end).slice(0, 10) && offsetOf(w.start) === offsetOf(w.end),
        );
        expect(overnight.length).toBeGreaterThan(0);
      });

      it('work on the DST change day and a night shift spanning the change', () => {
        const onDstDay = attendances(tenant).filter((w) => viennaLocal(w.start).startsWith('2026-10-25'));
        expect(onDstDay.length).toBeGreaterThan(0);
        for (const w of onDstDay) expect(offsetOf(w.start)).toBe('+01:00');

        const spanning = attendances(tenant).filter((w) => w.end && offsetOf(w.start) === '+02:00' && offsetOf(w.end) === '+01:00');
        expect(spanning.length).toBeGreaterThan(0);
        for (const w of spanning) {
          const wallMinutes = (Date.parse(`${viennaLocal(w.end!).replace(' ', 'T')}Z`) - Date.parse(`${viennaLocal(w.start).replace(' ', 'T')}Z`)) / MINUTE;
          // The repeated hour makes the shift one real hour longer than the wall clock says.
          expect(minutesBetween(w.start, w.end!)).toBe(wallMinutes + 60);
        }
      });

      it('Zeitausgleich by the minute (13:00–17:00) and by the day (full_day at local midnight)', () => {
        const za = entries.filter((w) => category(w) === 'unpaid_time_off');
        const byMinute = za.find((w) => w.duration?.type === 'minutes');
        expect(byMinute).toBeDefined();
        expect(viennaLocal(byMinute!.start).slice(11, 16)).toBe('13:00');
        expect(viennaLocal(byMinute!.end!).slice(11, 16)).toBe('17:00');
        expect(byMinute!.duration?.minutes).toBe(240);

        const byDay = za.find((w) => w.duration?.type === 'full_day');
        expect(byDay).toBeDefined();
        expect(typeOf(tenant, byDay!).edit_unit).toBe('days');
        expect(byDay!.end).toBe(byDay!.start);
        expect(viennaLocal(byDay!.start).slice(11)).toBe('00:00:00');
      });

      it('a running and a paused recording', () => {
        const running = entries.filter((w) => w.status === 'running');
        expect(running.length).toBeGreaterThan(0);
        for (const w of running) {
          expect(w.end).toBeNull();
          expect(w.duration).toBeNull();
        }
        const paused = entries.filter((w) => w.status === 'paused');
        expect(paused.length).toBeGreaterThan(0);
        for (const w of paused) {
          expect(w.end).toBeNull();
          expect(w.break_times.filter((b) => b.type === 'ongoing')).toHaveLength(1);
        }
      });

      it('vacation and sickness absences booked by the day', () => {
        const vacation = entries.filter((w) => category(w) === 'vacation');
        const sickness = entries.filter((w) => typeOf(tenant, w).name === 'Krankenstand');
        expect(vacation.length).toBeGreaterThan(0);
        expect(sickness.length).toBeGreaterThan(0);
        for (const w of [...vacation, ...sickness]) expect(w.duration?.type).toBe('full_day');
      });

      it('entries recorded on a device in another offset (Z or +00:00)', () => {
        const utcDevice = entries.filter((w) => /(Z|\+00:00)$/.test(w.start));
        expect(utcDevice.length).toBeGreaterThan(0);
        for (const w of utcDevice) expect(zoneOffset(w.start)).not.toBe('+00:00');
      });

      it('some weekend work', () => {
        const weekend = attendances(tenant).filter((w) => {
          const day = new Date(`${viennaLocal(w.start).slice(0, 10)}T12:00:00Z`).getUTCDay();
          return day === 0 || day === 6;
        });
        expect(weekend.length).toBeGreaterThan(0);
      });

      it('notes with umlauts and emoji, a very long one, and none at all', () => {
        expect(entries.some((w) => w.notes === 'Übergabe an Jürgen ✅ 🚀')).toBe(true);
        expect(entries.some((w) => (w.notes?.length ?? 0) > 1_000)).toBe(true);
        expect(entries.some((w) => w.notes === null)).toBe(true);
      });

      it('an attendance of zero minutes (clocked in and straight out)', () => {
        const zero = attendances(tenant).filter((w) => w.end === w.start);
        expect(zero).toHaveLength(1);
        expect(zero[0]!.duration).toMatchObject({ type: 'minutes', minutes: 0 });
        expect(zero[0]!.status).toBe('changeable');
      });

      it('one employee without a Personio person, who still records time', () => {
        const personEmails = new Set(tenant.personio.persons.map((p) => normalise(p.email)));
        const personNumbers = new Set(tenant.personio.persons.map((p) => p.employee_number));
        const unmatched = tenant.timr.users.filter((u) => !personEmails.has(normalise(u.email)));
        expect(unmatched).toHaveLength(1);
        expect(personNumbers.has(unmatched[0]!.employee_number)).toBe(false);
        expect(finished(tenant).some((w) => w.user.id === unmatched[0]!.id && category(w) === 'attendance_time')).toBe(true);
      });

      it('Personio persons match timr users by e-mail only after trimming and lower-casing', () => {
        const users = new Map(tenant.timr.users.map((u) => [normalise(u.email), u]));
        expect(tenant.personio.persons).toHaveLength(tenant.timr.users.length - 1);
        expect(tenant.personio.attendancePeriods).toEqual([]);
        for (const person of tenant.personio.persons) {
          const user = users.get(normalise(person.email));
          expect(user, `person ${person.id}`).toBeDefined();
          expect(person.employee_number).toBe(user!.employee_number);
          expect(user!.external_id).toBe(person.id);
        }
        const raw = tenant.personio.persons.map((p) => p.email ?? '');
        expect(raw.some((e) => e !== e.trim())).toBe(true);
        expect(raw.some((e) => e.trim() !== e.trim().toLowerCase())).toBe(true);
      });
    });
  }
});

describe('generateDemoData: other ranges and zones', () => {
  it('fits every scenario into the minimum size wherever the DST change falls in the range', () => {
    for (let daysBefore = 0; daysBefore < 7; daysBefore++) {
      const start = new Date(Date.UTC(2026, 9, 25 - daysBefore)).toISOString().slice(0, 10);
      const seed = generateDemoData({ tenants: 2, employees: 4, days: 7, startDate: start });
      for (const tenant of describeDemoData(seed).tenants) {
        const missing = DEMO_SCENARIOS.filter((s) => tenant.scenarios[s] === 0);
        // The night before the change lies outside a range that starts on the change day.
        expect(missing, `start ${start}, ${tenant.id}`).toEqual(daysBefore === 0 ? ['dst-night-shift'] : []);
      }
    }
  });

  it('writes a zone without DST with its constant offset and leaves the DST cases out', () => {
    const tokyo = generateDemoData({ tenants: 1, timezone: 'Asia/Tokyo' });
    const tenant = tokyo.tenants[0]!;
    expect(tenant.timezone).toBe('Asia/Tokyo');
    const home = tenant.timr.workingTimes.filter((w) => typeOf(tenant, w).name !== 'Dienstreise');
    for (const w of home) expect(offsetOf(w.start)).toBe('+09:00');
    const counts = describeDemoData(tokyo).tenants[0]!.scenarios;
    expect(counts['dst-day']).toBe(0);
    expect(counts['dst-night-shift']).toBe(0);
    expect(counts['overnight-shift']).toBeGreaterThan(0);
  });
});

describe('describeDemoData', () => {
  it('counts every scenario in every default tenant, with totals that add up', () => {
    const summary = describeDemoData(defaults);
    expect(summary.tenants.map((t) => t.id)).toEqual(defaults.tenants.map((t) => t.id));
    for (const t of summary.tenants) {
      for (const s of DEMO_SCENARIOS) expect(t.scenarios[s], `${t.id} ${s}`).toBeGreaterThan(0);
      expect(t.scenarios['unmatched-employee']).toBe(1);
    }
    expect(summary.totals.workingTimes).toBe(defaults.tenants.reduce((n, t) => n + t.timr.workingTimes.length, 0));
    for (const s of DEMO_SCENARIOS) {
      expect(summary.totals.scenarios[s]).toBe(summary.tenants.reduce((n, t) => n + t.scenarios[s], 0));
    }
  });

  it('sees a case disappear when the data loses it', () => {
    const copy = structuredClone(defaults);
    const tenant = copy.tenants[0]!;
    tenant.timr.workingTimes = tenant.timr.workingTimes.filter((w) => w.status !== 'paused');
    const unmatchedUser = tenant.timr.users.find((u) => !tenant.personio.persons.some((p) => normalise(p.email) === normalise(u.email)))!;
    tenant.personio.persons.push({ id: 'late', email: unmatchedUser.email, status: 'active' });
    const counts = describeDemoData(copy).tenants[0]!.scenarios;
    expect(counts.paused).toBe(0);
    expect(counts['unmatched-employee']).toBe(0);
  });
});

describe('demo-data CLI', () => {
  const root = path.resolve(import.meta.dirname, '../..');
  const run = promisify(execFile);
  const cli = ['--import', 'tsx', 'src/cli/demo-data.ts'];

  it('prints the same seed as the function', async () => {
    const args = ['--seed', '4', '--tenants', '2', '--employees', '5', '--days', '8', '--start', '2026-10-20', '--compact'];
    const { stdout } = await run(process.execPath, [...cli, ...args], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
    expect(JSON.parse(stdout)).toEqual(generateDemoData({ seed: 4, tenants: 2, employees: 5, days: 8, startDate: '2026-10-20' }));
  });

  it('fails with exit code 2 and names the bad flag', async () => {
    const failure = await run(process.execPath, [...cli, '--employees', 'many'], { cwd: root }).catch((err: unknown) => err);
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toMatch(/--employees many: a whole number/);
  });
});
