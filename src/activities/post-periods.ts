/**
 * Reconcile-then-write. Personio has no idempotency key, so whenever we cannot be sure what
 * exists (a retry, a re-transfer, or Personio reporting an overlap) we list the person's
 * periods in the entry's window and adopt exact matches of everything we write (person, type,
 * start, end, comment, project, absence type) instead of creating twins — never a period
 * another timr entry owns (`notOurs`), whatever its content. Absences (Zeitausgleich as time
 * off) go the same way (personio-periods.ts).
 */
import type { PersonioClient } from '../clients/personio/client.js';
import { ConflictError, ValidationRejectedError } from '../clients/errors.js';
import { ZERO_LENGTH_REFUSED_HINT } from '../domain/zeitausgleich.js';
import type { TenantSecrets } from '../secrets/index.js';
import { PostItem, type PostBatchInput, type PostBatchResult, type PlannedPeriod } from './contracts.js';
import { asEntryRefusal } from './entry-refusal.js';
import { createPeriod, deletePeriod, listWindow, sameContent, type ExistingPeriod } from './personio-periods.js';
import { nextRetry, sleep } from '../clients/retry.js';
import { progress, stopIfCancelled } from './heartbeat.js';

const OVERLAP = /overlap/i;

/**
 * A refused zero-length period is the `zero-hours` Zeitausgleich representation meeting a
 * Personio that refuses start == end: the reason support sees then names the setting to change.
 */
function explainRefusal(err: unknown, period: PlannedPeriod): unknown {
  if (!(err instanceof ValidationRejectedError) || period.start !== period.end) return err;
  return new ValidationRejectedError({
    vendor: err.vendor,
    tenantId: err.tenantId,
    endpoint: err.endpoint,
    ...(err.resourceId !== undefined && { resourceId: err.resourceId }),
    ...(err.status !== undefined && { status: err.status }),
    ...(err.traceId !== undefined && { traceId: err.traceId }),
    messages: [...err.messages, ZERO_LENGTH_REFUSED_HINT],
  });
}

/**
 * Posts one entry's periods; returns their ids in plan order. `ids` is filled as periods come
 * to exist, so a caller whose post is refused at period k still knows periods 1…k−1.
 */
export async function postEntryPeriods(
  personio: PersonioClient,
  item: { personId: string; periods: PlannedPeriod[]; reconcile: boolean; notOurs?: readonly string[] },
  ids: string[] = [],
): Promise<{ periodIds: string[]; created: number; adopted: number }> {
  if (item.periods.length === 0) return { periodIds: [], created: 0, adopted: 0 };
  let existing: ExistingPeriod[] | undefined = item.reconcile ? await listWindow(personio, item.personId, item.periods) : undefined;
  const taken = new Set<string>(item.notOurs ?? []);
  let created = 0;
  let adopted = 0;

  const adopt = (p: PlannedPeriod): string | undefined => {
    const match = existing?.find((e) => !taken.has(e.id) && sameContent(e, item.personId, p));
    if (match) taken.add(match.id);
    return match?.id;
  };

  for (const period of item.periods) {
    let id = adopt(period);
    if (id) adopted++;
    // A 429 is waited out without counting as a try (see retry.ts); other failures count.
    for (const tries = { attempt: 1, waited: 0 }; !id; ) {
      stopIfCancelled();
      try {
        id = await createPeriod(personio, item.personId, period);
        created++;
      } catch (err) {
        // The create may have happened although the answer says otherwise (lost, garbled, or an
        // "overlap" with our own earlier write): look before trying again, adopt if exact.
        // Attendances collide with 422 "overlapping"; absences with 409 "Absence period conflict".
        const overlap = (err instanceof ValidationRejectedError && OVERLAP.test(err.message)) || (err instanceof ConflictError && period.type === 'ABSENCE');
        if (overlap && tries.attempt > 1) throw explainRefusal(err, period);
        const next = overlap ? { ms: 0, counted: true } : nextRetry(personio.retryProfile, err, tries);
        if (!next) throw explainRefusal(err, period);
        if (next.counted) tries.attempt++;
        else tries.waited++;
        await sleep(next.ms);
        stopIfCancelled();
        existing = await listWindow(personio, item.personId, item.periods);
        id = adopt(period);
        if (id) adopted++;
        else if (overlap) throw err;
      }
    }
    ids.push(id);
  }
  return { periodIds: ids, created, adopted };
}

/**
 * Posts a batch of entries (one activity keeps the history small). A refused entry is a result,
 * not a failure; a failure that outlasts the in-process retries fails the batch, and its next
 * attempt (attempt > 1) reconciles every entry, so what the failed attempt created is adopted.
 */
export async function postBatch(personio: PersonioClient, input: PostBatchInput, attempt: number, secrets: TenantSecrets): Promise<PostBatchResult> {
  const results: PostBatchResult['results'] = [];
  for (const raw of input.entries) {
    const item = PostItem.parse(raw);
    let removed = 0;
    const ids: string[] = [];
    try {
      for (const id of item.removeFirst) {
        stopIfCancelled();
        if ((await deletePeriod(personio, id)) === 'deleted') removed++;
      }
      // A later attempt of this batch may follow an earlier one's lost writes: it reconciles first.
      const posted = await postEntryPeriods(personio, { ...item, reconcile: item.reconcile || attempt > 1 }, ids);
      results.push({ ok: true, entryId: item.entryId, ...posted, removed });
    } catch (err) {
      const refusal = asEntryRefusal(item.entryId, err, secrets);
      if (!refusal) throw err;
      // Periods before the refused one exist: the workflow compensates them.
      results.push({ ...refusal, periodIds: [...ids] });
    }
    progress({ done: results.length, of: input.entries.length });
  }
  return { results };
}
