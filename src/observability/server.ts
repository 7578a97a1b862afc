/**
 * The worker's observability endpoint, one port (TIMR_SYNC_METRICS_PORT):
 *   GET /metrics  — the product's metrics (metrics.ts) followed by the SDK's runtime metrics,
 *                   which Temporal's core exports on a loopback-only port of its own (runtime.ts);
 *                   one scrape target per worker, the SDK's names keep their `temporal_` prefix.
 *   GET /healthz  — liveness: the process serves HTTP (200).
 *   GET /readyz   — readiness: the worker is RUNNING and the Temporal server answers (200, else 503),
 *                   with the reasons as JSON.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { registry } from './metrics.js';

export interface ObservabilityTarget {
  worker?: Pick<Worker, 'getState'>;
  connection?: Pick<NativeConnection, 'workflowService'>;
  namespace?: string;
}

export interface ObservabilityServer {
  url: string;
  port: number;
  /** Sets or replaces what readiness looks at (the worker exists only after the server is up). */
  watch(target: ObservabilityTarget): void;
  close(): Promise<void>;
}

export interface Readiness {
  ready: boolean;
  worker: string;
  temporal: 'reachable' | 'unreachable' | 'unknown';
  reason?: string;
}

const TEMPORAL_PROBE_TIMEOUT_MS = 2000;

export async function readiness(target: ObservabilityTarget): Promise<Readiness> {
  const worker = target.worker?.getState() ?? 'none';
  let temporal: Readiness['temporal'] = 'unknown';
  let reason: string | undefined;
  if (target.connection) {
    try {
      await withTimeout(target.connection.workflowService.getSystemInfo({}), TEMPORAL_PROBE_TIMEOUT_MS);
      temporal = 'reachable';
    } catch (err) {
      temporal = 'unreachable';
      reason = `Temporal server: ${(err as Error).message}`;
    }
  }
  if (worker !== 'RUNNING') reason = `worker state ${worker}${reason ? `; ${reason}` : ''}`;
  const ready = worker === 'RUNNING' && temporal === 'reachable';
  return { ready, worker, temporal, ...(reason !== undefined && { reason }) };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function sdkMetrics(sdkMetricsUrl: string | undefined): Promise<string> {
  if (!sdkMetricsUrl) return '';
  try {
    const res = await fetch(sdkMetricsUrl, { signal: AbortSignal.timeout(2000) });
    return res.ok ? await res.text() : '';
  } catch {
    // The product's metrics are still worth serving when the SDK exporter is not (yet) up.
    return '';
  }
}

export async function startObservabilityServer(opts: { port: number; host?: string; sdkMetricsUrl?: string; target?: ObservabilityTarget }): Promise<ObservabilityServer> {
  let target: ObservabilityTarget = opts.target ?? {};
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    void (async () => {
      try {
        if (req.method !== 'GET') {
          res.writeHead(405).end();
        } else if (path === '/metrics') {
          const product = await registry.metrics();
          const sdk = await sdkMetrics(opts.sdkMetricsUrl);
          res.writeHead(200, { 'content-type': registry.contentType }).end(`${product}\n${sdk}`);
        } else if (path === '/healthz') {
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ live: true }));
        } else if (path === '/readyz') {
          const r = await readiness(target);
          res.writeHead(r.ready ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(r));
        } else {
          res.writeHead(404).end();
        }
      } catch (err) {
        res.writeHead(500).end((err as Error).message);
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    port,
    watch(t) {
      target = t;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
