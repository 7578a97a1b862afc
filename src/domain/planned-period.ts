import { z } from 'zod';
import { LocalDateTime, PeriodType } from '../clients/personio/schemas.js';

/** One Personio attendance period as the transform plans it (local times, no offset). */
export const PlannedPeriod = z.object({
  type: PeriodType,
  start: LocalDateTime,
  end: LocalDateTime,
  comment: z.string().optional(),
});
export type PlannedPeriod = z.infer<typeof PlannedPeriod>;
