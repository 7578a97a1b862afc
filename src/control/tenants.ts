/**
 * Operations on tenant workflows over the Temporal client: used by the CLI, `npm start`,
 * `sync:once` and the tests, so every caller starts and controls tenants the same way.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, TypedSearchAttributes, WorkflowNotFoundError } from '@temporalio/common';
import { SYNC_STATUS, TENANT_ID } from '../domain/search-attributes.js';
import type { EntryLedger } from '../domain/ledger.js';
import {
  applySettingsPatch,
  settingsOnRestart,
  TenantSettings,
  type TenantSettingsChange,
  type TenantSettingsInput,
  type TenantSettingsPatch,
} from '../domain/tenant-settings.js';
import { TASK_QUEUE, overrideCheckWorkflowId, runWorkflowId, tenantPriority, tenantWorkflowId } from '../workflows/ids.js';
import type { BackfillPreview, CheckOverridesResult, OverrideFinding, QuarantinedEntry } from '../activities/contracts.js';
import {
  auditUpdate,
  backfillUpdate,
  previewBackfillUpdate,
  runReportQuery,
  carryQuery,
  NO_CHANGE,
  pauseUpdate,
  resumeUpdate,
  retryQuarantinedUpdate,
  runLedgerQuery,
  statusQuery,
  stopUpdate,
  syncNowUpdate,
  updateConfigUpdate,
} from '../workflows/messages.js';
import { restartedState } from '../workflows/tenant-manager.js';
import type { checkOverridesWorkflow } from '../workflows/check-overrides.js';
import type { listQuarantineWorkflow } from '../workflows/list-quarantine.js';
import type { syncRunWorkflow } from '../workflows/sync-run.js';
import type { tenantSyncWorkflow } from '../workflows/tenant-sync.js';
import type { AuditOutcome, BackfillState, RunSummary, SyncRunReport, TenantCarry, TenantState, TenantStatusView } from '../workflows/types.js';

export type TenantHandle = WorkflowHandle<typeof tenantSyncWorkflow>;

export interface StartOptions {
  taskQueue?: string;
  /** Start from the given settings (plus defaults) instead of the previous execution's. */
  resetSettings?: boolean;
  /** Test hook: continue as new after this many cycles. */
  continueAsNewAfterCycles?: number;
}

export interface StartResult {
  handle: TenantHandle;
  /** False when the tenant's workflow was already running (nothing was changed). */
  started: boolean;
  /**
   * Where the started tenant's state came from: its previous (stopped or terminated) execution,
   * `unreadable` when one exists but could not be read (no worker answered), absent when new.
   */
  restored?: 'previous execution' | 'previous execution, settings reset' | 'unreadable';
  settings?: TenantSettings;
}

/** How long a start waits for a worker to read a closed execution's state. */
const CARRY_QUERY_TIMEOUT_MS = 15_000;

/** The settings and state a closed execution of the tenant left, if there is one and it can be read. */
async function previousCarry(client: Client, tenantId: string): Promise<TenantCarry | 'running' | 'unreadable' | undefined> {
  const handle = tenantHandle(client, tenantId);
  let status: string;
  try {
    status = (await handle.describe()).status.name;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
  if (status === 'RUNNING') return 'running';
  if (status === 'COMPLETED') {
    const final = await handle.result().catch(() => undefined);
    if (final?.carry) return final.carry;
  }
  // Terminated, failed, timed out, or completed by an older version: a worker replays it and answers.
  try {
    return await client.withDeadline(Date.now() + CARRY_QUERY_TIMEOUT_MS, () => handle.query(carryQuery));
  } catch {
    return 'unreadable';
  }
}

/** A start that cannot take the credentials reference from the tenant's previous settings names none. */
export class CredentialsRefRequired extends Error {
  constructor(
    readonly tenantId: string,
    readonly why: string,
  ) {
    super(`tenant "${tenantId}": ${why}, so its settings must name credentialsRef, the tenant's entry in the secret store`);
    this.name = 'CredentialsRefRequired';
  }
}

function invalidSettings(tenantId: unknown, issues: { path: PropertyKey[]; message: string }[]): Error {
  const problems = issues.map((i) => `  - ${i.path.map(String).join('.') || '(settings)'}: ${i.message}`).join('\n');
  return new Error(`settings of tenant "${String(tenantId)}" are invalid:\n${problems}`);
}

/**
 * Validates the settings (clear errors naming the tenant) and starts `tenant/<id>` once. A
 * tenant started again after a stop (or a termination) is the same tenant: it keeps its
 * settings — `input` only changes what it names, unless `resetSettings` — and its sync state
 * (run numbering, quarantine, writes of unknown outcome, deletion watermark).
 */
export async function startTenant(client: Client, input: TenantSettingsInput | Omit<TenantSettingsInput, 'credentialsRef'>, opts: StartOptions = {}): Promise<StartResult> {
  let previous: Awaited<ReturnType<typeof previousCarry>> | undefined;
  let candidate = input;
  if (!('credentialsRef' in input) || input.credentialsRef === undefined) {
    // A restarted tenant keeps its credentials reference; only a first start must name one.
    if (opts.resetSettings) throw new CredentialsRefRequired(input.tenantId, 'its settings are reset');
    previous = await previousCarry(client, input.tenantId);
    if (previous === 'running') return { handle: tenantHandle(client, input.tenantId), started: false };
    if (previous === 'unreadable') throw new CredentialsRefRequired(input.tenantId, 'its previous settings could not be read (is a worker running?)');
    if (!previous) throw new CredentialsRefRequired(input.tenantId, 'it has not run before');
    candidate = { ...input, credentialsRef: previous.settings.credentialsRef };
  }
  const given = TenantSettings.safeParse(candidate);
  if (!given.success) throw invalidSettings((input as { tenantId?: unknown }).tenantId, given.error.issues);
  const tenantId = given.data.tenantId;
  previous ??= await previousCarry(client, tenantId);
  if (previous === 'running') return { handle: tenantHandle(client, tenantId), started: false };

  let settings = given.data;
  let state: TenantState | undefined;
  let restored: StartResult['restored'];
  if (previous === 'unreadable') {
    restored = 'unreadable';
  } else if (previous) {
    state = restartedState(previous.state);
    restored = opts.resetSettings ? 'previous execution, settings reset' : 'previous execution';
    if (!opts.resetSettings) {
      const merged = settingsOnRestart(previous.settings, candidate as TenantSettingsInput);
      if (!merged.success) throw invalidSettings(tenantId, merged.error.issues);
      settings = merged.data;
    }
  }
  try {
    const handle = await client.workflow.start<typeof tenantSyncWorkflow>('tenantSyncWorkflow', {
      workflowId: tenantWorkflowId(tenantId),
      taskQueue: opts.taskQueue ?? TASK_QUEUE,
      args: [{ settings, ...(state && { state }), ...(opts.continueAsNewAfterCycles !== undefined && { continueAsNewAfterCycles: opts.continueAsNewAfterCycles }) }],
      typedSearchAttributes: new TypedSearchAttributes([
        { key: TENANT_ID, value: tenantId },
        { key: SYNC_STATUS, value: 'active' },
      ]),
      staticSummary: `timr → Personio sync of tenant ${tenantId}`,
      // Its workflow tasks wait their fair turn too (its activities and runs carry the key themselves).
      priority: tenantPriority(tenantId),
    });
    return { handle, started: true, settings, ...(restored && { restored }) };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { handle: tenantHandle(client, tenantId), started: false };
    throw err;
  }
}

export function tenantHandle(client: Client, tenantId: string): TenantHandle {
  return client.workflow.getHandle<typeof tenantSyncWorkflow>(tenantWorkflowId(tenantId));
}

/** The workflow refused an operation (its validator said why, e.g. "tenant x is paused; resume it first"). */
export class TenantOperationRejected extends Error {
  constructor(
    readonly tenantId: string,
    readonly operation: string,
    reason: string,
  ) {
    super(reason);
    this.name = 'TenantOperationRejected';
  }
}

/** What a lifecycle verb did: `noChange` says why nothing was changed (the tenant was already so). */
export interface VerbResult {
  view: TenantStatusView;
  noChange?: string;
}

const noChangeOf = (err: WorkflowUpdateFailedError): string | undefined =>
  err.cause instanceof ApplicationFailure && err.cause.type === NO_CHANGE ? err.cause.message : undefined;

/** Runs an update, turning a validator's rejection into an error that carries its reason. */
async function update<R>(tenantId: string, operation: string, run: () => Promise<R>): Promise<R> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      throw new TenantOperationRejected(tenantId, operation, err.cause?.message ?? err.message);
    }
    throw err;
  }
}

/** A verb whose target state may already hold: that is a no-op (kubectl style), not a refusal. */
async function verb(client: Client, tenantId: string, operation: string, run: () => Promise<TenantStatusView>): Promise<VerbResult> {
  try {
    return { view: await run() };
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      const noChange = noChangeOf(err);
      if (noChange !== undefined) return { view: await tenantStatus(client, tenantId), noChange };
      throw new TenantOperationRejected(tenantId, operation, err.cause?.message ?? err.message);
    }
    throw err;
  }
}

export const tenantStatus = (client: Client, tenantId: string): Promise<TenantStatusView> => tenantHandle(client, tenantId).query(statusQuery);
export const pauseTenant = (client: Client, tenantId: string) => verb(client, tenantId, 'pause', () => tenantHandle(client, tenantId).executeUpdate(pauseUpdate));
export const resumeTenant = (client: Client, tenantId: string) => verb(client, tenantId, 'resume', () => tenantHandle(client, tenantId).executeUpdate(resumeUpdate));
export const syncTenantNow = (client: Client, tenantId: string): Promise<RunSummary | null> =>
  update(tenantId, 'sync-now', () => tenantHandle(client, tenantId).executeUpdate(syncNowUpdate));

/** Starts a backfill of the days (inclusive) in the tenant's loop; progress in `status` (view.backfill). */
export const startBackfill = (client: Client, tenantId: string, range: { from: string; to: string }): Promise<VerbResult & { backfill?: BackfillState }> =>
  verb(client, tenantId, 'backfill', async () => {
    await tenantHandle(client, tenantId).executeUpdate(backfillUpdate, { args: [range] });
    return tenantStatus(client, tenantId);
  }).then((r) => ({ ...r, ...(r.view.backfill && { backfill: r.view.backfill }) }));

/** What a backfill of the days would do; nothing is written. */
export const previewBackfill = (client: Client, tenantId: string, range: { from: string; to: string }): Promise<BackfillPreview> =>
  update(tenantId, 'backfill --dry-run', () => tenantHandle(client, tenantId).executeUpdate(previewBackfillUpdate, { args: [range] }));

/**
 * Waits for the tenant's latest backfill to finish, calling `onProgress` when its progress
 * changes; resolves with its final state.
 */
export async function waitForBackfill(client: Client, tenantId: string, number: number, onProgress: (b: BackfillState) => void, pollMs = 1_000): Promise<BackfillState> {
  let last = '';
  for (;;) {
    const b = (await tenantStatus(client, tenantId)).backfill;
    if (!b || b.number !== number) throw new Error(`tenant ${tenantId} shows no backfill #${number}`);
    const key = JSON.stringify([b.status, b.done, b.total, b.runs]);
    if (key !== last) onProgress(b);
    last = key;
    if (b.status !== 'running') return b;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/**
 * Audits the tenant's vendor state in its loop, between two runs (`tenant/<id>/audit/<n>`); with
 * `repair`, the next run repairs what the audit found and a second audit checks the result.
 * Waits for all of it.
 */
export const auditTenant = (client: Client, tenantId: string, opts: { repair?: boolean } = {}): Promise<AuditOutcome> =>
  update(tenantId, opts.repair ? 'audit --repair' : 'audit', () => tenantHandle(client, tenantId).executeUpdate(auditUpdate, { args: [{ repair: opts.repair === true }] }));

/**
 * Stops the tenant after its run in flight. Stopping a stopping tenant, or one whose workflow
 * has already ended, is a no-op; `view` is then the final state when the workflow completed.
 */
export async function stopTenant(client: Client, tenantId: string): Promise<{ view?: TenantStatusView; noChange?: string; ended: boolean }> {
  const handle = tenantHandle(client, tenantId);
  try {
    return { ...(await verb(client, tenantId, 'stop', () => handle.executeUpdate(stopUpdate))), ended: false };
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    // No workflow at all is a real refusal; one that has ended is already stopped.
    const closed = await handle.describe().catch(() => undefined);
    if (!closed || closed.status.name === 'RUNNING') throw err;
    if (closed.status.name === 'COMPLETED') return { view: await handle.result(), noChange: `tenant ${tenantId} is already stopped`, ended: true };
    return { noChange: `tenant ${tenantId} has already ended (${closed.status.name.toLowerCase()})`, ended: true };
  }
}

/**
 * Sends whole top-level settings, fully parsed (what `timr-sync config` computes); the workflow
 * validates them once and its handler only assigns them.
 */
export const changeTenantSettings = (client: Client, tenantId: string, change: TenantSettingsChange) =>
  update(tenantId, 'update-config', () => tenantHandle(client, tenantId).executeUpdate(updateConfigUpdate, { args: [change] }));

/** Applies a deep, partial patch: merged and parsed here, against the settings the workflow has now. */
export async function updateTenantConfig(client: Client, tenantId: string, patch: TenantSettingsPatch): Promise<TenantStatusView> {
  const current = (await tenantStatus(client, tenantId)).settings;
  const applied = applySettingsPatch(current, patch);
  if (!applied.ok) throw new TenantOperationRejected(tenantId, 'update-config', `invalid config for tenant ${tenantId}: ${applied.problems.join('; ')}`);
  return changeTenantSettings(client, tenantId, applied.change);
}
/** With `wait`, resolves after the cycle the retry starts, with its run (see retryQuarantinedUpdate). */
export const retryQuarantined = (client: Client, tenantId: string, entryIds?: string[], opts: { wait?: boolean } = {}) =>
  update(tenantId, 'retry', () =>
    tenantHandle(client, tenantId).executeUpdate(retryQuarantinedUpdate, { args: [{ ...(entryIds && { entryIds }), ...(opts.wait && { wait: true }) }] }),
  );

/** Tenant workflows known to the namespace's visibility store, newest first. */
export async function listTenants(client: Client, opts: { includeClosed?: boolean; query?: string } = {}): Promise<{ tenantId: string; workflowId: string; status: string; syncStatus?: string }[]> {
  const query = `WorkflowType = 'tenantSyncWorkflow'${opts.includeClosed ? '' : " AND ExecutionStatus = 'Running'"}${opts.query !== undefined ? ` AND (${opts.query})` : ''}`;
  const rows: { tenantId: string; workflowId: string; status: string; syncStatus?: string }[] = [];
  for await (const wf of client.workflow.list({ query })) {
    const tenantId = wf.typedSearchAttributes.get(TENANT_ID) ?? wf.workflowId.replace(/^tenant\//, '');
    const syncStatus = wf.typedSearchAttributes.get(SYNC_STATUS);
    rows.push({ tenantId, workflowId: wf.workflowId, status: wf.status.name, ...(syncStatus !== undefined && { syncStatus }) });
  }
  return rows;
}

/** Overrides in `next` that are new or point elsewhere than in `current` (removed ones need no check). */
export function changedOverrides(current: Readonly<Record<string, string>>, next: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(next).filter(([user, person]) => current[user] !== person));
}

/** An override was refused: the Personio person it names does not exist. */
export class OverrideRefused extends Error {
  constructor(
    readonly tenantId: string,
    readonly findings: OverrideFinding[],
  ) {
    super(`tenant ${tenantId}: nothing was changed; ${findings.map((f) => f.message).join('; ')}`);
    this.name = 'OverrideRefused';
  }
}

/**
 * Checks matching overrides against Personio and timr before they are set, through a short
 * workflow whose activity runs on a worker of `taskQueue` (workers hold the credentials). Throws
 * OverrideRefused when a named person does not exist; returns the warnings otherwise.
 */
export async function checkMatchingOverrides(
  client: Client,
  tenant: { tenantId: string; credentialsRef: string },
  overrides: Readonly<Record<string, string>>,
  taskQueue: string,
): Promise<OverrideFinding[]> {
  if (Object.keys(overrides).length === 0) return [];
  const result: CheckOverridesResult = await client.workflow.execute<typeof checkOverridesWorkflow>('checkOverridesWorkflow', {
    workflowId: overrideCheckWorkflowId(tenant.tenantId, randomUUID()),
    taskQueue,
    args: [{ tenantId: tenant.tenantId, credentialsRef: tenant.credentialsRef, overrides: { ...overrides } }],
    workflowExecutionTimeout: '2 minutes',
    staticSummary: `check matching overrides of tenant ${tenant.tenantId}`,
    priority: tenantPriority(tenant.tenantId),
  });
  const refused = result.findings.filter((f) => f.problem === 'missing-person');
  if (refused.length > 0) throw new OverrideRefused(tenant.tenantId, refused);
  return result.findings;
}

/** Quarantined entries per page of `listQuarantined` (each page is one short workflow). */
const QUARANTINE_PAGE = 2_000;

/**
 * Every quarantined entry of the tenant's window, with its reason. The tenant workflow keeps
 * counts and a bounded sample only (its state stays small at any tenant size), so the list is
 * read from the vendors on demand by a worker of the tenant's task queue, a page at a time.
 */
export async function listQuarantined(client: Client, tenantId: string): Promise<QuarantinedEntry[]> {
  const handle = tenantHandle(client, tenantId);
  const [{ settings, state }, taskQueue] = await Promise.all([handle.query(carryQuery), tenantTaskQueue(client, tenantId)]);
  const entries: QuarantinedEntry[] = [];
  for (let offset = 0; ; offset += QUARANTINE_PAGE) {
    const page = await client.workflow.execute<typeof listQuarantineWorkflow>('listQuarantineWorkflow', {
      workflowId: `tenant/${tenantId}/quarantine/${randomUUID()}`,
      taskQueue,
      args: [
        {
          tenantId,
          credentialsRef: settings.credentialsRef,
          sync: settings.sync,
          lookbackDays: settings.lookbackDays,
          held: state.held ?? Object.fromEntries(state.quarantined.map((q) => [q.entryId, q.lastModified])),
          deletionWatermark: state.deletionWatermark,
          offset,
          limit: QUARANTINE_PAGE,
        },
      ],
      workflowExecutionTimeout: '15 minutes',
      staticSummary: `list the quarantined entries of tenant ${tenantId} (from ${offset + 1})`,
      priority: tenantPriority(tenantId),
    });
    for (const e of page.entries) entries.push({ entryId: e.entryId, employee: e.employee, date: e.date, lastModified: e.lastModified, ...(e.code && { code: e.code }), reason: page.reasons[e.reason] ?? '' });
    if (offset + QUARANTINE_PAGE >= page.total) return entries;
  }
}

/** The task queue the tenant's workflow runs on (where its workers are). */
export async function tenantTaskQueue(client: Client, tenantId: string): Promise<string> {
  return (await tenantHandle(client, tenantId).describe()).taskQueue;
}

/** What Temporal holds of one sync run: its report, its ledger while it runs, or how it ended. */
export type RunLookup =
  | { state: 'completed'; workflowId: string; report: SyncRunReport }
  | { state: 'running'; workflowId: string; ledger: EntryLedger[] }
  | { state: 'closed'; workflowId: string; status: string; message: string };

/**
 * Run `runNumber` of a tenant, from Temporal itself (the client's codec decrypts the result), so
 * a report never needs a copy kept beside the run. Throws WorkflowNotFoundError when the run is
 * unknown (never started, or older than the namespace's retention).
 */
export async function lookUpRun(client: Client, tenantId: string, runNumber: number): Promise<RunLookup> {
  const workflowId = runWorkflowId(tenantId, runNumber);
  const handle = client.workflow.getHandle<typeof syncRunWorkflow>(workflowId);
  const { status } = await handle.describe();
  if (status.name === 'RUNNING') return { state: 'running', workflowId, ledger: await handle.query(runLedgerQuery) };
  try {
    const result = await handle.result();
    // The result names a sample of the entries; the run's report query has every one (a worker
    // answers it by replaying the run; runs of older versions returned everything anyway).
    const report = await handle.query(runReportQuery).catch(() => result);
    return { state: 'completed', workflowId, report };
  } catch (err) {
    const causes: string[] = [];
    for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) causes.push(e.message);
    return { state: 'closed', workflowId, status: status.name, message: causes.join(': ') };
  }
}
