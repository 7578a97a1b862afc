/**
 * timr user → Personio person. One key per strategy, explicit overrides first; anything
 * unclear (no key, no match, two matches) is a failure support can fix, never a guess.
 */
import type { Person } from '../clients/personio/schemas.js';
import type { UserPartial } from '../clients/timr/schemas.js';
import type { MatchingConfig, MatchingStrategy } from './tenant-config.js';
import { describeUser } from './entry-label.js';

export interface PersonIndex {
  strategy: MatchingStrategy;
  overrides: Readonly<Record<string, string>>;
  /** Normalised key → ids of every person carrying it (more than one = ambiguous). */
  byKey: ReadonlyMap<string, readonly string[]>;
  personIds: ReadonlySet<string>;
}

export type MatchResult = { ok: true; personId: string } | { ok: false; reason: string };

const STRATEGY_LABEL: Record<MatchingStrategy, string> = {
  email: 'e-mail',
  employee_number: 'employee number',
  external_id: 'external id',
};

/** E-mail addresses compare case-insensitively; all keys ignore surrounding blanks. */
function normalizeKey(strategy: MatchingStrategy, value: string | null | undefined): string | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  return strategy === 'email' ? trimmed.toLowerCase() : trimmed;
}

/**
 * With `external_id`, the timr user's external id holds the Personio person id (that is what
 * provisioning from the Personio export writes), so persons are keyed by their id.
 */
function personKey(strategy: MatchingStrategy, person: Person): string | undefined {
  switch (strategy) {
    case 'email':
      return normalizeKey(strategy, person.email);
    case 'employee_number':
      return normalizeKey(strategy, person.employee_number);
    case 'external_id':
      return normalizeKey(strategy, person.id);
  }
}

function userKey(strategy: MatchingStrategy, user: UserPartial): string | undefined {
  switch (strategy) {
    case 'email':
      return normalizeKey(strategy, user.email);
    case 'employee_number':
      return normalizeKey(strategy, user.employee_number);
    case 'external_id':
      return normalizeKey(strategy, user.external_id);
  }
}

export function buildPersonIndex(persons: readonly Person[], matching: MatchingConfig): PersonIndex {
  const byKey = new Map<string, string[]>();
  for (const person of persons) {
    const key = personKey(matching.strategy, person);
    if (key === undefined) continue;
    const ids = byKey.get(key) ?? [];
    if (!ids.includes(person.id)) ids.push(person.id);
    byKey.set(key, ids);
  }
  return { strategy: matching.strategy, overrides: matching.overrides, byKey, personIds: new Set(persons.map((p) => p.id)) };
}

export function matchUser(index: PersonIndex, user: UserPartial): MatchResult {
  const who = describeUser(user);
  const overrideHint = `or add an override for timr user ${user.id} under matching.overrides in the tenant config`;

  const override = index.overrides[user.id];
  if (override !== undefined) {
    if (index.personIds.has(override)) return { ok: true, personId: override };
    return {
      ok: false,
      reason: `${who} is mapped by an override to Personio person ${override}, which does not exist among the tenant's Personio persons; correct the override for timr user ${user.id} in the tenant config`,
    };
  }

  const label = STRATEGY_LABEL[index.strategy];
  const key = userKey(index.strategy, user);
  if (key === undefined) {
    return { ok: false, reason: `${who} has no ${label} in timr to match a Personio person by; add it in timr ${overrideHint}` };
  }
  const candidates = index.byKey.get(key) ?? [];
  if (candidates.length === 1) return { ok: true, personId: candidates[0] as string };
  if (candidates.length === 0) {
    return { ok: false, reason: `${who}: no Personio person has the ${label} "${key}"; make the ${label} the same in both systems ${overrideHint}` };
  }
  return {
    ok: false,
    reason: `${who}: ${candidates.length} Personio persons (${candidates.join(', ')}) share the ${label} "${key}"; make it unique in Personio ${overrideHint}`,
  };
}
