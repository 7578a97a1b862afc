/**
 * A tenant's employees as both systems know them: a timr user each, and a Personio person for
 * all but one. Personio keeps some e-mail addresses in a different case or with stray
 * whitespace (as typed by HR), so matching has to be case-insensitive and trimmed.
 */
import type { Person } from '../../clients/personio/schemas.js';
import type { User, UserPartial } from '../../clients/timr/schemas.js';
import { FIRST_NAMES, LAST_NAMES, asciiSlug } from './names.js';
import type { Prng } from './prng.js';

export interface Employee {
  index: number;
  user: User;
  /** The user as embedded in a working time. */
  ref: UserPartial;
  person: Person | null;
}

export interface DemoStaff {
  employees: Employee[];
  /** The employee with no Personio person (a new hire HR has not entered yet). */
  unmatchedIndex: number;
}

export type EmailVariant = 'exact' | 'case' | 'whitespace' | 'case-and-whitespace';

/** How HR typed the address in Personio. */
export function applyEmailVariant(email: string, variant: EmailVariant): string {
  const capitalised = email.replace(/(^|[.@])([a-z])/g, (_m, sep: string, ch: string) => sep + ch.toUpperCase());
  switch (variant) {
    case 'exact':
      return email;
    case 'case':
      return capitalised;
    case 'whitespace':
      return ` ${email}  `;
    case 'case-and-whitespace':
      return `\t${email.toUpperCase()} `;
  }
}

type EmployeeNumberStyle = (n: number) => string;
const EMPLOYEE_NUMBER_STYLES: EmployeeNumberStyle[] = [
  (n) => String(1000 + n),
  (n) => `P-${String(n).padStart(4, '0')}`,
  (n) => String(n).padStart(5, '0'),
];

/** Person ids of one tenant; half of it is the random base, half room for employees. */
const PERSON_ID_BLOCK = 10_000_000;

export function buildStaff(prng: Prng, opts: { tenantIndex: number; emailDomain: string; count: number }): DemoStaff {
  const { tenantIndex, emailDomain, count } = opts;
  const numberStyle = prng.pick(EMPLOYEE_NUMBER_STYLES);
  const firstEmployeeNumber = prng.int(1, 400);
  // Person ids stay unique across tenants: each tenant owns one block of ten million.
  const personIdBase = (tenantIndex + 1) * PERSON_ID_BLOCK + prng.int(0, PERSON_ID_BLOCK / 2);
  const unmatchedIndex = count - 1;
  const taken = new Map<string, number>();
  const employees: Employee[] = [];

  for (let index = 0; index < count; index++) {
    // One stream per employee: asking for more employees leaves the earlier ones as they were.
    const rng = prng.fork(`employee:${index}`);
    const firstname = rng.pick(FIRST_NAMES);
    const lastname = rng.pick(LAST_NAMES);
    const base = `${asciiSlug(firstname)}.${asciiSlug(lastname)}`;
    const seen = taken.get(base) ?? 0;
    taken.set(base, seen + 1);
    const local = seen === 0 ? base : `${base}${seen + 1}`;
    const email = `${local}@${emailDomain}`;
    const employeeNumber = numberStyle(firstEmployeeNumber + index);
    const personId = String(personIdBase + index);
    const matched = index !== unmatchedIndex;
    // Some timr accounts were created with capitalised addresses too.
    const timrEmail = matched && rng.chance(0.1) ? applyEmailVariant(email, 'case') : email;

    const ref: UserPartial = {
      id: rng.uuid(),
      firstname,
      lastname,
      fullname: `${firstname} ${lastname}`,
      email: timrEmail,
      employee_number: employeeNumber,
      external_id: matched ? personId : null,
    };
    const entryYear = 2015 + rng.int(0, 10);
    const user: User = {
      ...ref,
      login: local,
      entry_date: `${entryYear}-${String(rng.int(1, 12)).padStart(2, '0')}-01`,
      resign_date: null,
      metadata: null,
    };
    const person: Person | null = matched
      ? {
          id: personId,
          email: applyEmailVariant(email, emailVariantFor(index, rng)),
          first_name: firstname,
          last_name: lastname,
          status: 'active',
          employee_number: employeeNumber,
        }
      : null;
    employees.push({ index, user, ref, person });
  }
  return { employees, unmatchedIndex };
}

/** The first two employees always carry a variant so every tenant exercises both rules. */
function emailVariantFor(index: number, prng: Prng): EmailVariant {
  if (index === 0) return 'case';
  if (index === 1) return 'whitespace';
  const roll = prng.next();
  if (roll < 0.1) return 'case';
  if (roll < 0.18) return 'whitespace';
  if (roll < 0.22) return 'case-and-whitespace';
  return 'exact';
}
