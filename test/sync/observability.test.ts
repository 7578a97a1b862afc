/**
 * What people see in the Temporal UI: search attributes to find tenants by status and last
 * outcome, the timer's summary naming the next sync, and activity summaries naming employees.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pauseTenant } from '../../src/control/tenants.js';
import { LAST_RUN_OUTCOME, SYNC_STATUS, TENANT_ID } from '../../src/domain/search-attributes.js';
import { generateDemoData } from '../../src/sandbox/demo-data/index.js';
import { startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';
import { waitUntil } from '../helpers/wait.js';

const summaryText = (s: { data?: Uint8Array | null } | null | undefined) => (s?.data ? JSON.parse(Buffer.from(s.data).toString('utf8')) as string : '');

describe('observability in the Temporal UI', () => {
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

  it('publishes TenantId, SyncStatus and LastRunOutcome, searchable by query', async () => {
    await pauseTenant(fx.env.client, tenantId);
    const query = `TenantId = '${tenantId}' AND SyncStatus = 'paused' AND LastRunOutcome = 'succeeded'`;
    await waitUntil(`visibility to answer ${query}`, async () => {
      for await (const wf of fx.env.client.workflow.list({ query })) {
        if (wf.workflowId === `tenant/${tenantId}`) return true;
      }
      return false;
    }, 30_000, 250);
    const described = await fx.env.client.workflow.getHandle(`tenant/${tenantId}`).describe();
    expect(described.typedSearchAttributes.get(TENANT_ID)).toBe(tenantId);
    expect(described.typedSearchAttributes.get(SYNC_STATUS)).toBe('paused');
    expect(described.typedSearchAttributes.get(LAST_RUN_OUTCOME)).toBe('succeeded');
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
