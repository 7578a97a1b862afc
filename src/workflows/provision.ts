/**
 * Provisioning timr users for one tenant (`tenant/<id>/provision/<n>`): reads Personio persons
 * page by page, or takes an export file's rows from the CLI page by page (an update per page of
 * ≤ 50 rows, answered once the page is done, so the CLI shows progress and never runs ahead),
 * and runs one `provisionUsers` activity per page. Every payload is one page; the result is the
 * counts plus bounded samples. Nothing here deletes or changes an existing timr user.
 */
import { allHandlersFinished, condition, defineQuery, defineUpdate, proxyActivities, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import type { ProvisionBatchInput } from '../activities/contracts.js';
import type { SyncActivities } from '../activities/index.js';
import { NON_RETRYABLE_FAILURE_TYPES } from '../clients/failure-types.js';
import { addOutcomes, describeCounts, emptyReport, sampleLimit, type ProvisionReport } from '../domain/provision-report.js';
import type { ProvisionRow } from '../domain/provisioning.js';
import type { MatchingStrategy } from '../domain/tenant-config.js';
import { fairTurn } from './sync-run.js';

/** Rows per update and per activity (the same bound as the activity's input). */
export const PROVISION_PAGE_ROWS = 50;
/** A file source whose next page does not come within this time ends as incomplete. */
export const PAGE_WAIT = '15 minutes';

export type ProvisionSource = { kind: 'personio'; includeInactive: boolean } | { kind: 'file'; name: string; rows: number; pages: number };

export interface ProvisionWorkflowInput {
  tenantId: string;
  credentialsRef: string;
  strategy: MatchingStrategy;
  dryRun: boolean;
  source: ProvisionSource;
}

export interface ProvisionProgress {
  workflowId: string;
  tenantId: string;
  dryRun: boolean;
  source: string;
  pagesDone: number;
  /** Known up front for a file; for Personio, when the last page has been read. */
  pages?: number;
  done: boolean;
  /** Set when the run ended before every row was seen (a file upload that stopped). */
  incomplete?: string;
  report: ProvisionReport;
}

export interface ProvisionPage {
  page: number;
  rows: ProvisionRow[];
}

export const provisionProgressQuery = defineQuery<ProvisionProgress>('provisionProgress');
/** A file's page of rows; answered with the progress once that page has been provisioned. */
export const provisionRowsUpdate = defineUpdate<ProvisionProgress, [ProvisionPage]>('provisionRows');

export function sourceLabel(source: ProvisionSource): string {
  return source.kind === 'personio' ? `Personio (${source.includeInactive ? 'all persons' : 'active persons'})` : `${source.name} (${source.rows} rows)`;
}

export async function provisionWorkflow(input: ProvisionWorkflowInput): Promise<ProvisionProgress> {
  const { tenantId, credentialsRef, strategy, dryRun, source } = input;
  const workflowId = workflowInfo().workflowId;
  const { provisionUsers, readPersonioPersons } = proxyActivities<SyncActivities>({
    startToCloseTimeout: '10 minutes',
    // One heartbeat per row: a dead worker is noticed within a minute, not after ten.
    heartbeatTimeout: '1 minute',
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 10, nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURE_TYPES] },
  });

  const report = emptyReport();
  let pagesDone = 0;
  let pages = source.kind === 'file' ? source.pages : undefined;
  let done = false;
  let incomplete: string | undefined;
  const pending = new Map<number, ProvisionRow[]>();

  const progress = (): ProvisionProgress => ({
    workflowId,
    tenantId,
    dryRun,
    source: sourceLabel(source),
    pagesDone,
    ...(pages !== undefined && { pages }),
    done,
    ...(incomplete !== undefined && { incomplete }),
    report,
  });
  const showDetails = () =>
    setCurrentDetails(`${dryRun ? 'Dry run (nothing is created): ' : ''}${describeCounts(report.counts, dryRun)}; page ${pagesDone}${pages !== undefined ? ` of ${pages}` : ''}${done ? ' — done' : ''}`);

  setHandler(provisionProgressQuery, progress);
  if (source.kind === 'file') {
    setHandler(
      provisionRowsUpdate,
      async (page) => {
        // A page sent twice (a CLI retry) is provisioned once and answered twice.
        if (page.page >= pagesDone && !pending.has(page.page)) pending.set(page.page, page.rows);
        await condition(() => pagesDone > page.page || done);
        return progress();
      },
      {
        validator: (page) => {
          if (done) throw new Error(`${workflowId} has finished; start a new provisioning run`);
          if (!Number.isInteger(page.page) || page.page < 0 || page.page >= source.pages) throw new Error(`page ${page.page} is not one of the ${source.pages} pages of ${source.name}`);
          if (page.page > pagesDone) throw new Error(`page ${page.page} of ${source.name} came before page ${pagesDone}; send the pages in order`);
          if (page.rows.length > PROVISION_PAGE_ROWS) throw new Error(`a page holds at most ${PROVISION_PAGE_ROWS} rows, not ${page.rows.length}`);
        },
      },
    );
  }
  showDetails();

  const runBatch = async (rows: ProvisionRow[], label: string) => {
    const batch: ProvisionBatchInput = { tenantId, credentialsRef, runId: workflowId, strategy, dryRun, rows, label };
    const { outcomes } = await provisionUsers.executeWithOptions(
      {
        ...fairTurn(tenantId),
        startToCloseTimeout: '10 minutes',
        heartbeatTimeout: '1 minute',
        retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 10, nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURE_TYPES] },
        summary: `${tenantId}: ${dryRun ? 'plan (dry run)' : 'provision'} ${label}: ${rows.length} employees against timr's users`,
      },
      [batch],
    );
    addOutcomes(report, outcomes, sampleLimit(dryRun));
  };

  if (source.kind === 'personio') {
    let next: string | undefined;
    do {
      const page = await readPersonioPersons.executeWithOptions(
        {
          ...fairTurn(tenantId),
          startToCloseTimeout: '2 minutes',
          retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 10, nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURE_TYPES] },
          summary: `${tenantId}: read ${source.includeInactive ? 'all' : 'active'} Personio persons, page ${pagesDone + 1}`,
        },
        [{ tenantId, credentialsRef, includeInactive: source.includeInactive, ...(next !== undefined && { next }) }],
      );
      const first = report.counts.rows + 1;
      if (page.rows.length > 0) await runBatch(page.rows, `Personio persons ${first}–${first + page.rows.length - 1}`);
      next = page.next;
      pagesDone++;
      showDetails();
    } while (next !== undefined);
    pages = pagesDone;
  } else {
    while (pagesDone < source.pages) {
      const arrived = await condition(() => pending.has(pagesDone), PAGE_WAIT);
      if (!arrived) {
        incomplete = `page ${pagesDone + 1} of ${source.pages} did not arrive within ${PAGE_WAIT} (did the CLI stop?); the rows before it are provisioned, and running provision again is safe`;
        break;
      }
      const rows = pending.get(pagesDone) as ProvisionRow[];
      pending.delete(pagesDone);
      const first = pagesDone * PROVISION_PAGE_ROWS + 1;
      await runBatch(rows, `rows ${first}–${first + rows.length - 1} of ${source.name}`);
      pagesDone++;
      showDetails();
    }
  }
  done = true;
  showDetails();
  await condition(allHandlersFinished);
  return progress();
}
