/**
 * Replays recorded workflow histories against a workflow bundle and says, per history, whether
 * the code is deterministic for it — the check before a deploy (`timr-sync replay`) and the
 * guard over the kept release fixtures (test/sync/replay.test.ts). One engine for both, so the
 * test proves what the command reports.
 */
import type { temporal } from '@temporalio/proto';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker, type ReplayWorkerOptions } from '@temporalio/worker';

type History = temporal.api.history.v1.IHistory;

export interface HistoryToReplay {
  workflowId: string;
  history: History;
}

export interface ReplayVerdict {
  workflowId: string;
  runId: string;
  workflowType: string;
  events: number;
  /** true: replayed without error. */
  deterministic: boolean;
  /** `nondeterminism`: the code makes other decisions than the history recorded; `failed`: replay broke otherwise. */
  problem: 'nondeterminism' | 'failed' | null;
  /** The SDK's full message when it did not replay. */
  error: string | null;
  /** Its gist, e.g. `[TMPRL1100] Nondeterminism error: Timer machine does not handle this event: …`. */
  reason: string | null;
}

export interface ReplayOptions {
  workflowBundle: { code: string };
  /** The payload codec the histories were written with (encrypted inputs must be decoded to replay). */
  dataConverter?: ReplayWorkerOptions['dataConverter'];
}

/**
 * A history as JSON text, in the format `temporal workflow show --output json`, the Temporal UI's
 * download and `historyToJSON` write. Throws with the reason when it is not one.
 */
export function parseHistoryJson(text: string, source: string): History {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${source} is not JSON: ${(err as Error).message}`, { cause: err });
  }
  let history: History;
  try {
    history = historyFromJSON(json);
  } catch (err) {
    throw new Error(`${source} is not a workflow history (as written by "temporal workflow show --output json" or the UI's download): ${(err as Error).message}`, { cause: err });
  }
  if (!history.events?.length) throw new Error(`${source} holds no history events`);
  return history;
}

function describeHistory(history: History): { runId: string; workflowType: string; events: number } {
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  return {
    runId: started?.originalExecutionRunId ?? '',
    workflowType: started?.workflowType?.name ?? '(unknown type)',
    events: history.events?.length ?? 0,
  };
}

/** The SDK wraps core's message in a Rust debug dump; the quoted `message` inside is what matters. */
function gist(message: string): string {
  const inner = /message: "((?:[^"\\]|\\.)*)"/.exec(message)?.[1];
  return inner ? inner.replaceAll('\\"', '"') : message;
}

/** Replays every history, one after the other, and returns one verdict each, in order. */
export async function replayHistories(histories: Iterable<HistoryToReplay> | AsyncIterable<HistoryToReplay>, opts: ReplayOptions): Promise<ReplayVerdict[]> {
  const fed: { workflowId: string; runId: string; workflowType: string; events: number }[] = [];
  async function* feed(): AsyncGenerator<HistoryToReplay> {
    for await (const h of histories) {
      fed.push({ workflowId: h.workflowId, ...describeHistory(h.history) });
      yield h;
    }
  }
  const verdicts: ReplayVerdict[] = [];
  const worker = { workflowBundle: opts.workflowBundle, ...(opts.dataConverter && { dataConverter: opts.dataConverter }) };
  // The SDK replays one history at a time, in order: the n-th result belongs to the n-th history.
  for await (const result of Worker.runReplayHistories(worker, feed())) {
    const meta = fed[verdicts.length]!;
    const error = result.error;
    verdicts.push({
      ...meta,
      runId: result.runId || meta.runId,
      deterministic: !error,
      problem: !error ? null : error.name === 'DeterminismViolationError' ? 'nondeterminism' : 'failed',
      error: error ? error.message : null,
      reason: error ? gist(error.message) : null,
    });
  }
  return verdicts;
}
