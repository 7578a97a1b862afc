/**
 * The wire shapes of entry fates and type decisions (plan, check and run results, tenant state).
 * Activities parse with these; workflow code imports the inferred types only (entry-fates.ts
 * holds the import-free vocabulary and the tally).
 */
import { z } from 'zod';
import { WorkingTimeTypeCategory } from '../clients/timr/schemas.js';
import { FATES } from './entry-fates.js';

export const Fate = z.enum(FATES);

/** Who and when (as in EntryLabel), plus what is particular to this entry. */
export const FateSample = z.object({
  entryId: z.string(),
  employee: z.string().optional(),
  date: z.string().optional(),
  detail: z.string().optional(),
});
export type FateSample = z.infer<typeof FateSample>;

export const FateGroup = z.object({
  fate: Fate,
  /** Shared by every entry of the group (per-entry words go into the sample's detail). */
  reason: z.string(),
  count: z.number().int().nonnegative(),
  /** The first entries of the group, at most FATE_SAMPLE_LIMIT. */
  sample: z.array(FateSample),
});
export type FateGroup = z.infer<typeof FateGroup>;

export const EntryFates = z.object({
  /** Ordered by FATES, then by count (largest first); at most FATE_GROUP_LIMIT. */
  groups: z.array(FateGroup),
});
export type EntryFates = z.infer<typeof EntryFates>;

/** Why an entry is quarantined, as a class of causes (the entry's reason says the particulars). */
export const QuarantineCode = z.enum(['entry-data', 'overlap', 'employee-match', 'vendor-refused']);
export type QuarantineCode = z.infer<typeof QuarantineCode>;

export const TypeDecision = z.object({
  typeId: z.string(),
  name: z.string(),
  externalId: z.string().nullable(),
  category: WorkingTimeTypeCategory,
  /** Entries of this type in the look-back window. */
  entries: z.number().int().nonnegative(),
  /** Why it looks like a renamed Zeitausgleich (only for `unpaid_time_off`); absent otherwise. */
  zeitausgleichHint: z.string().optional(),
  /**
   * `timr-sync config --set` arguments that make it a Zeitausgleich type, keeping the types the
   * names recognise today. Appends only, so the commands of several types can all be run.
   */
  zeitausgleichSettings: z.array(z.string()),
  /** `timr-sync config --set` argument that ignores it. */
  ignoreSetting: z.string(),
});
export type TypeDecision = z.infer<typeof TypeDecision>;
