/**
 * Personio's per-IP limit holds for all worker processes behind the IP together, and each
 * process paces itself (clients/rate-limiter.ts): so each takes an equal share. Temporal knows
 * who is there — every process polls the task queue for activities — so a process counts the
 * distinct poller identities the server saw lately and divides the per-IP limit by that number.
 *
 * Conservative both ways: a process that stopped keeps its share reserved until its last poll
 * is `staleAfterMs` old, and a starting process counts itself at once; the processes already
 * running notice it within `intervalMs` (until then the IP may see up to one extra share).
 * Every process on the queue is assumed to share one egress IP; processes behind other IPs only
 * make the shares smaller than they need to be.
 */
import type { NativeConnection } from '@temporalio/worker';
import proto from '@temporalio/proto';
import type { PersonioLimits } from '../clients/rate-limiter.js';

export interface Poller {
  identity?: string | null;
  /** Epoch ms of its last poll. */
  lastAccessMs?: number;
}

/** Worker processes behind the IP: distinct identities polled lately, this one included. */
export function countProcesses(pollers: readonly Poller[], self: string, now: number, staleAfterMs: number): number {
  const live = new Set<string>([self]);
  for (const p of pollers) {
    if (!p.identity) continue;
    if (p.lastAccessMs !== undefined && now - p.lastAccessMs > staleAfterMs) continue;
    live.add(p.identity);
  }
  return live.size;
}

export interface IpShareOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** This process's worker identity (WorkerOptions.identity). */
  identity: string;
  limits: PersonioLimits;
  intervalMs?: number;
  /** An idle poller polls again at least every minute (long polls); older ones are gone. */
  staleAfterMs?: number;
  /** After every count (the process count, this one included). */
  onChange?: (processes: number) => void;
  onError?: (err: unknown) => void;
}

export interface IpShare {
  /** Processes this one shares the IP with, itself included, as last counted. */
  readonly processes: number;
  stop(): void;
}

function epochMs(t: { seconds?: unknown; nanos?: number | null } | null | undefined): number | undefined {
  if (!t) return undefined;
  return Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
}

/** Counts once before resolving (so the first request already uses the share), then every `intervalMs`. */
export async function startIpShare(opts: IpShareOptions): Promise<IpShare> {
  const intervalMs = opts.intervalMs ?? 2_000;
  const staleAfterMs = opts.staleAfterMs ?? 75_000;
  let processes = 1;
  const refresh = async () => {
    const res = await opts.connection.workflowService.describeTaskQueue({
      namespace: opts.namespace,
      taskQueue: { name: opts.taskQueue, kind: proto.temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      taskQueueType: proto.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
    });
    const pollers = (res.pollers ?? []).map((p) => ({ identity: p.identity, lastAccessMs: epochMs(p.lastAccessTime) }));
    processes = countProcesses(pollers, opts.identity, Date.now(), staleAfterMs);
    opts.limits.shareIpWith(processes);
    opts.onChange?.(processes);
  };
  const report = opts.onError ?? (() => undefined);
  // Without an answer the last count stands (1 until the first one).
  await refresh().catch(report);
  const timer = setInterval(() => void refresh().catch(report), intervalMs);
  timer.unref();
  return {
    get processes() {
      return processes;
    },
    stop: () => clearInterval(timer),
  };
}
