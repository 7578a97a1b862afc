import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { healthCheckWorkflow } from '../src/workflows/health-check.js';
import * as healthActivities from '../src/activities/health-check.js';
import { connectTestEnv, createTestWorker, uniqueTaskQueue } from './helpers/temporal.js';

describe('test harness', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await connectTestEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('runs a real workflow with an activity on the dev server', async () => {
    const taskQueue = uniqueTaskQueue('harness');
    const worker = await createTestWorker(env, { taskQueue, activities: healthActivities });
    const result = await worker.runUntil(
      env.client.workflow.execute(healthCheckWorkflow, { taskQueue, workflowId: `harness-${taskQueue}`, args: ['ping'] }),
    );
    expect(result.probe).toBe('ping');
    expect(result.worker).toMatch(new RegExp(`:${process.pid} answered ping$`));

    const history = await env.client.workflow.getHandle(`harness-${taskQueue}`).fetchHistory();
    const types = (history.events ?? []).map((e) => e.eventType);
    expect(types.length).toBeGreaterThan(5);
  });

  it('registers the project search attributes on the dev server', async () => {
    const res = await env.connection.operatorService.listSearchAttributes({ namespace: 'default' });
    expect(Object.keys(res.customAttributes ?? {})).toEqual(expect.arrayContaining(['TenantId', 'SyncStatus', 'LastRunOutcome']));
  });
});
