/**
 * Matching overrides are checked against the vendors when an operator sets them (the tenant
 * workflow's update validator cannot do I/O, so `timr-sync start` and `config` run this through
 * a short workflow before they change anything): an override to a Personio person that does not
 * exist is refused; one to a person whose name differs from the timr user's, or for a timr user
 * that does not exist, is accepted with a warning. Planning checks the same again every run.
 */
import type { PersonioClient } from '../clients/personio/client.js';
import type { Person } from '../clients/personio/schemas.js';
import type { TimrClient } from '../clients/timr/client.js';
import type { User } from '../clients/timr/schemas.js';
import { overrideNameWarning } from '../domain/employee-matching.js';
import type { CheckOverridesInput, CheckOverridesResult, OverrideFinding } from './contracts.js';
import { progress } from './heartbeat.js';

export async function checkOverrides(timr: TimrClient, personio: PersonioClient, input: CheckOverridesInput): Promise<CheckOverridesResult> {
  const wanted = Object.entries(input.overrides);
  if (wanted.length === 0) return { findings: [] };
  const persons = new Map<string, Person>();
  for await (const p of personio.listPersons()) {
    persons.set(p.id, p);
    if (persons.size % 100 === 0) progress({ persons: persons.size });
  }
  const users = new Map<string, User>();
  for await (const u of timr.listUsers()) users.set(u.id, u);

  const findings: OverrideFinding[] = [];
  for (const [timrUserId, personId] of wanted) {
    const person = persons.get(personId);
    const user = users.get(timrUserId);
    if (!person) {
      findings.push({
        timrUserId,
        personId,
        problem: 'missing-person',
        message: `sync.matching.overrides.${timrUserId} names Personio person ${personId}, which does not exist in the tenant's Personio (${persons.size} persons); use the id of an existing person (GET /v2/persons lists them)`,
      });
    } else if (!user) {
      findings.push({ timrUserId, personId, problem: 'unknown-user', message: `sync.matching.overrides.${timrUserId}: timr has no user ${timrUserId}, so the override does nothing until one exists` });
    } else {
      const warning = overrideNameWarning(user, person);
      if (warning) findings.push({ timrUserId, personId, problem: 'name-differs', message: warning });
    }
  }
  return { findings };
}
