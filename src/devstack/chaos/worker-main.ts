/**
 * The soak's worker, run as its own OS process so it can be SIGKILLed like a crashing pod.
 * Configured by environment (the parent passes the dev server, the sandbox endpoints, the
 * secrets dir, the codec key file and the prebuilt workflow bundle); prints READY once polling.
 * Exits when its parent goes away (stdin closes), so a killed soak leaves no orphan worker.
 */
import { readFileSync } from 'node:fs';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { dataConverterFromEnv } from '../../codec/index.js';
import { FileSecretStore } from '../../secrets/index.js';
import { createSyncWorker } from '../../worker.js';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`chaos worker needs ${name}`);
  return v;
};

process.stdin.on('close', () => process.exit(0));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();

Runtime.install({ logger: new DefaultLogger((process.env.CHAOS_WORKER_LOG_LEVEL ?? 'WARN') as 'WARN') });
const connection = await NativeConnection.connect({ address: env('TEMPORAL_ADDRESS') });
const worker = await createSyncWorker({
  connection,
  namespace: env('TEMPORAL_NAMESPACE'),
  workflowBundle: { code: readFileSync(env('WORKFLOW_BUNDLE_PATH'), 'utf8') },
  dataConverter: await dataConverterFromEnv(),
  deps: {
    endpoints: { timrBaseUrl: env('TIMR_BASE_URL'), timrTokenUrl: env('TIMR_TOKEN_URL'), personioBaseUrl: env('PERSONIO_BASE_URL') },
    secrets: new FileSecretStore(env('TIMR_SYNC_SECRETS_DIR')),
    httpTimeoutMs: Number(process.env.CHAOS_HTTP_TIMEOUT_MS ?? 3_000),
  },
});
const running = worker.run();
console.log('READY');
await running;
await connection.close();
