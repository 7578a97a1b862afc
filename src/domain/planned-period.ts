import type { PeriodType } from '../clients/personio/schemas.js';
import type { LocalDateTime } from './time-zone.js';

/** One Personio attendance period as the transform plans it (local times, no offset). */
export interface PlannedPeriod {
  type: PeriodType;
  start: LocalDateTime;
  end: LocalDateTime;
  comment?: string;
}
