/**
 * What Temporal stores for a phase's workflows: events per execution, the largest payload
 * (as stored, i.e. encrypted), and when each regular cycle's check started after its timer
 * fired (the fairness delay). Read from the server's histories, not from the worker.
 */
import type { Client } from '@temporalio/client';
import proto, { type temporal } from '@temporalio/proto';

const EventType = proto.temporal.api.enums.v1.EventType;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

function eventMs(e: HistoryEvent): number {
  const t = e.eventTime;
  if (!t) return 0;
  return Number(t.seconds ?? 0) * 1000 + (t.nanos ?? 0) / 1e6;
}

/** Sizes of every payload in an event (data bytes as stored). */
function payloadSizes(value: unknown, out: number[], depth = 0): void {
  if (!value || typeof value !== 'object' || depth > 12) return;
  if (value instanceof Uint8Array) return;
  const v = value as Record<string, unknown>;
  if (v.data instanceof Uint8Array && 'metadata' in v) {
    out.push(v.data.length);
    return;
  }
  for (const key of Object.keys(v)) payloadSizes(v[key], out, depth + 1);
}

export interface HistoryFigures {
  executions: number;
  events: number;
  largestPayloadBytes: number;
  largestPayloadWorkflow: string;
}

export interface CycleDelay {
  workflowId: string;
  timerFiredAt: number;
  checkStartedAt: number;
  delayMs: number;
}

/** Every execution whose workflow id starts with `tenant/<prefix>-` (the phase's tenants and their runs). */
export async function phaseExecutions(client: Client, prefix: string): Promise<{ workflowId: string; runId: string; historyLength: number }[]> {
  const out: { workflowId: string; runId: string; historyLength: number }[] = [];
  for await (const wf of client.workflow.list({ query: `WorkflowId STARTS_WITH "tenant/${prefix}-"` })) out.push({ workflowId: wf.workflowId, runId: wf.runId, historyLength: wf.historyLength });
  return out;
}

export async function historyFigures(client: Client, prefix: string): Promise<HistoryFigures> {
  const executions = await phaseExecutions(client, prefix);
  let events = 0;
  let largest = 0;
  let largestWorkflow = '';
  for (const ex of executions) {
    const history = await client.workflow.getHandle(ex.workflowId, ex.runId).fetchHistory();
    events += history.events?.length ?? 0;
    for (const e of history.events ?? []) {
      const sizes: number[] = [];
      payloadSizes(e, sizes);
      for (const s of sizes) {
        if (s > largest) {
          largest = s;
          largestWorkflow = ex.workflowId;
        }
      }
    }
  }
  return { executions: executions.length, events, largestPayloadBytes: largest, largestPayloadWorkflow: largestWorkflow };
}

/** The marker a local activity's result is recorded in (the SDK core's name for it). */
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

/**
 * For each tenant execution: every cycle timer that fired within [fromMs, toMs] and how long
 * until the cycle's check started (workflow task and activity queue waits together; a change
 * check, a local activity, starts with the workflow task that follows the timer).
 */
export async function cycleDelays(client: Client, workflowIds: string[], fromMs: number, toMs: number): Promise<CycleDelay[]> {
  const out: CycleDelay[] = [];
  for (const workflowId of workflowIds) {
    const runs: string[] = [];
    for await (const wf of client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) runs.push(wf.runId);
    for (const runId of runs) {
      const events = (await client.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? [];
      const scheduledCheck = new Map<string, number>();
      let firedAt: number | undefined;
      // A change check runs as a local activity from the first workflow task after the timer fired.
      let taskStartedAt: number | undefined;
      for (const e of events) {
        if (e.eventType === EventType.EVENT_TYPE_TIMER_STARTED) firedAt = undefined;
        else if (e.eventType === EventType.EVENT_TYPE_TIMER_FIRED) {
          firedAt = eventMs(e);
          taskStartedAt = undefined;
        } else if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED && firedAt !== undefined && taskStartedAt === undefined) taskStartedAt = eventMs(e);
        else if (e.eventType === EventType.EVENT_TYPE_MARKER_RECORDED && e.markerRecordedEventAttributes?.markerName === LOCAL_ACTIVITY_MARKER) {
          const fired = firedAt;
          firedAt = undefined;
          if (fired !== undefined && taskStartedAt !== undefined && fired >= fromMs && fired <= toMs) out.push({ workflowId, timerFiredAt: fired, checkStartedAt: taskStartedAt, delayMs: taskStartedAt - fired });
        } else if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED && e.activityTaskScheduledEventAttributes?.activityType?.name === 'checkForWork') {
          if (firedAt !== undefined) scheduledCheck.set(String(e.eventId), firedAt);
          firedAt = undefined;
        } else if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED) {
          const fired = scheduledCheck.get(String(e.activityTaskStartedEventAttributes?.scheduledEventId));
          if (fired !== undefined && fired >= fromMs && fired <= toMs) out.push({ workflowId, timerFiredAt: fired, checkStartedAt: eventMs(e), delayMs: eventMs(e) - fired });
        }
      }
    }
  }
  return out;
}
