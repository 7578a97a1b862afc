/**
 * The worker: hosts both sync workflows and their activities on one task queue. Scale out by
 * running more of these; all share nothing but the Temporal server (and, per process, one
 * Personio rate limiter across tenants).
 *
 *   npm run worker            # connection from TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE / profile
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from './activities/index.js';
import { endpointsFromEnv, type ActivityDeps } from './activities/deps.js';
import { dataConverterFromEnv } from './codec/index.js';
import { secretStoreFromEnv } from './secrets/index.js';
import { TASK_QUEUE } from './workflows/ids.js';

const here = fileURLToPath(import.meta.url);
/** Source when run with tsx, compiled JS under dist/ otherwise. */
export const WORKFLOWS_PATH = path.join(path.dirname(here), 'workflows', here.endsWith('.ts') ? 'index.ts' : 'index.js');

export interface SyncWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue?: string;
  deps: ActivityDeps;
  dataConverter?: WorkerOptions['dataConverter'];
  /** A prebuilt bundle (tests build it once); otherwise the worker bundles WORKFLOWS_PATH. */
  workflowBundle?: { code: string };
  maxConcurrentActivityTaskExecutions?: number;
}

export function createSyncWorker(opts: SyncWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue ?? TASK_QUEUE,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities: createActivities(opts.deps),
    ...(opts.dataConverter && { dataConverter: opts.dataConverter }),
    maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivityTaskExecutions ?? 50,
  });
}

async function main(): Promise<void> {
  const config = loadClientConnectConfig();
  const connection = await NativeConnection.connect(config.connectionOptions);
  const namespace = config.namespace ?? 'default';
  const worker = await createSyncWorker({
    connection,
    namespace,
    deps: { endpoints: endpointsFromEnv(), secrets: secretStoreFromEnv() },
    dataConverter: await dataConverterFromEnv(),
  });
  console.log(`worker polling ${TASK_QUEUE} on ${config.connectionOptions.address ?? 'localhost:7233'} / ${namespace}`);
  // The SDK shuts the worker down gracefully on SIGINT/SIGTERM.
  await worker.run();
  await connection.close();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
