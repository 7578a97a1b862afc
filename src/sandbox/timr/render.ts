/**
 * Stored records → the response shapes of the vendor spec. The spec marks several members
 * required-but-nullable that our wire schemas keep optional (the client tolerates their
 * absence); the sandbox always sends them, as the real API does.
 */
import type { DeletedEntry, User, WorkingTime, WorkingTimeType } from '../../clients/timr/schemas.js';

export function renderWorkingTime(entry: WorkingTime) {
  return {
    ...entry,
    working_time_date_span: null,
    start_location: null,
    end_location: null,
    start_platform: null,
    end_platform: null,
    last_modified_by: entry.last_modified_by ?? null,
    metadata: entry.metadata ?? null,
  };
}

export function renderWorkingTimeType(type: WorkingTimeType) {
  return {
    ...type,
    description: type.description ?? null,
    recording_mode_user: type.recording_mode_user ?? 'allowed',
  };
}

export function renderUser(user: User) {
  return {
    ...user,
    entry_date: user.entry_date ?? null,
    resign_date: user.resign_date ?? null,
    metadata: user.metadata ?? null,
  };
}

export function renderDeleted(entry: DeletedEntry) {
  return { ...entry, metadata: entry.metadata ?? null };
}
