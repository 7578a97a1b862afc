/**
 * The audit's own reading of the vendors' state (the sandboxes' `GET /_sandbox/state`, or what
 * the vendor APIs return, passed on unparsed by `timr-sync audit`): only the
 * members it judges, everything else passed through. Deliberately not the product's wire
 * schemas or its metadata reader — an oracle that parsed with the code it checks would share
 * that code's mistakes.
 */
import { z } from 'zod';

/** Where the product writes its transfer record in a timr entry's `metadata`. */
export const TRANSFER_RECORD_KEY = 'personioSync';

export const TransferRecord = z.object({
  periodIds: z.array(z.string()),
  personId: z.string(),
  fingerprint: z.string(),
  run: z.string(),
});
export type TransferRecord = z.infer<typeof TransferRecord>;

const Metadata = z.record(z.string(), z.unknown()).nullable().optional();

export const RawEntry = z.looseObject({
  id: z.string(),
  start: z.string(),
  end: z.string().nullable(),
  break_time_total_minutes: z.number().optional(),
  duration: z.looseObject({ type: z.string(), minutes: z.number() }).nullable().optional(),
  user: z.looseObject({ id: z.string() }),
  working_time_type: z.looseObject({ id: z.string(), name: z.string(), external_id: z.string().nullable().optional() }),
  status: z.string(),
  /** timr's change stamp: a repair applies only while the entry is still as audited. */
  last_modified: z.string().optional(),
  metadata: Metadata,
});
export type RawEntry = z.infer<typeof RawEntry>;

export const RawType = z.looseObject({ id: z.string(), name: z.string(), external_id: z.string().nullable().optional(), category: z.string() });
export type RawType = z.infer<typeof RawType>;

export const RawDeleted = z.looseObject({ id: z.string(), metadata: Metadata });
export type RawDeleted = z.infer<typeof RawDeleted>;

export const RawTimrState = z.record(
  z.string(),
  z.looseObject({ workingTimes: z.array(RawEntry), workingTimeTypes: z.array(RawType), deleted: z.array(RawDeleted).default([]) }),
);
export type RawTimrState = z.infer<typeof RawTimrState>;

export const RawPeriod = z.looseObject({
  id: z.string(),
  person: z.looseObject({ id: z.string() }),
  type: z.string(),
  start: z.looseObject({ date_time: z.string() }),
  end: z.looseObject({ date_time: z.string() }).nullable().optional(),
  comment: z.string().nullable().optional(),
});
export type RawPeriod = z.infer<typeof RawPeriod>;

export const RawAbsence = z.looseObject({
  id: z.string(),
  person: z.looseObject({ id: z.string() }),
  absence_type: z.looseObject({ id: z.string() }),
  starts_from: z.looseObject({ date_time: z.string() }),
  ends_at: z.looseObject({ date_time: z.string() }).nullable().optional(),
  comment: z.string().nullable().optional(),
});
export type RawAbsence = z.infer<typeof RawAbsence>;

export const RawPersonioState = z.object({
  tenants: z.record(
    z.string(),
    z.looseObject({
      persons: z.array(z.looseObject({ id: z.string() })).default([]),
      attendancePeriods: z.array(RawPeriod),
      absencePeriods: z.array(RawAbsence).default([]),
    }),
  ),
});
export type RawPersonioState = z.infer<typeof RawPersonioState>;

/** Our transfer record in an entry's (or a deletion row's) metadata; undefined when absent or malformed. */
export function transferRecordOf(holder: { metadata?: Record<string, unknown> | null }): TransferRecord | undefined {
  const parsed = TransferRecord.safeParse(holder.metadata?.[TRANSFER_RECORD_KEY]);
  return parsed.success ? parsed.data : undefined;
}

/** How the product's transfer record names an absence period (Zeitausgleich booked as time off). */
export const ABSENCE_RECORD_PREFIX = 'absence:';

/** An absence period judged like an attendance period of type ABSENCE, under the id our record gives it. */
export function absenceAsPeriod(a: RawAbsence): RawPeriod {
  return {
    id: `${ABSENCE_RECORD_PREFIX}${a.id}`,
    person: a.person,
    type: 'ABSENCE',
    start: a.starts_from,
    end: a.ends_at ?? null,
    comment: a.comment ?? null,
  };
}
