/**
 * Options of the demo data generator. The defaults give three tenants of eight employees over
 * two weeks that contain the Europe/Vienna fall-back change on Sunday 2026-10-25.
 */
import { z } from 'zod';
import { assertKnownTimeZone } from './zone-clock.js';

/** Monday of the week before the 2026 autumn DST change in Europe/Vienna. */
export const DEFAULT_START_DATE = '2026-10-19';
export const DEFAULT_TIMEZONE = 'Europe/Vienna';
/** Below these, the last day cannot hold the running, paused and DST cases at once. */
export const MIN_EMPLOYEES = 4;
export const MIN_DAYS = 7;

function isCalendarDate(value: string): boolean {
  const ms = Date.parse(`${value}T00:00:00Z`);
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === value;
}

function isKnownTimeZone(zone: string): boolean {
  try {
    assertKnownTimeZone(zone);
    return true;
  } catch {
    return false;
  }
}

export const DemoDataOptions = z.object({
  seed: z.number().int('seed must be an integer').default(1),
  tenants: z.number().int().min(1, 'tenants must be at least 1').max(10_000).default(3),
  employees: z
    .number()
    .int()
    .min(MIN_EMPLOYEES, `employees must be at least ${MIN_EMPLOYEES} so every tenant has room for every scenario`)
    .max(1_000_000)
    .default(8),
  days: z
    .number()
    .int()
    .min(MIN_DAYS, `days must be at least ${MIN_DAYS} so the range holds a weekend and every scenario`)
    .max(3_660)
    .default(14),
  startDate: z
    .string()
    .regex(/^(19[7-9]\d|2\d{3})-\d{2}-\d{2}$/, 'startDate must be YYYY-MM-DD, year 1970 or later')
    .refine(isCalendarDate, 'startDate is not a calendar date')
    .default(DEFAULT_START_DATE),
  timezone: z
    .string()
    .refine(isKnownTimeZone, 'timezone must be an IANA zone name such as "Europe/Vienna"')
    .default(DEFAULT_TIMEZONE),
});
export type DemoDataInput = z.input<typeof DemoDataOptions>;
export type DemoDataSettings = z.output<typeof DemoDataOptions>;

export function resolveDemoDataOptions(input: DemoDataInput = {}): DemoDataSettings {
  const parsed = DemoDataOptions.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`);
    throw new RangeError(`invalid demo data options — ${problems.join('; ')}`);
  }
  return parsed.data;
}
