/**
 * A sync worker in its own OS process, so a test can kill it with SIGKILL mid-run.
 * Configured by environment; prints READY once polling.
 */
import { readFileSync } from 'node:fs';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { FileSecretStore } from '../../src/secrets/index.js';
import { createSyncWorker } from '../../src/worker.js';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`worker-process needs ${name}`);
  return v;
};

Runtime.install({ logger: new DefaultLogger('WARN') });
const connection = await NativeConnection.connect({ address: env('TEMPORAL_ADDRESS') });
const worker = await createSyncWorker({
  connection,
  namespace: env('TEMPORAL_NAMESPACE'),
  taskQueue: env('WORKER_TASK_QUEUE'),
  workflowBundle: { code: readFileSync(env('WORKFLOW_BUNDLE_PATH'), 'utf8') },
  deps: {
    endpoints: { timrBaseUrl: env('TIMR_BASE_URL'), timrTokenUrl: env('TIMR_TOKEN_URL'), personioBaseUrl: env('PERSONIO_BASE_URL') },
    secrets: new FileSecretStore(env('TIMR_SYNC_SECRETS_DIR')),
    httpTimeoutMs: 3_000,
  },
});
const running = worker.run();
console.log('READY');
await running;
await connection.close();
