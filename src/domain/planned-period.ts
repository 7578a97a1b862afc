import { z } from 'zod';
import { LocalDateTime } from '../clients/personio/schemas.js';

/**
 * One Personio record as the transform plans it (local times, no offset): an attendance period
 * (WORK or BREAK) or, for a Zeitausgleich under `sync.zeitausgleich.representation = absence`,
 * an absence period of `absenceTypeId`.
 */
export const PlannedPeriod = z
  .object({
    type: z.enum(['WORK', 'BREAK', 'ABSENCE']),
    start: LocalDateTime,
    end: LocalDateTime,
    comment: z.string().optional(),
    absenceTypeId: z.string().min(1).optional(),
  })
  .refine((p) => (p.type === 'ABSENCE') === (p.absenceTypeId !== undefined), { message: 'an ABSENCE (and only an ABSENCE) names its absenceTypeId', path: ['absenceTypeId'] });
export type PlannedPeriod = z.infer<typeof PlannedPeriod>;

/**
 * Our transfer record keeps the ids of both kinds in one list; absence ids carry this prefix, so
 * every reader (deletes, reconcile, the audit) knows which endpoint holds them.
 */
export const ABSENCE_ID_PREFIX = 'absence:';
export const isAbsenceId = (id: string): boolean => id.startsWith(ABSENCE_ID_PREFIX);
export const absenceRecordId = (personioId: string): string => `${ABSENCE_ID_PREFIX}${personioId}`;
export const personioAbsenceId = (recordId: string): string => recordId.slice(ABSENCE_ID_PREFIX.length);
