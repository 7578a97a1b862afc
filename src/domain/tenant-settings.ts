/**
 * Everything a tenant workflow needs to know about its tenant, minus secrets. Carried in the
 * workflow input (and across continue-as-new), shown by the `status` query, changed by the
 * `updateConfig` update. The credentials are only referenced by name.
 */
import { z } from 'zod';
import { tenantSyncConfigSchemas } from './tenant-config.js';

export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * A new schema per call: workflow code (the updateConfig validator) cannot use the exported one,
 * frozen in the preloaded module (see tenantSyncConfigSchemas).
 */
export function tenantSettingsSchema() {
  const { TenantSyncConfig } = tenantSyncConfigSchemas();
  return z.object({
    // A RegExp per schema: zod resets the pattern's lastIndex, and in workflow code the exported one is frozen.
    tenantId: z.string().regex(new RegExp(TENANT_ID_PATTERN), 'tenant id: lowercase letters, digits and dashes, at most 63'),
    /** Name of the tenant's entry in the secret store (file or environment). */
    credentialsRef: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'credentials ref: letters, digits, dash, underscore (at most 64)'),
    intervalSeconds: z.number().int().min(5).max(7 * 86_400).default(900),
    /** How far back entries are looked for (raise it for a first backfill). */
    lookbackDays: z.number().int().min(1).max(3660).default(62),
    /**
     * Entries per run, at most; keeps one run's history far below Temporal's limits. A run sizes
     * itself by the tenant's Personio rate (write-pacing.ts): 200 up to 400 requests/s, 500 at
     * 1000/s. Tenants started before 500 was the default keep the 200 they were started with.
     */
    chunkSize: z.number().int().min(1).max(500).default(500),
    /**
     * Batches transferred in parallel within a run, at most: a run keeps fewer in flight when the
     * tenant's Personio rate cannot use them (write-pacing.ts). 8 measured no faster than 4
     * side by side (docs/performance.md), so 4 stays.
     */
    concurrency: z.number().int().min(1).max(32).default(4),
    /**
     * Entries per post/lock activity, at most: a run sizes its batches by the tenant's Personio
     * rate (write-pacing.ts): 10 up to 200 requests/s (at Personio's default 5/s a batch of 10
     * takes about 5 s, so a killed worker's batch is redone quickly), 50 at 1000/s, where batches
     * of 10 spent half the backfill's CPU on activity overhead. Batches keep a run's history small
     * (about 2 events per entry instead of about 10); a refused entry never fails its batch.
     * Tenants started before 50 was the default keep the 10 they were started with.
     */
    batchSize: z.number().int().min(1).max(50).default(50),
    /** Per-attempt limit of one vendor call sequence; a dead worker's activity is retried after it. */
    activityTimeoutSeconds: z.number().int().min(2).max(600).default(60),
    /** Attempts per vendor call sequence before an entry counts as failed for this run (it is retried next cycle). */
    activityMaxAttempts: z.number().int().min(1).max(100).default(8),
    /**
     * Hours between scheduled audits of the tenant's vendor state (report only: findings in status,
     * the Temporal UI and metrics; `timr-sync audit --repair` repairs). 0 turns it off. Tenants
     * started before this setting existed audit daily.
     */
    auditIntervalHours: z.number().min(0).max(24 * 366).default(24),
    sync: TenantSyncConfig.default(TenantSyncConfig.parse({})),
  });
}

export const TenantSettings = tenantSettingsSchema();
export type TenantSettings = z.infer<typeof TenantSettings>;
export type TenantSettingsInput = z.input<typeof TenantSettings>;

/** Fields `updateConfig` may change; identity (tenantId) is fixed for a workflow's life. */
export const TenantSettingsPatch = TenantSettings.omit({ tenantId: true }).partial();
export type TenantSettingsPatch = z.input<typeof TenantSettingsPatch>;

/**
 * What `updateConfig` carries: whole top-level settings, already parsed (defaults applied) by
 * the client. The workflow's handler only assigns them: it runs again on every replay, where a
 * newer schema or other ICU data must not be able to refuse what was accepted back then.
 */
export type TenantSettingsChange = Partial<Omit<TenantSettings, 'tenantId'>>;

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Objects merge key by key at every depth (a patch of one override keeps the others); arrays and scalars replace. */
function deepMerge(base: unknown, patch: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch === undefined ? base : patch;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) out[key] = deepMerge(base[key], value);
  return out;
}

/**
 * Settings of a tenant started again: the previous execution's, with whatever the operator gave
 * now on top (nested objects merge key by key).
 */
export function settingsOnRestart(previous: TenantSettings, given: TenantSettingsInput) {
  return TenantSettings.safeParse(deepMerge(previous, given));
}

/**
 * Client side of updateConfig: merges a (deep, partial) patch into the current settings and
 * parses the result; returns the change to send (the touched top-level settings, parsed) or
 * every problem as "path: message".
 */
export function applySettingsPatch(current: TenantSettings, patch: TenantSettingsPatch): { ok: true; settings: TenantSettings; change: TenantSettingsChange } | { ok: false; problems: string[] } {
  if (!isPlainObject(patch)) return { ok: false, problems: ['(settings): updateConfig expects an object with the fields to change'] };
  if ('tenantId' in patch) return { ok: false, problems: ['tenantId: cannot be changed; start a workflow for the other tenant instead'] };
  const parsed = TenantSettings.safeParse(deepMerge(current, patch));
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.join('.') || '(settings)'}: ${i.message}`) };
  const settings = parsed.data;
  const change = Object.fromEntries(Object.keys(patch).map((key) => [key, settings[key as keyof TenantSettings]])) as TenantSettingsChange;
  return { ok: true, settings, change };
}
