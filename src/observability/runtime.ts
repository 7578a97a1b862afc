/**
 * Installs the Temporal Runtime of a worker process: SDK logs as JSON lines through the product
 * logger, and — when metrics are on — the SDK's runtime metrics on a loopback port that the
 * observability server (server.ts) merges into its /metrics. Must run before the first
 * connection of the process (Runtime.install refuses later).
 */
import net from 'node:net';
import type { LogLevel } from '@temporalio/common';
import { Runtime } from '@temporalio/worker';
import { log, temporalLogger } from './logger.js';

export const METRICS_PORT_ENV = 'TIMR_SYNC_METRICS_PORT';

/** The observability port from the environment; undefined (off) when unset or empty. */
export function metricsPortFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env[METRICS_PORT_ENV];
  if (raw === undefined || raw.trim() === '') return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${METRICS_PORT_ENV} must be a port number (0 picks a free one), got "${raw}"`);
  return port;
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Returns the URL of the SDK's own Prometheus exporter when `sdkMetrics` is set. */
export async function installWorkerRuntime(opts: { sdkMetrics: boolean; sdkLogLevel?: LogLevel }): Promise<{ sdkMetricsUrl?: string }> {
  const logger = temporalLogger(log(), opts.sdkLogLevel ?? 'INFO');
  if (!opts.sdkMetrics) {
    Runtime.install({ logger });
    return {};
  }
  const port = await freeLoopbackPort();
  Runtime.install({
    logger,
    telemetryOptions: { metrics: { prometheus: { bindAddress: `127.0.0.1:${port}` } } },
  });
  return { sdkMetricsUrl: `http://127.0.0.1:${port}/metrics` };
}
