/**
 * timr user → Personio person. One key per strategy, explicit overrides first; anything
 * unclear (no key, no match, two matches) is a failure support can fix, never a guess.
 * Keys are compared trimmed and case-insensitively (`matching.normalizeKeys`, default on; e-mail
 * addresses always). An override to a person whose name differs from the timr user's is
 * followed — overrides exist for people whose keys differ — but said in a warning.
 */
import type { Person } from '../clients/personio/schemas.js';
import type { UserPartial } from '../clients/timr/schemas.js';
import type { MatchingConfig, MatchingStrategy } from './tenant-config.js';
import { describeUser } from './entry-label.js';

export interface PersonIndex {
  strategy: MatchingStrategy;
  normalizeKeys: boolean;
  overrides: Readonly<Record<string, string>>;
  /** Normalised key → ids of every person carrying it (more than one = ambiguous). */
  byKey: ReadonlyMap<string, readonly string[]>;
  persons: ReadonlyMap<string, Person>;
}

export type MatchResult = { ok: true; personId: string; warnings: string[] } | { ok: false; reason: string };

const STRATEGY_LABEL: Record<MatchingStrategy, string> = {
  email: 'e-mail',
  employee_number: 'employee number',
  external_id: 'external id',
};

/** E-mail addresses always compare trimmed and case-insensitively; other keys when `normalize` is on. */
function normalizeKey(strategy: MatchingStrategy, value: string | null | undefined, normalize: boolean): string | undefined {
  if (strategy !== 'email' && !normalize) return value === null || value === undefined || value.trim() === '' ? undefined : value;
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  return trimmed.toLowerCase();
}

const normalizeName = (name: string) => name.normalize('NFC').replace(/\s+/g, ' ').trim().toLocaleLowerCase('de');

/** "First Last" of a Personio person, or undefined when it has no name. */
export function personName(person: Pick<Person, 'first_name' | 'last_name'>): string | undefined {
  const name = [person.first_name, person.last_name].map((p) => p?.trim()).filter((p) => p).join(' ');
  return name === '' ? undefined : name;
}

/** Whether a Personio person's name differs from a timr user's (blanks and case aside); unknown names never differ. */
export function namesDiffer(person: Pick<Person, 'first_name' | 'last_name'>, user: Pick<UserPartial, 'firstname' | 'lastname' | 'fullname'>): boolean {
  const theirs = personName(person);
  const ours = [user.firstname, user.lastname].map((p) => p?.trim()).filter((p) => p).join(' ') || user.fullname?.trim();
  if (!theirs || !ours) return false;
  return normalizeName(theirs) !== normalizeName(ours);
}

/**
 * With `external_id`, the timr user's external id holds the Personio person id (that is what
 * provisioning from the Personio export writes), so persons are keyed by their id.
 */
function personKey(strategy: MatchingStrategy, person: Person, normalize: boolean): string | undefined {
  switch (strategy) {
    case 'email':
      return normalizeKey(strategy, person.email, normalize);
    case 'employee_number':
      return normalizeKey(strategy, person.employee_number, normalize);
    case 'external_id':
      return normalizeKey(strategy, person.id, normalize);
  }
}

function userKey(strategy: MatchingStrategy, user: UserPartial, normalize: boolean): string | undefined {
  switch (strategy) {
    case 'email':
      return normalizeKey(strategy, user.email, normalize);
    case 'employee_number':
      return normalizeKey(strategy, user.employee_number, normalize);
    case 'external_id':
      return normalizeKey(strategy, user.external_id, normalize);
  }
}

export function buildPersonIndex(persons: readonly Person[], matching: MatchingConfig): PersonIndex {
  const byKey = new Map<string, string[]>();
  for (const person of persons) {
    const key = personKey(matching.strategy, person, matching.normalizeKeys);
    if (key === undefined) continue;
    const ids = byKey.get(key) ?? [];
    if (!ids.includes(person.id)) ids.push(person.id);
    byKey.set(key, ids);
  }
  return {
    strategy: matching.strategy,
    normalizeKeys: matching.normalizeKeys,
    overrides: matching.overrides,
    byKey,
    persons: new Map(persons.map((p) => [p.id, p])),
  };
}

/** The warning for an override whose person carries another name than the timr user, or undefined. */
export function overrideNameWarning(user: UserPartial, person: Person): string | undefined {
  if (!namesDiffer(person, user)) return undefined;
  return (
    `${describeUser(user)} is mapped by an override to Personio person ${person.id}, whose name is ${personName(person) ?? '(none)'}; ` +
    `check the override for timr user ${user.id} under sync.matching.overrides (its hours are booked to that person)`
  );
}

export function matchUser(index: PersonIndex, user: UserPartial): MatchResult {
  const who = describeUser(user);
  const overrideHint = `or add an override for timr user ${user.id} under matching.overrides in the tenant config`;

  const override = index.overrides[user.id];
  if (override !== undefined) {
    const person = index.persons.get(override);
    if (person) {
      const warning = overrideNameWarning(user, person);
      return { ok: true, personId: override, warnings: warning ? [warning] : [] };
    }
    return {
      ok: false,
      reason:
        `${who} is mapped by an override to Personio person ${override}, which does not exist among the tenant's Personio persons; ` +
        `correct the override for timr user ${user.id} in the tenant config (timr-sync config <tenant> --set sync.matching.overrides.${user.id}=<Personio person id>, or --unset it)`,
    };
  }

  const label = STRATEGY_LABEL[index.strategy];
  const key = userKey(index.strategy, user, index.normalizeKeys);
  if (key === undefined) {
    return { ok: false, reason: `${who} has no ${label} in timr to match a Personio person by; add it in timr ${overrideHint}` };
  }
  const candidates = index.byKey.get(key) ?? [];
  if (candidates.length === 1) return { ok: true, personId: candidates[0] as string, warnings: [] };
  // As the user typed it in timr (the compared key may be lower-cased).
  const shown = index.strategy === 'email' ? key : (userKey(index.strategy, user, false)?.trim() ?? key);
  if (candidates.length === 0) {
    return { ok: false, reason: `${who}: no Personio person has the ${label} "${shown}"; make the ${label} the same in both systems ${overrideHint}` };
  }
  return {
    ok: false,
    reason: `${who}: ${candidates.length} Personio persons (${candidates.join(', ')}) share the ${label} "${shown}"; make it unique in Personio ${overrideHint}`,
  };
}
