/**
 * What people see in the Temporal UI: search attributes to find tenants by status and last
 * outcome, the timer's summary naming the next sync, and activity summaries naming employees.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pauseTenant, resumeTenant } from '../../src/control/tenants.js';
import { LAST_RUN_OUTCOME, QUARANTINED_COUNT, RUN_OUTCOME, SYNC_STATUS, TENANT_ID } from '../../src/domain/search-attributes.js';
import { generateDemoData } from '../../src/sandbox/demo-data/index.js';
import { startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';
import { waitUntil } from '../helpers/wait.js';

const summaryText = (s: { data?: Uint8Array | null } | null | undefined) => (s?.data ? JSON.parse(Buffer.from(s.data).toString('utf8')) as string : '');

describe('observability in the Temporal UI', () => {
  /** The workflow's "current details" as the UI reads them (the `__temporal_workflow_metadata` query). */
  const currentDetails = async (workflowId: string): Promise<string> => {
    const meta = (await fx.env.client.workflow.getHandle(workflowId).query('__temporal_workflow_metadata')) as { currentDetails?: string };
    return meta.currentDetails ?? '';
  };
  let fx: SyncFixture;
  let tenantId: string;
  beforeAll(async () => {
    fx = await startSyncFixture(generateDemoData({ seed: 17, tenants: 1, employees: 4, days: 7 }));
    tenantId = fx.seed.tenants[0]!.id;
    await fx.start(tenantId);
    await fx.waitForCycles(tenantId, 1, 60_000);
  });
  afterAll(async () => {
    await fx?.teardown();
  });

  it('publishes TenantId, SyncStatus, LastRunOutcome and QuarantinedCount, searchable by query', async () => {
    // Every demo tenant has an employee Personio does not know: the first run quarantines their entries.
    const status = await fx.status(tenantId);
    expect(status.recentRuns[0]?.outcome).toBe('succeeded');
    expect(status.recentRuns[0]?.counts?.quarantined).toBeGreaterThan(0);
    expect(status.quarantineCount).toBeGreaterThan(0);
    await pauseTenant(fx.env.client, tenantId);
    const query = `TenantId = '${tenantId}' AND SyncStatus = 'paused' AND LastRunOutcome = 'succeeded-with-quarantine' AND QuarantinedCount = ${status.quarantineCount}`;
    await waitUntil(`visibility to answer ${query}`, async () => {
      for await (const wf of fx.env.client.workflow.list({ query })) {
        if (wf.workflowId === `tenant/${tenantId}`) return true;
      }
      return false;
    }, 30_000, 250);
    const described = await fx.env.client.workflow.getHandle(`tenant/${tenantId}`).describe();
    expect(described.typedSearchAttributes.get(TENANT_ID)).toBe(tenantId);
    expect(described.typedSearchAttributes.get(SYNC_STATUS)).toBe('paused');
    expect(described.typedSearchAttributes.get(LAST_RUN_OUTCOME)).toBe('succeeded-with-quarantine');
    expect(described.typedSearchAttributes.get(QUARANTINED_COUNT)).toBe(status.quarantineCount);
  });

  it('a run carries TenantId from its start and RunOutcome from its end; both workflows state their counts as current details', async () => {
    const status = await fx.status(tenantId);
    const run = status.recentRuns[0]!;
    const described = await fx.env.client.workflow.getHandle(run.workflowId).describe();
    expect(described.typedSearchAttributes.get(TENANT_ID)).toBe(tenantId);
    expect(described.typedSearchAttributes.get(RUN_OUTCOME)).toBe('succeeded-with-quarantine');
    // TenantId was on the run's start event already (set by the tenant, not upserted later).
    const history = await fx.env.client.workflow.getHandle(run.workflowId).fetchHistory();
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    expect(Object.keys(started?.searchAttributes?.indexedFields ?? {})).toContain('TenantId');

    const c = run.counts!;
    const runDetails = await currentDetails(run.workflowId);
    expect(runDetails).toContain(`sync run ${run.runNumber}: **succeeded-with-quarantine**`);
    expect(runDetails).toContain(`${c.transferred} transferred`);
    expect(runDetails).toContain(`${c.quarantined} quarantined`);
    expect(runDetails).toContain(`${c.failed} failed`);

    const tenantDetails = await currentDetails(`tenant/${tenantId}`);
    expect(tenantDetails).toContain(`**${tenantId}** is **paused**`);
    expect(tenantDetails).toContain(`Last run: run #${run.runNumber} **succeeded-with-quarantine** at ${run.finishedAt} — ${c.eligible} eligible: ${c.transferred} transferred`);
    expect(tenantDetails).toContain(`Quarantined entries: **${status.quarantineCount}**`);
  });

  it('an active tenant names its next sync in its current details', async () => {
    await resumeTenant(fx.env.client, tenantId);
    const s = await fx.waitForStatus(tenantId, (v) => v.status === 'active' && v.nextSyncAt !== null && v.runInFlight === null, 30_000, 'the next sync scheduled');
    await waitUntil('details naming the next sync', async () => (await currentDetails(`tenant/${tenantId}`)).includes(`is **active** · next sync at ${s.nextSyncAt}`), 15_000, 200);
  });

  it('the interval timer says when the next sync is; activities say whom and which day they concern', async () => {
    const tenantHistory = await fx.env.client.workflow.getHandle(`tenant/${tenantId}`).fetchHistory();
    const timers = (tenantHistory.events ?? []).filter((e) => e.timerStartedEventAttributes);
    expect(timers.length).toBeGreaterThan(0);
    expect(summaryText(timers[0]!.userMetadata?.summary)).toMatch(new RegExp(`^next sync of ${tenantId} at \\d{4}-\\d{2}-\\d{2}T`));

    const status = await fx.status(tenantId);
    const runHistory = await fx.env.client.workflow.getHandle(status.recentRuns[0]!.workflowId).fetchHistory();
    const summaries = (runHistory.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes).map((e) => summaryText(e.userMetadata?.summary));
    const employee = fx.seed.tenants[0]!.timr.users[0]!;
    expect(summaries.some((s) => s.startsWith(`${tenantId}: post to Personio — `) && /\d{4}-\d{2}-\d{2} \d{2}:\d{2}–\d{2}:\d{2}/.test(s))).toBe(true);
    expect(summaries.some((s) => s.startsWith(`${tenantId}: lock in timr — `))).toBe(true);
    expect(summaries.join('\n')).toContain(employee.lastname!);
  });
});
