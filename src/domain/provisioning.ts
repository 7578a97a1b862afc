/**
 * Provisioning timr users from Personio employees (the API or an export file): the pure rules.
 * One row per employee is planned against timr's users with the tenant's matching strategy —
 * create, already there, conflict, invalid — and nothing existing is ever changed: a user that
 * is there but disagrees with the row is a conflict for a person to resolve, not an update.
 *
 * Rows are plain strings as the source gave them (after date normalisation by the reader), so
 * the same rules judge the Personio API and every export layout.
 */
import { z } from 'zod';
import type { User } from '../clients/timr/schemas.js';
import type { ProvisionOutcome } from './provision-report.js';
import type { MatchingStrategy } from './tenant-config.js';

export type { ProvisionOutcome };

/** timr's login pattern (specs/timr-v1-openapi.yaml, UserCreate.login). */
export const TIMR_LOGIN_PATTERN = /^[A-Za-z0-9!#$%&'*+/=@.?^_`{|}~-]*$/;

/** Where provisioning records itself in a created user's metadata (the sync's key is `personioSync`). */
export const PROVISION_METADATA_KEY = 'personioProvisioning';

/** One employee as read from Personio or an export file; every field optional until validated. */
export const ProvisionRow = z.object({
  /** Line in the export file (header = line 1); absent for the Personio API. */
  line: z.number().int().positive().optional(),
  personId: z.string().optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  email: z.string().optional(),
  employeeNumber: z.string().optional(),
  /** YYYY-MM-DD, as normalised by the reader. */
  hireDate: z.string().optional(),
  terminationDate: z.string().optional(),
  /** Personio status (active, inactive, onboarding, leave) when the source has one. */
  status: z.string().optional(),
  /** A problem the reader already found (an unreadable date, a cell it could not read). */
  problem: z.string().optional(),
  /** The reader saw the same e-mail or key earlier in the source ("line 7"): a conflict. */
  duplicateOf: z.string().optional(),
});
export type ProvisionRow = z.infer<typeof ProvisionRow>;

/** The validated employee and the timr user that would be created for it. */
export interface ValidEmployee {
  row: ProvisionRow;
  email: string;
  login: string;
  firstName: string;
  lastName: string;
  employeeNumber?: string;
  personId?: string;
  hireDate?: string;
  terminationDate?: string;
}

export function rowLocation(row: ProvisionRow): string {
  if (row.line !== undefined) return `line ${row.line}`;
  if (row.personId) return `Personio person ${row.personId}`;
  return 'row';
}

export function rowLabel(row: ProvisionRow): string {
  const name = [row.firstName?.trim(), row.lastName?.trim()].filter(Boolean).join(' ');
  const email = row.email?.trim();
  const number = row.employeeNumber?.trim();
  const parts = [name || '(no name)', email ? `<${email}>` : '', number ? `#${number}` : ''].filter(Boolean);
  return parts.join(' ');
}

const Email = z.email();
const ADDRESS_SHAPE = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const IsoDate = /^\d{4}-\d{2}-\d{2}$/;

function validDate(value: string): boolean {
  if (!IsoDate.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

const blankToUndefined = (v: string | undefined) => {
  const t = v?.trim();
  return t ? t : undefined;
};

/** The login timr gets for an e-mail: the address itself, lower case (e-mail addresses are case-insensitive in practice). */
export function loginFromEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** A row that can become a timr user, or the reason it cannot (naming the field to fix). */
export function validateRow(row: ProvisionRow, strategy: MatchingStrategy): { ok: true; employee: ValidEmployee } | { ok: false; reason: string } {
  if (row.problem) return { ok: false, reason: row.problem };
  const firstName = blankToUndefined(row.firstName);
  const lastName = blankToUndefined(row.lastName);
  const email = blankToUndefined(row.email);
  const employeeNumber = blankToUndefined(row.employeeNumber);
  const personId = blankToUndefined(row.personId);
  const hireDate = blankToUndefined(row.hireDate);
  const terminationDate = blankToUndefined(row.terminationDate);
  const missing = [!firstName && 'first name', !lastName && 'last name', !email && 'e-mail'].filter(Boolean);
  if (missing.length > 0) return { ok: false, reason: `no ${missing.join(', ')}: timr users are created with names and an e-mail (the login); fill it in Personio` };
  const notAnAddress = { ok: false as const, reason: `e-mail "${email}" is not a valid address; correct it in Personio` };
  if (!ADDRESS_SHAPE.test(email as string)) return notAnAddress;
  const login = loginFromEmail(email as string);
  // Before the strict check: an address with umlauts is a real address, it just cannot be a login.
  if (!TIMR_LOGIN_PATTERN.test(login)) {
    return { ok: false, reason: `e-mail "${email}" cannot be a timr login (allowed: letters A–Z, digits and !#$%&'*+/=@.?^_\`{|}~-); use an ASCII address in Personio or create this user in timr by hand` };
  }
  if (!Email.safeParse(email).success) return notAnAddress;
  if (strategy === 'employee_number' && !employeeNumber) {
    return { ok: false, reason: 'no employee number, but the tenant matches employees by employee number; fill it in Personio (or add the column to the export)' };
  }
  if (strategy === 'external_id' && !personId) {
    return { ok: false, reason: "no Personio ID, but the tenant matches employees by timr external id = Personio person id; export the ID column (or use --columns id=<header>)" };
  }
  if (hireDate !== undefined && !validDate(hireDate)) return { ok: false, reason: `hire date "${hireDate}" is not a date (YYYY-MM-DD)` };
  if (terminationDate !== undefined && !validDate(terminationDate)) return { ok: false, reason: `termination date "${terminationDate}" is not a date (YYYY-MM-DD)` };
  if (hireDate && terminationDate && terminationDate < hireDate) {
    return { ok: false, reason: `termination date ${terminationDate} is before the hire date ${hireDate}; correct one of them in Personio` };
  }
  return {
    ok: true,
    employee: {
      row,
      email: email as string,
      login,
      firstName: firstName as string,
      lastName: lastName as string,
      ...(employeeNumber !== undefined && { employeeNumber }),
      ...(personId !== undefined && { personId }),
      ...(hireDate !== undefined && { hireDate }),
      ...(terminationDate !== undefined && { terminationDate }),
    },
  };
}

const norm = (v: string | null | undefined) => v?.trim().toLowerCase() || undefined;

function describeTimrUser(u: User): string {
  const name = u.fullname?.trim() || [u.firstname, u.lastname].filter(Boolean).join(' ') || '(no name)';
  return `timr user ${u.id} (${name}${u.email ? ` <${u.email.trim()}>` : ''}${u.employee_number ? ` #${u.employee_number.trim()}` : ''})`;
}

/** The user's key under the strategy, normalised as matching compares it. */
function userKey(strategy: MatchingStrategy, u: User): string | undefined {
  if (strategy === 'email') return norm(u.email);
  if (strategy === 'employee_number') return norm(u.employee_number);
  return norm(u.external_id);
}

function employeeKey(strategy: MatchingStrategy, e: ValidEmployee): string {
  if (strategy === 'email') return norm(e.email) as string;
  if (strategy === 'employee_number') return norm(e.employeeNumber) as string;
  return norm(e.personId) as string;
}

const STRATEGY_LABEL: Record<MatchingStrategy, string> = { email: 'e-mail', employee_number: 'employee number', external_id: 'external id (Personio ID)' };

/** timr's users indexed the ways a row is looked up. Built once per batch from GET /users. */
export interface UserIndex {
  strategy: MatchingStrategy;
  byKey: Map<string, User[]>;
  byEmail: Map<string, User[]>;
  byLogin: Map<string, User>;
}

function push<K>(map: Map<K, User[]>, key: K | undefined, u: User): void {
  if (key === undefined) return;
  const list = map.get(key);
  if (list) list.push(u);
  else map.set(key, [u]);
}

export function indexUsers(users: readonly User[], strategy: MatchingStrategy): UserIndex {
  const index: UserIndex = { strategy, byKey: new Map(), byEmail: new Map(), byLogin: new Map() };
  for (const u of users) {
    push(index.byKey, userKey(strategy, u), u);
    push(index.byEmail, norm(u.email), u);
    const login = norm(u.login);
    if (login !== undefined) index.byLogin.set(login, u);
  }
  return index;
}

/** The provisioning run that created this user, if one of ours did. */
export function provisionedBy(u: User): string | undefined {
  const meta = u.metadata?.[PROVISION_METADATA_KEY];
  if (meta && typeof meta === 'object' && 'by' in meta && typeof (meta as { by: unknown }).by === 'string') return (meta as { by: string }).by;
  return undefined;
}

/** Fields of the row that contradict an existing user (only fields both sides have). */
function disagreements(e: ValidEmployee, u: User, strategy: MatchingStrategy): string[] {
  const out: string[] = [];
  if (strategy !== 'email' && norm(u.email) && norm(u.email) !== norm(e.email)) out.push(`its e-mail is ${u.email?.trim()}, the row has ${e.email}`);
  if (strategy !== 'employee_number' && e.employeeNumber && norm(u.employee_number) && norm(u.employee_number) !== norm(e.employeeNumber)) {
    out.push(`its employee number is ${u.employee_number?.trim()}, the row has ${e.employeeNumber}`);
  }
  if (strategy !== 'external_id' && e.personId && norm(u.external_id) && norm(u.external_id) !== norm(e.personId)) {
    out.push(`its external id is ${u.external_id?.trim()}, the row's Personio ID is ${e.personId}`);
  }
  return out;
}

export type PlannedRow =
  | { kind: 'create'; employee: ValidEmployee; outcome: ProvisionOutcome }
  | { kind: 'existing' | 'conflict' | 'invalid'; outcome: ProvisionOutcome };

/**
 * Plans one row against timr's users. `seen` holds the keys, e-mails and logins of the rows
 * planned before it in the same source, so a duplicate row is a conflict, not a second user.
 * A user this run created (`metadata.personioProvisioning.by` = `runId`) that the row matches
 * is not created again and is reported as created, so a retried batch counts it once.
 */
export function planRow(row: ProvisionRow, index: UserIndex, seen: Map<string, string>, runId?: string): PlannedRow {
  const where = rowLocation(row);
  const who = rowLabel(row);
  const checked = validateRow(row, index.strategy);
  if (!checked.ok) return { kind: 'invalid', outcome: { kind: 'invalid', where, who, reason: checked.reason } };
  if (row.duplicateOf) return { kind: 'conflict', outcome: { kind: 'conflict', where, who, reason: `same employee as ${row.duplicateOf} (e-mail or ${STRATEGY_LABEL[index.strategy]}); one employee, one timr user: remove the duplicate from the source` } };
  const e = checked.employee;
  const strategy = index.strategy;
  const key = employeeKey(strategy, e);

  for (const [what, value] of [
    [STRATEGY_LABEL[strategy], `key:${key}`],
    ['e-mail', `email:${norm(e.email)}`],
  ] as const) {
    const earlier = seen.get(value);
    if (earlier !== undefined) return { kind: 'conflict', outcome: { kind: 'conflict', where, who, reason: `same ${what} as ${earlier}; one employee, one timr user: remove the duplicate from the source` } };
  }
  seen.set(`key:${key}`, where);
  seen.set(`email:${norm(e.email)}`, where);

  const matches = index.byKey.get(key) ?? [];
  if (matches.length > 1) {
    return {
      kind: 'conflict',
      outcome: { kind: 'conflict', where, who, reason: `${matches.length} timr users share the ${STRATEGY_LABEL[strategy]} "${key}" (${matches.map((u) => u.id).join(', ')}); make it unique in timr` },
    };
  }
  const match = matches[0];
  if (match) {
    const differs = disagreements(e, match, strategy);
    if (differs.length > 0) {
      return {
        kind: 'conflict',
        outcome: { kind: 'conflict', where, who, timrUserId: match.id, reason: `same ${STRATEGY_LABEL[strategy]} as ${describeTimrUser(match)}, but ${differs.join('; ')}; correct one side (nothing was changed in timr)` },
      };
    }
    // Created by this very run (an earlier attempt of the batch whose answer was lost): report it as created.
    const ours = runId !== undefined && provisionedBy(match) === runId;
    return { kind: 'existing', outcome: { kind: ours ? 'created' : 'existing', where, who, timrUserId: match.id } };
  }
  // No user under the strategy's key — but another identifier may already be taken.
  const sameEmail = index.byEmail.get(norm(e.email) as string) ?? [];
  if (sameEmail.length > 0) {
    const u = sameEmail[0] as User;
    return {
      kind: 'conflict',
      outcome: { kind: 'conflict', where, who, timrUserId: u.id, reason: `${describeTimrUser(u)} already has this e-mail but another ${STRATEGY_LABEL[strategy]}; correct one side (nothing was changed in timr)` },
    };
  }
  const sameLogin = index.byLogin.get(e.login);
  if (sameLogin) {
    return {
      kind: 'conflict',
      outcome: { kind: 'conflict', where, who, timrUserId: sameLogin.id, reason: `the login ${e.login} belongs to ${describeTimrUser(sameLogin)}; correct the e-mail or that user's login in timr` },
    };
  }
  return { kind: 'create', employee: e, outcome: { kind: 'create', where, who, login: e.login } };
}

/** The POST /users body for an employee; `runId` marks the user as created by this run. */
export function userCreateBody(e: ValidEmployee, runId: string) {
  return {
    login: e.login,
    firstname: e.firstName,
    lastname: e.lastName,
    email: e.email,
    employee_number: e.employeeNumber ?? null,
    external_id: e.personId ?? null,
    entry_date: e.hireDate ?? null,
    resign_date: e.terminationDate ?? null,
    metadata: { [PROVISION_METADATA_KEY]: { by: runId, ...(e.personId !== undefined && { personId: e.personId }) } },
  };
}
