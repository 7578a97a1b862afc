/**
 * Workflow code for the first-come-first-served baseline of test/sync/tenant-fairness.test.ts
 * only (bundled there with the product's workflows): the same workflows, with the fairness key
 * taken off every activity and child workflow they start, so one test run measures the same load
 * with and without the keys. Eager dispatch stays off, as in the product: only the key differs.
 */
import type { WorkflowInterceptorsFactory } from '@temporalio/workflow';

function withoutPriority<T extends { priority?: unknown }>(options: T): T {
  const { priority: _priority, ...rest } = options;
  return rest as T;
}

export const interceptors: WorkflowInterceptorsFactory = () => ({
  outbound: [
    {
      scheduleActivity: (input, next) => next({ ...input, options: withoutPriority(input.options) }),
      startChildWorkflowExecution: (input, next) => next({ ...input, options: withoutPriority(input.options) }),
    },
  ],
});
