/**
 * How the sync should recognise a demo tenant's Zeitausgleich types. Demo accounts have two
 * (by the minute and by the day) and one tenant in three renamed them, so the default match on
 * the name "Zeitausgleich" is not enough: onboarding a demo tenant should pass these ids.
 */
import type { TenantSeed } from '../seed.js';

export interface ZeitausgleichMatch {
  typeIds: string[];
  externalIds: string[];
  names: string[];
}

/** In demo accounts every `unpaid_time_off` type is a Zeitausgleich type. */
export function zeitausgleichMatchFor(tenant: TenantSeed): ZeitausgleichMatch {
  const types = tenant.timr.workingTimeTypes.filter((t) => t.category === 'unpaid_time_off' && !t.archived);
  return {
    typeIds: types.map((t) => t.id),
    externalIds: [...new Set(types.flatMap((t) => (t.external_id ? [t.external_id] : [])))],
    names: types.map((t) => t.name),
  };
}
