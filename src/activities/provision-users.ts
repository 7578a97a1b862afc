/**
 * Provisioning timr users, one batch of rows at a time: list timr's users, plan every row
 * (domain/provisioning.ts), and create the missing ones. POST /users is a create: timr has no
 * idempotency key, so it is never repeated blindly (clients/retry.ts leaves it alone). When its
 * answer is lost, unreadable or refused as a duplicate login, the users are listed again and a
 * user with this login or e-mail that carries this run's mark in its metadata IS the create
 * (reconcile by login and e-mail); only a create that provably did not happen is sent again.
 * A whole attempt that fails (timr unreachable) is retried by Temporal and plans from a fresh
 * list, where the users it created are recognised by the same mark.
 *
 * Runs as an activity (the provision workflow) and in-process (`timr-sync onboard --dry-run`,
 * with credentials the CLI holds); `beat` reports progress to the attempt's pulse, or nothing.
 */
import type { PersonioClient } from '../clients/personio/client.js';
import type { Person } from '../clients/personio/schemas.js';
import { AuthRejectedError, RateLimitedError, ValidationRejectedError, VendorError } from '../clients/errors.js';
import { sleep } from '../clients/retry.js';
import type { TimrClient } from '../clients/timr/client.js';
import type { User } from '../clients/timr/schemas.js';
import {
  indexUsers,
  loginFromEmail,
  planRow,
  provisionedBy,
  userCreateBody,
  type ProvisionOutcome,
  type ProvisionRow,
  type UserIndex,
  type ValidEmployee,
} from '../domain/provisioning.js';
import type { MatchingStrategy } from '../domain/tenant-config.js';
import type { ProvisionBatchInput, ReadPersonsInput } from './contracts.js';
import { stopIfCancelled } from './heartbeat.js';

export type Beat = (details?: unknown) => void;
const noBeat: Beat = () => undefined;

/** Creates sent for one employee within one attempt, each after a reconcile showed it missing. */
const CREATE_TRIES = 3;

export function personToRow(p: Person): ProvisionRow {
  const row: ProvisionRow = { personId: p.id };
  if (p.first_name) row.firstName = p.first_name;
  if (p.last_name) row.lastName = p.last_name;
  if (p.email) row.email = p.email;
  if (p.employee_number) row.employeeNumber = p.employee_number;
  if (p.hire_date) row.hireDate = p.hire_date.slice(0, 10);
  if (p.termination_date) row.terminationDate = p.termination_date.slice(0, 10);
  if (p.status) row.status = p.status;
  return row;
}

/** One page (≤ 50) of Personio persons; active ones only unless asked. */
export async function readPersonioPage(personio: PersonioClient, input: Pick<ReadPersonsInput, 'includeInactive' | 'next'>): Promise<{ rows: ProvisionRow[]; next?: string }> {
  const page = await personio.listPersonsPage({ limit: 50, ...(!input.includeInactive && { status: 'ACTIVE' }) }, input.next);
  return { rows: page.persons.map(personToRow), ...(page.next !== undefined && { next: page.next }) };
}

async function listUsers(timr: TimrClient, beat: Beat): Promise<User[]> {
  const users: User[] = [];
  for await (const u of timr.listUsers()) {
    users.push(u);
    if (users.length % 500 === 0) beat({ listedUsers: users.length });
  }
  return users;
}

function addToIndex(index: UserIndex, user: User, strategy: MatchingStrategy): void {
  const fresh = indexUsers([user], strategy);
  for (const [k, v] of fresh.byKey) index.byKey.set(k, [...(index.byKey.get(k) ?? []), ...v]);
  for (const [k, v] of fresh.byEmail) index.byEmail.set(k, [...(index.byEmail.get(k) ?? []), ...v]);
  for (const [k, v] of fresh.byLogin) index.byLogin.set(k, v);
}

type Reconciled = { found: 'ours'; user: User } | { found: 'other'; user: User } | { found: 'none' };

/** Is the employee in timr now? Ours if the user with this login or e-mail carries this run's mark. */
async function reconcile(timr: TimrClient, e: ValidEmployee, runId: string, beat: Beat): Promise<Reconciled> {
  const email = e.email.trim().toLowerCase();
  const users = await listUsers(timr, beat);
  const candidates = users.filter((u) => (u.login !== undefined && loginFromEmail(u.login) === e.login) || u.email?.trim().toLowerCase() === email);
  const ours = candidates.find((u) => provisionedBy(u) === runId);
  if (ours) return { found: 'ours', user: ours };
  const other = candidates[0];
  return other ? { found: 'other', user: other } : { found: 'none' };
}

/** Creates one user; never twice, whatever happens to the answers. */
async function createUser(timr: TimrClient, e: ValidEmployee, runId: string, base: ProvisionOutcome, beat: Beat): Promise<{ outcome: ProvisionOutcome; user?: User }> {
  let last: unknown;
  for (let attempt = 1; attempt <= CREATE_TRIES; attempt++) {
    try {
      const user = await timr.createUser(userCreateBody(e, runId));
      return { outcome: { ...base, kind: 'created', timrUserId: user.id }, user };
    } catch (err) {
      if (err instanceof AuthRejectedError || !(err instanceof VendorError)) throw err;
      last = err;
      // Whatever the error, the create may have happened (a lost or garbled answer, or a
      // "login taken" refusal of a retry whose first try did commit): look before deciding.
      const now = await reconcile(timr, e, runId, beat);
      if (now.found === 'ours') return { outcome: { ...base, kind: 'created', timrUserId: now.user.id }, user: now.user };
      if (now.found === 'other') {
        return { outcome: { ...base, kind: 'conflict', timrUserId: now.user.id, reason: `timr user ${now.user.id} already has the login or e-mail ${e.login} (created meanwhile by someone else); nothing was changed` } };
      }
      if (!err.kind.retryable) {
        const messages = err instanceof ValidationRejectedError ? err.messages.join('; ') : err.message;
        return { outcome: { ...base, kind: 'invalid', reason: `timr refused the user: ${messages}` } };
      }
      // Provably not created: it is safe to send again (after the vendor's wait, if it named one).
      if (err instanceof RateLimitedError) await sleep(Math.min(err.retryAfterMs ?? 1000, 10_000));
    }
  }
  // Still unknown after the tries: fail the attempt; Temporal retries the batch, which plans again.
  throw last;
}

/**
 * Plans a batch of rows against timr's users and, unless `dryRun`, creates the missing ones.
 * Returns one outcome per row, in order (≤ 50, so the activity result stays small).
 */
export async function provisionBatch(timr: TimrClient, input: ProvisionBatchInput, beat: Beat = noBeat): Promise<{ outcomes: ProvisionOutcome[] }> {
  const index = indexUsers(await listUsers(timr, beat), input.strategy);
  const seen = new Map<string, string>();
  const outcomes: ProvisionOutcome[] = [];
  for (const row of input.rows) {
    const planned = planRow(row, index, seen, input.runId);
    if (planned.kind !== 'create' || input.dryRun) {
      outcomes.push(planned.outcome);
    } else {
      // A cancelled or timed-out attempt writes nothing more (its batch is planned again).
      stopIfCancelled();
      const { outcome, user } = await createUser(timr, planned.employee, input.runId, planned.outcome, beat);
      if (user) addToIndex(index, user, input.strategy);
      outcomes.push(outcome);
    }
    beat({ done: outcomes.length });
  }
  return { outcomes };
}
