/**
 * Per-tenant, non-secret sync configuration: how timr entries are read (time zone, which
 * type means Zeitausgleich, where position-less breaks go) and how employees are matched.
 * The workflow carries the parsed value; only activities, the CLI and tests parse.
 */
import { z } from 'zod';
import { isValidTimeZone } from './time-zone.js';

/** sync.fullReconcileHours when the tenant sets none. */
export const FULL_RECONCILE_HOURS_DEFAULT = 24;

/**
 * The schemas, built by a function: the workflow bundle loads this module once for all the
 * workflows of a worker (src/worker.ts, WORKFLOW_PRELOAD_MODULES), which freezes its exports, and
 * a zod schema caches parts of itself on first use. Workflow code builds schemas of its own here.
 */
export function tenantSyncConfigSchemas() {
  const MatchingStrategy = z.enum(['email', 'employee_number', 'external_id']);

  const MatchingConfig = z.strictObject({
    strategy: MatchingStrategy.default('email'),
    /** timr user id → Personio person id. Wins over the strategy; the way out of ambiguous or missing keys. */
    overrides: z.record(z.string().min(1), z.string().min(1)).default({}),
    /**
     * Compare keys trimmed and case-insensitively (" e-0007" matches "E-0007"). E-mail addresses
     * always compare that way; off, employee numbers and external ids must be identical.
     */
    normalizeKeys: z.boolean().default(true),
  });

  const trimmedNonEmpty = z.string().trim().min(1, 'must not be empty');

  /**
   * How a Zeitausgleich day reaches Personio: `zero-hours` books one zero-length WORK period (0
   * working hours that day; relies on Personio accepting start == end, which its v1 API refused),
   * `absence` books an absence period of the configured Personio time-off type (Personio's own
   * route for compensatory time off, with automatic deficit hours).
   */
  const ZeitausgleichRepresentation = z.enum(['zero-hours', 'absence']);

  const ZeitausgleichConfig = z
    .strictObject({
      /** timr working-time type ids. When ids or external ids are configured, names are ignored. */
      typeIds: z.array(trimmedNonEmpty).default([]),
      externalIds: z.array(trimmedNonEmpty).default([]),
      /** Fallback match on the type name (case-insensitive, trimmed); admins can rename types. */
      names: z.array(trimmedNonEmpty).default(['Zeitausgleich']),
      representation: ZeitausgleichRepresentation.default('zero-hours'),
      /** Personio absence (time-off) type id; required with representation `absence`. */
      absenceTypeId: trimmedNonEmpty.optional(),
    })
    .refine((c) => c.representation !== 'absence' || c.absenceTypeId !== undefined, {
      message: 'representation "absence" needs absenceTypeId: the id of the Personio absence type to book (e.g. "Überstundenausgleich")',
      path: ['absenceTypeId'],
    });

  const UnpositionedBreakPlacement = z.enum(['middle', 'start']);

  const BreaksConfig = z.strictObject({
    /** Where a break with a duration but no start/end is put in the entry. */
    unpositioned: UnpositionedBreakPlacement.default('middle'),
  });

  /**
   * Entries across a DST change (see README, "Transform rules"). Personio takes local times without
   * offset, so such an entry's clock times and its real length cannot both be written:
   * `preserve-duration` books the hours worked (the periods after the change are shifted by the
   * change), `wall-clock` keeps the times as on the clock (the hours are off by the change).
   */
  const DstRule = z.enum(['preserve-duration', 'wall-clock']);

  /** `approved`: only entries timr shows approved or closed are transferred (Personio's partner guidelines). */
  const TransferWhen = z.enum(['finished', 'approved']);

  const TenantSyncConfig = z.strictObject({
    timezone: z
      .string()
      .default('Europe/Vienna')
      .refine(isValidTimeZone, { message: 'unknown IANA time zone (use e.g. "Europe/Vienna")' }),
    matching: MatchingConfig.prefault({}),
    zeitausgleich: ZeitausgleichConfig.prefault({}),
    breaks: BreaksConfig.prefault({}),
    /** Longest comment sent to Personio, in UTF-16 code units as Personio counts; longer notes are cut with "…" and a warning. */
    commentMaxLength: z.number().int().min(2).max(100_000).default(1000),
    dst: DstRule.default('preserve-duration'),
    transferWhen: TransferWhen.default('finished'),
    /**
     * timr working-time types of a non-attendance category the tenant decided are not
     * Zeitausgleich (e.g. vacation, which Personio keeps itself): their entries are not
     * transferred and no longer listed as needing a decision. Attendance types are not affected.
     */
    ignoreTypeIds: z.array(trimmedNonEmpty).default([]),
    /**
     * Between two full reads of the look-back window, a cycle's check reads only what timr changed
     * (`last_modified_after`) and the deletion feed; a full pass, which also refreshes every
     * entry's fate, runs at most this often (and after anything that needs one: a config change,
     * a retry, a run that left work behind, changed working-time types).
     */
    fullReconcileHours: z.number().positive().max(24 * 31).default(FULL_RECONCILE_HOURS_DEFAULT),
    /**
     * How far back of the previous check a change check reads again: covers writes timr
     * committed while that check read, and clock skew between timr and the worker up to this.
     */
    changeOverlapSeconds: z.number().int().min(0).max(24 * 3600).default(60),
  }).superRefine((config, ctx) => {
    const both = config.ignoreTypeIds.filter((id) => config.zeitausgleich.typeIds.includes(id));
    if (both.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['ignoreTypeIds'],
        message: `type ${both.join(', ')} is configured as Zeitausgleich too; decide for one (remove it from sync.ignoreTypeIds or from sync.zeitausgleich.typeIds)`,
      });
    }
  });
  return { MatchingStrategy, MatchingConfig, ZeitausgleichRepresentation, ZeitausgleichConfig, UnpositionedBreakPlacement, BreaksConfig, DstRule, TransferWhen, TenantSyncConfig };
}

export const { MatchingStrategy, MatchingConfig, ZeitausgleichRepresentation, ZeitausgleichConfig, UnpositionedBreakPlacement, BreaksConfig, DstRule, TransferWhen, TenantSyncConfig } = tenantSyncConfigSchemas();
export type MatchingStrategy = z.infer<typeof MatchingStrategy>;
export type MatchingConfig = z.infer<typeof MatchingConfig>;
export type ZeitausgleichRepresentation = z.infer<typeof ZeitausgleichRepresentation>;
export type ZeitausgleichConfig = z.infer<typeof ZeitausgleichConfig>;
export type UnpositionedBreakPlacement = z.infer<typeof UnpositionedBreakPlacement>;
export type BreaksConfig = z.infer<typeof BreaksConfig>;
export type DstRule = z.infer<typeof DstRule>;
export type TransferWhen = z.infer<typeof TransferWhen>;
export type TenantSyncConfig = z.infer<typeof TenantSyncConfig>;
export type TenantSyncConfigInput = z.input<typeof TenantSyncConfig>;

export type ConfigParseResult = { ok: true; config: TenantSyncConfig } | { ok: false; problems: string[] };

/** Parses without throwing; each problem reads "path: message" so it can be shown as is. */
export function safeParseTenantSyncConfig(input: unknown): ConfigParseResult {
  const result = TenantSyncConfig.safeParse(input);
  if (result.success) return { ok: true, config: result.data };
  return { ok: false, problems: result.error.issues.map(describeIssue) };
}

/** Parses or throws an Error whose message names the tenant and every offending field. */
export function parseTenantSyncConfig(input: unknown, tenantId: string): TenantSyncConfig {
  const result = safeParseTenantSyncConfig(input);
  if (result.ok) return result.config;
  throw new Error(
    `Sync configuration of tenant "${tenantId}" is invalid; fix these fields and apply it again:\n` +
      result.problems.map((p) => `  - ${p}`).join('\n'),
  );
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.length === 0 ? '(config)' : issue.path.map(String).join('.');
  return `${path}: ${issue.message}`;
}

/**
 * A check reads the whole window (a full pass): none yet, no change watermark, or the last full
 * pass is `reconcileHours` old. Otherwise it reads only what timr changed since the watermark.
 */
export function fullPassDue(state: { changeWatermark?: string | null; lastFullPassAt?: string | null }, reconcileHours: number, nowMs: number): boolean {
  if (!state.changeWatermark || !state.lastFullPassAt) return true;
  const last = Date.parse(state.lastFullPassAt);
  return Number.isNaN(last) || nowMs - last >= reconcileHours * 3_600_000;
}

/**
 * sync.fullReconcileHours of a stored configuration without parsing all of it (workflow code
 * decides with it how to run the check; the check itself parses the whole configuration).
 */
export function fullReconcileHoursOf(sync: unknown): number {
  const hours = sync !== null && typeof sync === 'object' ? (sync as { fullReconcileHours?: unknown }).fullReconcileHours : undefined;
  return typeof hours === 'number' && hours > 0 ? hours : FULL_RECONCILE_HOURS_DEFAULT;
}
