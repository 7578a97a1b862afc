/**
 * What people do in timr while the sync runs: admins change locked (transferred) entries —
 * in place, or unlocking them first as timr's UI does — or only unlock them; employees fix
 * their untransferred entries, delete entries (transferred or not) and record new ones; now
 * and then someone books the same shift twice. Every action goes through the sandbox control
 * API (as timr's own UI would, bypassing the API lock) and picks its target from the current
 * state with the soak's seeded PRNG.
 */
import type { WorkingTime, WorkingTimeType } from '../../clients/timr/schemas.js';
import type { SandboxControl } from '../../sandbox/index.js';
import type { Random } from './random.js';

export type HumanAction =
  | 'editLocked'
  | 'unlockAndEdit'
  | 'unlock'
  | 'editUntransferred'
  | 'deleteTransferred'
  | 'deleteUntransferred'
  | 'create'
  | 'doubleBooking';

/** Relative weights; double bookings are rare on purpose (at most MAX_DOUBLE_BOOKINGS per soak). */
const WEIGHTS: [HumanAction, number][] = [
  ['editLocked', 18],
  ['unlockAndEdit', 14],
  ['unlock', 8],
  ['editUntransferred', 10],
  ['deleteTransferred', 10],
  ['deleteUntransferred', 8],
  ['create', 16],
  ['doubleBooking', 2],
];
const MAX_DOUBLE_BOOKINGS = 2;

export interface HumanTenant {
  tenantId: string;
  timezone: string;
}

interface TimrTenantView {
  workingTimes: WorkingTime[];
  workingTimeTypes: WorkingTimeType[];
  users: { id: string }[];
}

export interface HumanActionRecord {
  at: number;
  tenantId: string;
  action: HumanAction;
  entryId: string;
  detail?: string;
}

const MINUTE_MS = 60_000;
const OFFSET = /(Z|[+-]\d{2}:\d{2})$/;

function offsetMinutesOf(instant: string): number {
  const m = OFFSET.exec(instant)?.[1];
  if (!m || m === 'Z') return 0;
  const sign = m.startsWith('-') ? -1 : 1;
  return sign * (Number(m.slice(1, 3)) * 60 + Number(m.slice(4, 6)));
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** The instant `minutes` later, written with the same offset as the input (as the device would). */
export function shiftInstant(instant: string, minutes: number): string {
  const offset = offsetMinutesOf(instant);
  const ms = Date.parse(instant) + minutes * MINUTE_MS;
  return `${new Date(ms + offset * MINUTE_MS).toISOString().slice(0, 19)}${formatOffset(offset)}`;
}

function zoneOffsetMinutes(timezone: string, ms: number): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone: timezone, timeZoneName: 'longOffset' }).formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

/** Local wall time in the zone as an RFC 3339 instant with that zone's offset. */
export function localInstant(timezone: string, date: string, time: string): string {
  const wall = Date.parse(`${date}T${time}:00Z`);
  let offset = zoneOffsetMinutes(timezone, wall);
  offset = zoneOffsetMinutes(timezone, wall - offset * MINUTE_MS);
  return `${date}T${time}:00${formatOffset(offset)}`;
}

const DAY_MS = 86_400_000;

export class Humans {
  readonly counts: Record<HumanAction, number> = {
    editLocked: 0,
    unlockAndEdit: 0,
    unlock: 0,
    editUntransferred: 0,
    deleteTransferred: 0,
    deleteUntransferred: 0,
    create: 0,
    doubleBooking: 0,
  };
  /** Actions whose target was gone or that the sandbox refused (the state moved on meanwhile). */
  refused = 0;
  readonly log: HumanActionRecord[] = [];
  private created = 0;

  constructor(
    private readonly control: SandboxControl,
    private readonly random: Random,
    private readonly tenants: HumanTenant[],
    private readonly startedAt: number,
  ) {}

  summary(): Record<string, number> {
    const c = this.counts;
    return {
      edits: c.editLocked + c.unlockAndEdit + c.editUntransferred,
      editsOfLocked: c.editLocked,
      unlocksWithEdit: c.unlockAndEdit,
      unlocks: c.unlock,
      editsOfUntransferred: c.editUntransferred,
      deletions: c.deleteTransferred + c.deleteUntransferred,
      deletionsOfTransferred: c.deleteTransferred,
      deletionsOfUntransferred: c.deleteUntransferred,
      creations: c.create,
      doubleBookings: c.doubleBooking,
      refused: this.refused,
    };
  }

  private pickAction(): HumanAction {
    const weights = WEIGHTS.filter(([a]) => a !== 'doubleBooking' || this.counts.doubleBooking < MAX_DOUBLE_BOOKINGS);
    let x = this.random.float() * weights.reduce((s, [, w]) => s + w, 0);
    for (const [a, w] of weights) {
      x -= w;
      if (x < 0) return a;
    }
    return weights[0]![0];
  }

  /** One action on a random tenant; returns what was done, or undefined when nothing fitted. */
  async act(tenant: HumanTenant = this.random.pick(this.tenants), action: HumanAction = this.pickAction()): Promise<HumanActionRecord | undefined> {
    const state = (await this.control.state<Record<string, TimrTenantView>>('timr', tenant.tenantId))[tenant.tenantId];
    if (!state) return undefined;
    const types = new Map(state.workingTimeTypes.map((t) => [t.id, t]));
    const finished = state.workingTimes.filter((w) => w.end !== null).sort((a, b) => a.id.localeCompare(b.id));
    const isTransferred = (w: WorkingTime) => w.status === 'locked' && w.metadata != null && Object.keys(w.metadata).length > 0;
    const transferred = finished.filter(isTransferred);
    const untransferred = finished.filter((w) => w.status === 'changeable');
    const byMinutes = (w: WorkingTime) => w.duration === null || w.duration.type === 'minutes';

    try {
      switch (action) {
        case 'editLocked': {
          const entry = this.pickOf(transferred);
          if (!entry) return undefined;
          const change = this.contentChange(entry, state.workingTimes, byMinutes(entry));
          await this.control.editWorkingTime(tenant.tenantId, entry.id, change.patch);
          return this.record(tenant, action, entry.id, change.detail);
        }
        case 'unlockAndEdit': {
          const entry = this.pickOf(transferred);
          if (!entry) return undefined;
          const change = this.contentChange(entry, state.workingTimes, byMinutes(entry));
          await this.control.editWorkingTime(tenant.tenantId, entry.id, { status: 'changeable', ...change.patch });
          return this.record(tenant, action, entry.id, change.detail);
        }
        case 'unlock': {
          const entry = this.pickOf(transferred);
          if (!entry) return undefined;
          await this.control.editWorkingTime(tenant.tenantId, entry.id, { status: 'changeable' });
          return this.record(tenant, action, entry.id);
        }
        case 'editUntransferred': {
          const entry = this.pickOf(untransferred);
          if (!entry) return undefined;
          const change = this.contentChange(entry, state.workingTimes, byMinutes(entry));
          await this.control.editWorkingTime(tenant.tenantId, entry.id, change.patch);
          return this.record(tenant, action, entry.id, change.detail);
        }
        case 'deleteTransferred':
        case 'deleteUntransferred': {
          const entry = this.pickOf(action === 'deleteTransferred' ? transferred : untransferred);
          if (!entry) return undefined;
          await this.control.deleteWorkingTime(tenant.tenantId, entry.id);
          return this.record(tenant, action, entry.id, entry.status);
        }
        case 'create':
          return await this.create(tenant, state, types);
        case 'doubleBooking': {
          const entry = this.pickOf(finished.filter((w) => types.get(w.working_time_type.id)?.category === 'attendance_time' && byMinutes(w)));
          if (!entry) return undefined;
          const id = `${tenant.tenantId}-chaos-dup-${++this.created}`;
          await this.control.createWorkingTime(tenant.tenantId, {
            id,
            start: entry.start,
            end: entry.end,
            user_id: entry.user.id,
            working_time_type_id: entry.working_time_type.id,
            break_times: entry.break_times.filter((b) => b.type !== 'ongoing').map((b) => ({ type: b.type, duration_minutes: b.duration_minutes, start: b.start ?? null, end: b.end ?? null })),
            notes: entry.notes,
          });
          return this.record(tenant, action, id, `same shift as ${entry.id}`);
        }
      }
    } catch (err) {
      // The target changed between our read and the edit (the sync locked it, someone deleted it).
      this.refused++;
      this.log.push({ at: this.elapsed(), tenantId: tenant.tenantId, action, entryId: '(refused)', detail: (err as Error).message.slice(0, 200) });
      return undefined;
    }
  }

  private elapsed(): number {
    return Math.round((Date.now() - this.startedAt) / 100) / 10;
  }

  private record(tenant: HumanTenant, action: HumanAction, entryId: string, detail?: string): HumanActionRecord {
    this.counts[action]++;
    const rec: HumanActionRecord = { at: this.elapsed(), tenantId: tenant.tenantId, action, entryId, ...(detail !== undefined && { detail }) };
    this.log.push(rec);
    return rec;
  }

  private pickOf(entries: WorkingTime[]): WorkingTime | undefined {
    return entries.length === 0 ? undefined : this.random.pick(entries);
  }

  /**
   * New notes, and for entries timed by the minute sometimes a new end (15–45 minutes later or
   * 15 earlier), kept clear of the employee's other entries and of the entry's breaks.
   */
  private contentChange(entry: WorkingTime, all: WorkingTime[], timed: boolean): { patch: Record<string, unknown>; detail: string } {
    const notes = `${entry.notes ?? ''}${entry.notes ? ' ' : ''}[korrigiert ${this.random.int(100, 999)}]`.slice(-900);
    if (!timed || entry.end === null || this.random.chance(0.45)) return { patch: { notes }, detail: 'notes' };
    const delta = this.random.pick([-15, 15, 30, 45]);
    const end = shiftInstant(entry.end, delta);
    const endMs = Date.parse(end);
    const lastBreakEnd = Math.max(0, ...entry.break_times.map((b) => (b.type !== 'ongoing' && b.end ? Date.parse(b.end) : 0)));
    const minEnd = Date.parse(entry.start) + (entry.break_time_total_minutes + 15) * MINUTE_MS;
    const clashes = all.some((o) => o.id !== entry.id && o.user.id === entry.user.id && Date.parse(o.start) < endMs + MINUTE_MS && (o.end === null ? Infinity : Date.parse(o.end)) > Date.parse(entry.start));
    if (endMs <= lastBreakEnd || endMs < minEnd || clashes) return { patch: { notes }, detail: 'notes' };
    return { patch: { end, notes }, detail: `end ${delta > 0 ? '+' : ''}${delta} min` };
  }

  /** A new finished entry on a day the employee has none, inside the demo data's span up to yesterday. */
  private async create(tenant: HumanTenant, state: TimrTenantView, types: Map<string, WorkingTimeType>): Promise<HumanActionRecord | undefined> {
    const attendance = [...types.values()].filter((t) => t.category === 'attendance_time' && !t.archived && t.recording_mode_user !== 'by_request');
    const users = [...new Set(state.workingTimes.map((w) => w.user.id))].sort();
    if (attendance.length === 0 || users.length === 0) return undefined;
    const first = Math.min(...state.workingTimes.map((w) => Date.parse(w.start)));
    const last = Date.now() - DAY_MS;
    for (let tries = 0; tries < 30; tries++) {
      const userId = this.random.pick(users);
      const date = new Date(first + this.random.float() * Math.max(DAY_MS, last - first)).toISOString().slice(0, 10);
      const startHour = this.random.int(6, 12);
      const startMin = this.random.pick([0, 15, 30, 45]);
      const hours = this.random.int(2, 7);
      const pad = (n: number) => String(n).padStart(2, '0');
      const start = localInstant(tenant.timezone, date, `${pad(startHour)}:${pad(startMin)}`);
      const end = localInstant(tenant.timezone, date, `${pad(startHour + hours)}:${pad(startMin)}`);
      // Clear of the employee's entries that day (a margin of an hour either side).
      const from = Date.parse(start) - 60 * MINUTE_MS;
      const to = Date.parse(end) + 60 * MINUTE_MS;
      const busy = state.workingTimes.some((w) => w.user.id === userId && Date.parse(w.start) < to && (w.end === null ? Infinity : Date.parse(w.end)) > from);
      if (busy || Date.parse(end) > Date.now()) continue;
      const withBreak = hours >= 6;
      const id = `${tenant.tenantId}-chaos-new-${++this.created}`;
      await this.control.createWorkingTime(tenant.tenantId, {
        id,
        start,
        end,
        user_id: userId,
        working_time_type_id: this.random.pick(attendance).id,
        notes: this.random.chance(0.5) ? `Nachgetragen (${id.slice(-6)})` : null,
        ...(withBreak && { break_times: [{ type: 'manual', start: shiftInstant(start, 180), end: shiftInstant(start, 210) }] }),
      });
      // Our own view of the state, so a second creation in this call cannot pick the same slot.
      state.workingTimes.push({ id, start, end, user: { id: userId } } as WorkingTime);
      return this.record(tenant, 'create', id, `${date} ${pad(startHour)}:${pad(startMin)}+${hours}h`);
    }
    return undefined;
  }
}
