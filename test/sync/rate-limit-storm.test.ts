/**
 * A 429 storm is the vendor asking us to wait, not a failure: a storm on Personio's token
 * endpoint longer than all of a run's activity attempts together still ends in a green run,
 * planned in its first attempt. Every activity the run schedules has a heartbeat timeout, the
 * removal of a deleted entry's periods included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncTenantNow } from '../../src/control/tenants.js';
import { generateDemoData } from '../../src/sandbox/demo-data/index.js';
import { TimrSandboxState, syncMetadataOf } from '../../src/sandbox/sync-audit.js';
import { expectSyncInvariants, startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';

describe('rate-limit storms', () => {
  let fx: SyncFixture;
  beforeAll(async () => {
    fx = await startSyncFixture(generateDemoData({ seed: 41, tenants: 1, employees: 4, days: 7 }));
  });
  afterAll(async () => {
    await fx?.teardown();
  });

  it('a 429 storm on the token endpoint outlasting every attempt: the run waits it out and succeeds, attempt 1', async () => {
    const tenant = fx.seed.tenants[0]!;
    // One attempt each: a storm of 12 refusals (about 12 s) outlasts the tries of an attempt that
    // counts 429s (3 per call, nested in the token fetch: 9), but fits into a 20 s attempt's budget.
    await fx.start(tenant.id, { activityTimeoutSeconds: 20, activityMaxAttempts: 1 });
    const first = await fx.waitForCycles(tenant.id, 1, 60_000);
    expect(first.recentRuns[0]?.outcome).toBe('succeeded');

    // Work for the next run: a deleted transferred entry (its periods are removed).
    const timr = TimrSandboxState.parse(await fx.control.state('timr', tenant.id))[tenant.id]!;
    const transferred = timr.workingTimes.find((e) => e.status === 'locked' && (syncMetadataOf(e)?.periodIds.length ?? 0) > 0)!;
    await fx.control.deleteWorkingTime(tenant.id, transferred.id);

    // New Personio credentials (no token cached for them), and the token endpoint in a storm.
    const rotated = await fx.control.rotateCredentials('personio', tenant.id);
    await fx.secrets.put(tenant.id, { ...(await fx.secrets.get(tenant.id)), personio: rotated });
    await fx.control.addFault('personio', { tenantId: tenant.id, route: 'POST /v2/auth/token', times: 12, fault: { kind: 'rate-limit', retryAfterSeconds: 1 } });

    const run = await syncTenantNow(fx.env.client, tenant.id);
    expect(run, JSON.stringify(run)).toMatchObject({ outcome: 'succeeded', counts: { deleted: 1, failed: 0 } });
    expect((await fx.control.faults('personio')).find((f) => f.route === 'POST /v2/auth/token')?.fired).toBe(12);

    const history = await fx.env.client.workflow.getHandle(run!.workflowId).fetchHistory();
    const scheduled = history.events!.filter((e) => e.activityTaskScheduledEventAttributes).map((e) => e.activityTaskScheduledEventAttributes!);
    const names = scheduled.map((a) => a.activityType!.name!);
    expect(names).toContain('planSyncRun');
    expect(names).toContain('removePeriods');
    for (const a of scheduled) expect(Number(a.heartbeatTimeout?.seconds ?? 0), `${a.activityType?.name} heartbeat timeout`).toBeGreaterThan(0);
    // The started event records an activity's last attempt: 1 everywhere means no attempt was lost to the storm.
    const nameOf = new Map(history.events!.filter((e) => e.activityTaskScheduledEventAttributes).map((e) => [String(e.eventId), e.activityTaskScheduledEventAttributes!.activityType!.name!]));
    const attempts = history.events!.filter((e) => e.activityTaskStartedEventAttributes).map((e) => ({
      activity: nameOf.get(String(e.activityTaskStartedEventAttributes!.scheduledEventId)),
      attempt: e.activityTaskStartedEventAttributes!.attempt,
      lastFailure: e.activityTaskStartedEventAttributes!.lastFailure?.message,
    }));
    expect(attempts.filter((a) => a.attempt !== 1)).toEqual([]);

    await expectSyncInvariants(fx, tenant.id);
  }, 90_000);
});
