/**
 * Issue 7, end to end: what Personio books equals what timr counts, with every expectation
 * computed here from timr's own figures (`duration.minutes`, `break_time_total_minutes`) and the
 * Personio sandbox's raw state — a real Temporal dev server, real HTTP to both sandboxes, and
 * the independent audit at the end.
 *
 * One employee of ours ("Petra") books the awkward cases of a payroll customer: two overlapping
 * manual breaks, an autumn night shift across the DST change, an emoji-rich note against a
 * Personio that counts its comment limit in UTF-16 units, an entry whose timr duration does not
 * fit its times, and a Zeitausgleich against a Personio that refuses zero-length periods. A
 * second ("Otto") is mapped by an override to a Personio person that does not exist.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncTenantNow, updateTenantConfig } from '../../src/control/tenants.js';
import type { User, WorkingTime } from '../../src/clients/timr/schemas.js';
import { generateDemoData } from '../../src/sandbox/demo-data/index.js';
import { PersonioSandboxState, TimrSandboxState, syncMetadataOf } from '../../src/sandbox/sync-audit.js';
import type { TenantStatusView } from '../../src/workflows/types.js';
import { expectSyncInvariants, startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';

const MIN = 60_000;
const NOTE = '🚀 Übergabe ✅ '.repeat(80).trim(); // 959 code points, 1119 UTF-16 code units
const MISSING_PERSON = '77777777';

function user(id: string, firstname: string, lastname: string): User {
  return {
    id,
    login: id,
    firstname,
    lastname,
    fullname: `${firstname} ${lastname}`,
    email: `${firstname.toLowerCase()}@payroll.example`,
    employee_number: null,
    external_id: null,
    entry_date: '2024-01-01',
    resign_date: null,
    metadata: null,
  };
}

describe('payroll-exact hours (issue 7)', () => {
  const seed = generateDemoData({ seed: 5, tenants: 1, employees: 4, days: 7 });
  const tenant = seed.tenants[0]!;
  const petra = user('u-petra', 'Petra', 'Payroll');
  const otto = user('u-otto', 'Otto', 'Override');
  const work = tenant.timr.workingTimeTypes.find((t) => t.category === 'attendance_time')!;
  const zaType = tenant.timr.workingTimeTypes.find((t) => t.category === 'unpaid_time_off' && t.name === 'Zeitausgleich')!;

  /** An entry as timr derives it: duration = whole minutes from start to end less every break it counts. */
  const entry = (id: string, who: User, start: string, end: string, extra: Partial<WorkingTime> = {}): WorkingTime => {
    const breakTotal = extra.break_time_total_minutes ?? 0;
    const minutes = Math.floor((Date.parse(end) - Date.parse(start)) / MIN) - breakTotal;
    return {
      id,
      start,
      end,
      break_time_total_minutes: breakTotal,
      break_times: [],
      duration: { type: 'minutes', minutes, minutes_rounded: minutes },
      changed: false,
      notes: null,
      user: { id: who.id, firstname: who.firstname, lastname: who.lastname, fullname: who.fullname, email: who.email, employee_number: null, external_id: null },
      working_time_type: { id: work.id, name: work.name, external_id: work.external_id },
      status: 'changeable',
      last_modified: '2026-10-26T08:00:00Z',
      metadata: null,
      ...extra,
    };
  };
  const manual = (start: string, end: string) => ({ type: 'manual' as const, duration_minutes: (Date.parse(end) - Date.parse(start)) / MIN, start, end });

  const overlapping = entry('wt-overlap', petra, '2026-10-20T08:00:00+02:00', '2026-10-20T16:30:00+02:00', {
    break_time_total_minutes: 60,
    break_times: [manual('2026-10-20T12:00:00+02:00', '2026-10-20T12:30:00+02:00'), manual('2026-10-20T12:15:00+02:00', '2026-10-20T12:45:00+02:00')],
  });
  const nightShift = entry('wt-night', petra, '2026-10-24T22:00:00+02:00', '2026-10-25T06:00:00+01:00', {
    break_time_total_minutes: 30,
    break_times: [manual('2026-10-25T01:00:00+02:00', '2026-10-25T01:30:00+02:00')],
  });
  const emoji = entry('wt-emoji', petra, '2026-10-21T08:00:00+02:00', '2026-10-21T12:00:00+02:00', { notes: NOTE });
  const wrongDuration = entry('wt-wrong', petra, '2026-10-22T08:00:00+02:00', '2026-10-22T16:00:00+02:00', {
    duration: { type: 'minutes', minutes: 400, minutes_rounded: 400 },
  });
  const zeitausgleich = entry('wt-za', petra, '2026-10-23T08:00:00+02:00', '2026-10-23T16:00:00+02:00', {
    working_time_type: { id: zaType.id, name: zaType.name, external_id: zaType.external_id },
  });
  const overridden = entry('wt-otto', otto, '2026-10-20T09:00:00+02:00', '2026-10-20T17:00:00+02:00');

  tenant.timr.users.push(petra, otto);
  tenant.timr.workingTimes.push(overlapping, nightShift, emoji, wrongDuration, zeitausgleich, overridden);
  tenant.personio.persons.push({ id: '88000001', email: petra.email, first_name: 'Petra', last_name: 'Payroll', status: 'ACTIVE', employee_number: null });

  let fx: SyncFixture;
  let tenantId: string;
  let status: TenantStatusView;
  let timr: TimrSandboxState[string];
  let personio: PersonioSandboxState['tenants'][string];

  const entryNow = (id: string) => timr.workingTimes.find((e) => e.id === id)!;
  const periodsOf = (id: string) => {
    const record = syncMetadataOf(entryNow(id));
    expect(record, `entry ${id} carries our transfer record`).toBeDefined();
    return record!.periodIds.map((pid) => personio.attendancePeriods.find((p) => p.id === pid)!);
  };
  const minutesOf = (periods: ReturnType<typeof periodsOf>, type: 'WORK' | 'BREAK') =>
    periods.filter((p) => p.type === type).reduce((n, p) => n + (Date.parse(`${p.end!.date_time}Z`) - Date.parse(`${p.start.date_time}Z`)) / MIN, 0);
  const reasonOf = (id: string) => status.quarantined.find((q) => q.entryId === id)?.reason;

  beforeAll(async () => {
    fx = await startSyncFixture(seed);
    tenantId = fx.seed.tenants[0]!.id;
    // Personio counting its comment limit in UTF-16 units, and refusing start == end as its v1 API did.
    await fx.control.personioSettings({ commentMaxLength: 1000, zeroLengthPeriods: 'reject' });
    await fx.start(tenantId, { sync: { matching: { overrides: { [otto.id]: MISSING_PERSON } } } });
    status = await fx.waitForCycles(tenantId, 1, 90_000);
    timr = TimrSandboxState.parse(await fx.control.state('timr', tenantId))[tenantId]!;
    personio = PersonioSandboxState.parse(await fx.control.state('personio', tenantId)).tenants[tenantId]!;
  }, 120_000);
  afterAll(async () => {
    await fx?.teardown();
  });

  it('the tenant runs on the defaults the issue asks for', () => {
    expect(status.settings.sync).toMatchObject({ dst: 'preserve-duration', transferWhen: 'finished', zeitausgleich: { representation: 'zero-hours' } });
  });

  it('two overlapping manual breaks: Personio books the 450 minutes timr counts (was 465), breaks sized to timr total', () => {
    expect(entryNow(overlapping.id).status).toBe('locked');
    const periods = periodsOf(overlapping.id);
    expect(minutesOf(periods, 'WORK')).toBe(overlapping.duration!.minutes);
    expect(minutesOf(periods, 'BREAK')).toBe(overlapping.break_time_total_minutes);
  });

  it('an autumn night shift across the DST change books the 510 minutes worked (was 450), ending at 07:00 in Personio', () => {
    const periods = periodsOf(nightShift.id);
    expect(minutesOf(periods, 'WORK')).toBe(nightShift.duration!.minutes);
    expect(periods.at(-1)!.end!.date_time).toBe('2026-10-25T07:00:00');
  });

  it('an emoji-rich note over the UTF-16 limit is cut and transferred, not quarantined', () => {
    expect(reasonOf(emoji.id)).toBeUndefined();
    const comments = periodsOf(emoji.id).map((p) => p.comment!);
    expect(comments.length).toBeGreaterThan(0);
    for (const c of comments) {
      expect(c.length).toBeLessThanOrEqual(1000);
      expect(c.endsWith('…')).toBe(true);
      expect(NOTE.startsWith(c.slice(0, -1))).toBe(true);
    }
  });

  it('an entry whose timr duration does not fit its times is quarantined naming the entry, both figures and the fix, and books nothing', () => {
    expect(reasonOf(wrongDuration.id)).toMatch(
      /^timr entry wt-wrong-?\w* of Petra Payroll .* cannot be transferred: its Personio periods would book 480 min of work, timr counts 400 min \(duration\.minutes\); .*correct the entry in timr/,
    );
    expect(syncMetadataOf(entryNow(wrongDuration.id))).toBeUndefined();
  });

  it('a Zeitausgleich refused as a zero-length period is quarantined with a reason naming the setting to change', () => {
    expect(reasonOf(zeitausgleich.id)).toMatch(/Start time 2026-10-23T08:00:00 has to be smaller than end time/);
    expect(reasonOf(zeitausgleich.id)).toMatch(/sync\.zeitausgleich\.representation.*--set sync\.zeitausgleich\.representation=absence/);
  });

  it('an override to a Personio person that does not exist quarantines the entry naming the override and the fix', () => {
    expect(reasonOf(overridden.id)).toMatch(
      new RegExp(`Otto Override \\(timr user ${otto.id}\\) is mapped by an override to Personio person ${MISSING_PERSON}, which does not exist.*--set sync\\.matching\\.overrides\\.${otto.id}=`),
    );
  });

  it('the independent audit finds every eligible entry transferred with timr’s hours or quarantined', async () => {
    const audit = await expectSyncInvariants(fx, tenantId);
    expect(audit.hoursMismatch, JSON.stringify(audit.samples.hoursMismatch)).toBe(0);
    expect(audit.entriesTransferred).toBeGreaterThan(10);
  });

  it('sync.transferWhen approved: a finished entry waits until timr shows it approved, then is transferred', async () => {
    await updateTenantConfig(fx.env.client, tenantId, { sync: { ...status.settings.sync, transferWhen: 'approved' } });
    await fx.control.createWorkingTime(tenantId, {
      id: 'wt-approval',
      user_id: petra.id,
      working_time_type_id: work.id,
      start: '2026-10-19T08:00:00+02:00',
      end: '2026-10-19T12:00:00+02:00',
    });
    await syncTenantNow(fx.env.client, tenantId);
    let now = TimrSandboxState.parse(await fx.control.state('timr', tenantId))[tenantId]!.workingTimes.find((e) => e.start === '2026-10-19T08:00:00+02:00' && e.user.id === petra.id)!;
    expect(now.status).toBe('changeable');
    expect(syncMetadataOf(now)).toBeUndefined();

    await fx.control.editWorkingTime(tenantId, now.id, { status: 'approved' });
    await syncTenantNow(fx.env.client, tenantId);
    now = TimrSandboxState.parse(await fx.control.state('timr', tenantId))[tenantId]!.workingTimes.find((e) => e.id === now.id)!;
    expect(now.status).toBe('approved');
    expect(syncMetadataOf(now)?.periodIds).toHaveLength(1);
    // The audit reads transferWhen from the status: the changeable entries are not due.
    await expectSyncInvariants(fx, tenantId);
  });
});
