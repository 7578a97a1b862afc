/**
 * Provisioning runs over the Temporal client (used by `timr-sync provision` and `onboard`):
 * numbering (`tenant/<id>/provision/<n>`, never reused), one run at a time per tenant, a file's
 * rows sent page by page, and following a run to its report.
 */
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { TypedSearchAttributes, WorkflowIdReusePolicy } from '@temporalio/common';
import type { ProvisionRow } from '../domain/provisioning.js';
import { TENANT_ID } from '../domain/search-attributes.js';
import { PROVISION_WORKFLOW_ID, provisionWorkflowId, TASK_QUEUE, tenantPriority } from '../workflows/ids.js';
import {
  PROVISION_PAGE_ROWS,
  provisionProgressQuery,
  provisionRowsUpdate,
  sourceLabel,
  type ProvisionProgress,
  type provisionWorkflow,
  type ProvisionWorkflowInput,
} from '../workflows/provision.js';

export type ProvisionHandle = WorkflowHandle<typeof provisionWorkflow>;

/** Another provisioning run of the tenant has not finished yet. */
export class ProvisionAlreadyRunning extends Error {
  constructor(
    readonly tenantId: string,
    readonly workflowId: string,
  ) {
    super(`tenant ${tenantId} is being provisioned already (${workflowId}); wait for it to finish (its report is in the Temporal UI), then run again`);
    this.name = 'ProvisionAlreadyRunning';
  }
}

async function provisionRuns(client: Client, tenantId: string): Promise<{ numbers: number[]; running: string[] }> {
  const numbers: number[] = [];
  const running: string[] = [];
  const query = `WorkflowType = 'provisionWorkflow' AND ${TENANT_ID.name} = '${tenantId}'`;
  for await (const wf of client.workflow.list({ query })) {
    const m = PROVISION_WORKFLOW_ID.exec(wf.workflowId);
    if (!m || m[1] !== tenantId) continue;
    numbers.push(Number(m[2]));
    if (wf.status.name === 'RUNNING') running.push(wf.workflowId);
  }
  return { numbers, running };
}

/** Splits rows into the pages the workflow takes. */
export function pagesOf(rows: readonly ProvisionRow[]): ProvisionRow[][] {
  const pages: ProvisionRow[][] = [];
  for (let i = 0; i < rows.length; i += PROVISION_PAGE_ROWS) pages.push(rows.slice(i, i + PROVISION_PAGE_ROWS));
  return pages;
}

/**
 * Starts the next provisioning run of the tenant. Visibility may lag a just-started run, so the
 * id is claimed with REJECT_DUPLICATE and the next number tried when it is taken.
 */
export async function startProvision(client: Client, input: ProvisionWorkflowInput, opts: { taskQueue?: string } = {}): Promise<ProvisionHandle> {
  const { numbers, running } = await provisionRuns(client, input.tenantId);
  if (running[0] !== undefined) throw new ProvisionAlreadyRunning(input.tenantId, running[0]);
  let n = Math.max(0, ...numbers) + 1;
  for (;;) {
    try {
      return await client.workflow.start<typeof provisionWorkflow>('provisionWorkflow', {
        workflowId: provisionWorkflowId(input.tenantId, n),
        taskQueue: opts.taskQueue ?? TASK_QUEUE,
        args: [input],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        typedSearchAttributes: new TypedSearchAttributes([{ key: TENANT_ID, value: input.tenantId }]),
        staticSummary: `${input.dryRun ? 'dry run: plan' : 'provision'} timr users of tenant ${input.tenantId} from ${sourceLabel(input.source)}`,
        priority: tenantPriority(input.tenantId),
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      n++;
    }
  }
}

/** Sends a file's rows page by page; each answer comes once that page is provisioned. */
export async function sendPages(handle: ProvisionHandle, pages: readonly ProvisionRow[][], onProgress: (p: ProvisionProgress) => void): Promise<void> {
  for (let page = 0; page < pages.length; page++) {
    const progress = await handle.executeUpdate(provisionRowsUpdate, { args: [{ page, rows: pages[page] as ProvisionRow[] }] });
    onProgress(progress);
  }
}

/** Polls the run's progress until it has finished; returns its report. */
export async function followProvision(handle: ProvisionHandle, onProgress: (p: ProvisionProgress) => void, pollMs = 1000): Promise<ProvisionProgress> {
  const result = handle.result();
  let finished = false;
  void result.then(
    () => (finished = true),
    () => (finished = true),
  );
  let last = 0;
  while (!finished) {
    const p = await handle.query(provisionProgressQuery).catch(() => undefined);
    if (p && p.report.counts.rows !== last) {
      last = p.report.counts.rows;
      onProgress(p);
    }
    await Promise.race([result.catch(() => undefined), new Promise((r) => setTimeout(r, pollMs))]);
  }
  return result;
}
