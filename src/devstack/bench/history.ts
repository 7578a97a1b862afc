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

/**
 * Where a backfill's wall time goes, summed over its runs (sync-run children): the hand-over
 * between runs (one closed → the next started), a run's start until its plan is scheduled, the
 * plan, the writes (plan done → last activity done), and the run's end after that; and how long
 * the write activities waited for a worker (scheduled → started) and ran (started → closed).
 */
export interface RunTimeline {
  runs: number;
  handoverMs: number;
  startToPlanMs: number;
  planMs: number;
  writesMs: number;
  closeMs: number;
  activities: Record<string, { count: number; queuedMs: number; runMs: number }>;
}

export interface HistoryFigures {
  executions: number;
  events: number;
  largestPayloadBytes: number;
  largestPayloadWorkflow: string;
  runTimeline: RunTimeline;
}

const RUN_ID = /^(tenant\/[^/]+)\/run\/\d+$/;

function addRun(timeline: RunTimeline, events: HistoryEvent[], spans: Map<string, { startMs: number; closeMs: number }[]>, workflowId: string): void {
  const tenant = RUN_ID.exec(workflowId)?.[1];
  if (!tenant || events.length === 0) return;
  const startMs = eventMs(events[0]!);
  const closeMs = eventMs(events[events.length - 1]!);
  const scheduled = new Map<string, { name: string; at: number }>();
  const started = new Map<string, number>();
  let planScheduled: number | undefined;
  let planDone: number | undefined;
  let lastDone = startMs;
  for (const e of events) {
    if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
      const name = e.activityTaskScheduledEventAttributes?.activityType?.name ?? '?';
      scheduled.set(String(e.eventId), { name, at: eventMs(e) });
      if (name === 'planSyncRun') planScheduled ??= eventMs(e);
    } else if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED) {
      const id = String(e.activityTaskStartedEventAttributes?.scheduledEventId);
      started.set(id, eventMs(e));
      const s = scheduled.get(id);
      if (s) {
        const a = (timeline.activities[s.name] ??= { count: 0, queuedMs: 0, runMs: 0 });
        a.count++;
        a.queuedMs += eventMs(e) - s.at;
      }
    } else if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED || e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED || e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT) {
      const attrs = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes;
      const id = String(attrs?.scheduledEventId);
      const s = scheduled.get(id);
      const st = started.get(id);
      if (s && st !== undefined) timeline.activities[s.name]!.runMs += eventMs(e) - st;
      if (s?.name === 'planSyncRun') planDone ??= eventMs(e);
      lastDone = Math.max(lastDone, eventMs(e));
    }
  }
  timeline.runs++;
  if (planScheduled !== undefined) timeline.startToPlanMs += planScheduled - startMs;
  if (planScheduled !== undefined && planDone !== undefined) timeline.planMs += planDone - planScheduled;
  if (planDone !== undefined) timeline.writesMs += Math.max(0, lastDone - planDone);
  timeline.closeMs += closeMs - lastDone;
  const list = spans.get(tenant) ?? [];
  list.push({ startMs, closeMs });
  spans.set(tenant, list);
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
  const runTimeline: RunTimeline = { runs: 0, handoverMs: 0, startToPlanMs: 0, planMs: 0, writesMs: 0, closeMs: 0, activities: {} };
  const spans = new Map<string, { startMs: number; closeMs: number }[]>();
  for (const ex of executions) {
    const history = await client.workflow.getHandle(ex.workflowId, ex.runId).fetchHistory();
    events += history.events?.length ?? 0;
    addRun(runTimeline, history.events ?? [], spans, ex.workflowId);
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
  for (const list of spans.values()) {
    list.sort((a, b) => a.startMs - b.startMs);
    for (let i = 1; i < list.length; i++) runTimeline.handoverMs += Math.max(0, list[i]!.startMs - list[i - 1]!.closeMs);
  }
  return { executions: executions.length, events, largestPayloadBytes: largest, largestPayloadWorkflow: largestWorkflow, runTimeline };
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
