import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';

let cachedBundle: { code: string } | undefined;

/** The workflow bundle built once by global setup. */
export function workflowBundle(): { code: string } {
  cachedBundle ??= { code: readFileSync(inject('workflowBundlePath'), 'utf8') };
  return cachedBundle;
}

let runtimeInstalled = false;

export function connectTestEnv(): Promise<TestWorkflowEnvironment> {
  if (!runtimeInstalled) {
    // Tests provoke activity failures on purpose; the SDK logs each as a warning with a stack,
    // which buries real failures. TEMPORAL_TEST_LOG_LEVEL=WARN brings them back for debugging.
    const level = (process.env.TEMPORAL_TEST_LOG_LEVEL ?? 'ERROR') as 'ERROR' | 'WARN' | 'INFO' | 'DEBUG';
    Runtime.install({ logger: new DefaultLogger(level) });
    runtimeInstalled = true;
  }
  return TestWorkflowEnvironment.createFromExistingServer({
    address: inject('temporalAddress'),
    namespace: inject('temporalNamespace'),
  });
}

/** A worker on the shared dev server with the prebuilt bundle, on a task queue unique to the test. */
export function createTestWorker(
  env: TestWorkflowEnvironment,
  opts: Omit<WorkerOptions, 'connection' | 'namespace' | 'workflowBundle' | 'workflowsPath'>,
): Promise<Worker> {
  return Worker.create({
    connection: env.nativeConnection,
    namespace: inject('temporalNamespace'),
    workflowBundle: workflowBundle(),
    ...opts,
  });
}

export function uniqueTaskQueue(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
