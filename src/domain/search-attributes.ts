import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Typed search attributes the workflows publish, so support finds every problem by a query in
 * the Temporal UI (README "Finding problems in the Temporal UI"). The dev server registers them
 * at start; production clusters get them from the compose admin-tools step, or once by hand with
 * `temporal operator search-attribute create` (README "Production").
 */
/** On tenant workflows and on their runs: which tenant. */
export const TENANT_ID = defineSearchAttributeKey('TenantId', SearchAttributeType.KEYWORD);
/** On tenant workflows: active, paused, auth-failed, stopping, stopped. */
export const SYNC_STATUS = defineSearchAttributeKey('SyncStatus', SearchAttributeType.KEYWORD);
/** On tenant workflows: the latest run's RunOutcome keyword ('none' before the first run). */
export const LAST_RUN_OUTCOME = defineSearchAttributeKey('LastRunOutcome', SearchAttributeType.KEYWORD);
/** On runs, once they end: a RunOutcomeKeyword. */
export const RUN_OUTCOME = defineSearchAttributeKey('RunOutcome', SearchAttributeType.KEYWORD);
/** On tenant workflows: quarantined entries in the look-back window (held or derived again by every run). */
export const QUARANTINED_COUNT = defineSearchAttributeKey('QuarantinedCount', SearchAttributeType.INT);

export const ALL_SEARCH_ATTRIBUTES = [TENANT_ID, SYNC_STATUS, LAST_RUN_OUTCOME, RUN_OUTCOME, QUARANTINED_COUNT] as const;

/** The Temporal CLI's spelling of each type (`--type Int`, `--search-attribute Name=Int`). */
export const CLI_TYPE_NAME: Record<SearchAttributeType, string> = {
  [SearchAttributeType.TEXT]: 'Text',
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.INT]: 'Int',
  [SearchAttributeType.DOUBLE]: 'Double',
  [SearchAttributeType.BOOL]: 'Bool',
  [SearchAttributeType.DATETIME]: 'Datetime',
  [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
};

/**
 * What a run's `RunOutcome` (and its tenant's `LastRunOutcome`) says. A run that did all it could
 * but quarantined entries is not plain "succeeded": those entries wait for someone to fix them in
 * timr or Personio, so support must find such runs by a query rather than by opening results.
 *  - succeeded: every eligible entry of the run has its final fate, none quarantined;
 *  - succeeded-with-quarantine: the same, but the run quarantined entries (its own refusals and
 *    the ones its plan derived again; entries held from earlier runs are counted by the tenant's
 *    QuarantinedCount instead);
 *  - partial: entries failed, were deferred or have writes of unknown outcome (retried next cycle);
 *  - failed: the run could do nothing (planning failed, or the run workflow itself failed);
 *  - auth-failed: a vendor refused the tenant's credentials.
 */
export const RUN_OUTCOME_KEYWORDS = ['succeeded', 'succeeded-with-quarantine', 'partial', 'failed', 'auth-failed'] as const;
export type RunOutcomeKeyword = (typeof RUN_OUTCOME_KEYWORDS)[number];

export function runOutcomeKeyword(outcome: 'succeeded' | 'partial' | 'failed' | 'auth-failed', quarantined: number): RunOutcomeKeyword {
  return outcome === 'succeeded' && quarantined > 0 ? 'succeeded-with-quarantine' : outcome;
}
