import { proxyActivities } from '@temporalio/workflow';
import type * as activities from '../activities/health-check.js';

const { reportWorkerHealth } = proxyActivities<typeof activities>({ startToCloseTimeout: '10 seconds' });

/**
 * Canary: proves a worker polls the task queue and can run activities. Used by the test
 * harness; a health check for production would start it the same way.
 */
export async function healthCheckWorkflow(probe: string): Promise<{ probe: string; worker: string }> {
  const worker = await reportWorkerHealth(probe);
  return { probe, worker };
}
