/**
 * Working-time types the tenant still has to decide about. An entry of a non-attendance type is
 * never transferred on its own, and that is right for vacation — but an admin may have renamed
 * Zeitausgleich, or added a day-based "Zeitausgleich ganztägig" next to it, and then entries
 * that must book 0 hours were not booked and nobody heard of it. So every non-attendance type
 * that is neither recognised as Zeitausgleich nor ignored by configuration is listed with the
 * command for either decision; one that looks like a renamed Zeitausgleich is called out.
 */
import type { WorkingTimeType } from '../clients/timr/schemas.js';
import type { TypeDecision } from './entry-fates-schema.js';
import type { TenantSyncConfig } from './tenant-config.js';
import { isZeitausgleichType } from './zeitausgleich.js';

export type { TypeDecision };

/** Upper bound of the list (it sits in workflow state); a real account has a dozen types. */
export const TYPE_DECISION_LIMIT = 50;

const HINTS: { test: RegExp; what: string }[] = [
  { test: /ausgleich/i, what: '"ausgleich"' },
  { test: /(^|[^\p{L}\p{N}])za([^\p{L}\p{N}]|$)/iu, what: '"ZA"' },
  { test: /comp(ensatory|\.)?[\s-]*(time|day)/i, what: '"comp time"' },
  { test: /time[\s-]*off[\s-]*in[\s-]*lieu|(^|[^\p{L}])toil([^\p{L}]|$)/iu, what: '"time off in lieu"' },
  { test: /(ü|ue)berstunden|overtime/i, what: '"Überstunden"/"overtime"' },
];

/** Why a type looks like Zeitausgleich under another name, or undefined. */
export function zeitausgleichHint(type: Pick<WorkingTimeType, 'name' | 'short_name' | 'external_id' | 'category'>): string | undefined {
  if (type.category !== 'unpaid_time_off') return undefined;
  const fields: [string, string | null | undefined][] = [
    ['name', type.name],
    ['short name', type.short_name],
    ['external id', type.external_id],
  ];
  for (const [field, value] of fields) {
    if (!value) continue;
    const hint = HINTS.find((h) => h.test.test(value));
    if (hint) return `its ${field} "${value}" contains ${hint.what}`;
  }
  return undefined;
}

/**
 * The types awaiting a decision, suspected Zeitausgleich first, then by entries in the window.
 * `entriesByType` counts the window's entries per type id.
 */
export function undecidedTypes(types: readonly WorkingTimeType[], config: TenantSyncConfig, entriesByType: ReadonlyMap<string, number>): TypeDecision[] {
  const ignored = new Set(config.ignoreTypeIds);
  const za = config.zeitausgleich;
  // Configuring an id switches the name match off (see isZeitausgleichType): the command must
  // keep the types the names recognise today, or they would silently stop booking 0 hours.
  const byIds = za.typeIds.length > 0 || za.externalIds.length > 0;
  const recognisedNow = types.filter((t) => isZeitausgleichType(t, za)).map((t) => t.id);
  const decisions: TypeDecision[] = [];
  for (const t of types) {
    if (t.category === 'attendance_time' || ignored.has(t.id) || isZeitausgleichType(t, za)) continue;
    const entries = entriesByType.get(t.id) ?? 0;
    // An archived type nobody books any more needs no decision.
    if (t.archived && entries === 0) continue;
    const hint = zeitausgleichHint(t);
    decisions.push({
      typeId: t.id,
      name: t.name,
      externalId: t.external_id ?? null,
      category: t.category,
      entries,
      ...(hint && { zeitausgleichHint: hint }),
      zeitausgleichSettings: [...new Set([...(byIds ? [] : recognisedNow), t.id])].map((id) => `sync.zeitausgleich.typeIds+=${id}`),
      ignoreSetting: `sync.ignoreTypeIds+=${t.id}`,
    });
  }
  decisions.sort((a, b) => Number(Boolean(b.zeitausgleichHint)) - Number(Boolean(a.zeitausgleichHint)) || b.entries - a.entries || a.name.localeCompare(b.name));
  return decisions.slice(0, TYPE_DECISION_LIMIT);
}
