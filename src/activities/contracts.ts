/**
 * What the sync workflows and the sync activities exchange. Workflows import these as types
 * only; activities may parse with them. Everything here lands in workflow history (encrypted
 * by the payload codec), so: no secrets, and keep it small — ids, local times, short reasons.
 */
import { z } from 'zod';
import { EntryFates, QuarantineCode, TypeDecision } from '../domain/entry-fates-schema.js';
import { PlannedPeriod } from '../domain/planned-period.js';
import { ProvisionRow } from '../domain/provisioning.js';
import { MatchingStrategy } from '../domain/tenant-config.js';

export { EntryFates, PlannedPeriod, QuarantineCode, TypeDecision };

/** What this product wrote into a timr entry's metadata when it locked the entry. */
export const SyncMetadata = z.object({
  periodIds: z.array(z.string()),
  personId: z.string(),
  fingerprint: z.string(),
  run: z.string(),
});
export type SyncMetadata = z.infer<typeof SyncMetadata>;
/** Key under the entry's `metadata`; other keys belong to the customer and are kept. */
export const SYNC_METADATA_KEY = 'personioSync';

/** Who and when, for summaries, reports and quarantine lists. */
export const EntryLabel = z.object({
  entryId: z.string(),
  employee: z.string(),
  date: z.string(),
});
export type EntryLabel = z.infer<typeof EntryLabel>;

/**
 * What a lock must know of the entry besides our record: its status (an approved or closed one
 * keeps it) and the customer's other metadata keys (a PATCH replaces the whole metadata). Taken
 * from planning's read, so the lock PATCH's answer is the only read of a transfer (issue 10:
 * one timr request per entry instead of a GET before every PATCH). Left out when the customer's
 * metadata is large: history stays small, and that lock reads the entry first.
 */
export const LockBase = z.object({
  status: z.enum(['changeable', 'approved', 'closed', 'locked']),
  /** The entry's metadata without our key; null when it has none. */
  metadata: z.record(z.string(), z.unknown()).nullable(),
});
export type LockBase = z.infer<typeof LockBase>;
/** Customer metadata (JSON characters) a plan carries at most per entry for a lock without a read. */
export const LOCK_BASE_METADATA_LIMIT = 1_000;

export const PlannedEntry = EntryLabel.extend({
  personId: z.string(),
  /** timr user id: reconcile lists this employee's entries to learn who owns which period. */
  userId: z.string(),
  /**
   * Personio period ids recorded by other live timr entries of this employee around this date:
   * never adopted by this entry, whatever their content.
   */
  notOurs: z.array(z.string()).default([]),
  periods: z.array(PlannedPeriod),
  fingerprint: z.string(),
  lastModified: z.string(),
  /** Set when the entry was transferred before and an admin unlocked and changed it. */
  previous: SyncMetadata.optional(),
  /** `relock`: unlocked but unchanged since transfer — only the lock is missing. */
  kind: z.enum(['new', 'retransfer', 'relock']),
  warnings: z.array(z.string()),
  /** The entry as planning read it, for a lock without a read first (LockBase). Absent: read first. */
  lockBase: LockBase.optional(),
});
export type PlannedEntry = z.infer<typeof PlannedEntry>;

/**
 * A write whose outcome is unknown (its answer was lost, or the run could not learn it): the
 * periods we asked Personio to create for an entry and the ids we know exist. Kept in durable
 * workflow state — across runs, auth failures and continue-as-new — until a reconcile step has
 * read the vendors' state and resolved it. No other write for that person happens before.
 */
export const UnresolvedWrite = z.object({
  entryId: z.string(),
  userId: z.string(),
  personId: z.string(),
  /** What we asked to create (content to recognise a create whose answer was lost). */
  periods: z.array(PlannedPeriod),
  /** Ids known to have been created (or adopted) and not known to be removed. */
  periodIds: z.array(z.string()),
  /** The run that left it unknown, and why — for support. */
  run: z.string(),
  reason: z.string(),
});
export type UnresolvedWrite = z.infer<typeof UnresolvedWrite>;

export const QuarantinedEntry = EntryLabel.extend({
  reason: z.string(),
  /** Absent in state written by older versions. */
  code: QuarantineCode.optional(),
  /** The entry's last_modified when quarantined: a later edit in timr retries it automatically. */
  lastModified: z.string(),
});
export type QuarantinedEntry = z.infer<typeof QuarantinedEntry>;

/**
 * Quarantined entries the tenant does not hold (its hold list is full, see TenantState.held):
 * planning derives them again every run, and the check leaves them alone while they are
 * unchanged. What lands in history is a count, a digest of their (id, last_modified) pairs and
 * a bounded sample; the whole list is on demand (the listQuarantine activity).
 */
export const QuarantineSummary = z.object({
  count: z.number().int().nonnegative(),
  /** quarantineDigest() of the entries; null when there are none. */
  digest: z.string().nullable(),
  sample: z.array(QuarantinedEntry),
});
export type QuarantineSummary = z.infer<typeof QuarantineSummary>;

export const PlannedDeletion = z.object({
  entryId: z.string(),
  periodIds: z.array(z.string()),
  lastModified: z.string(),
});
export type PlannedDeletion = z.infer<typeof PlannedDeletion>;

/** Non-secret context every sync activity needs; the secrets come from the store by reference. */
export const TenantRef = z.object({
  tenantId: z.string(),
  credentialsRef: z.string(),
});
export type TenantRef = z.infer<typeof TenantRef>;

/**
 * What an audit found repairable (src/audit: RepairPlan), delivered to the tenant workflow and
 * carried into its runs until done: `replace` entries (entryId → last_modified as audited) are
 * transferred again through the ledger (`replacing`: their recorded periods removed, the entry
 * posted and its record renewed) while timr still shows them unchanged; `remove` lists periods
 * only a deleted entry's record claims, removed through the deletion path.
 */
export const RepairRequest = z.object({
  replace: z.record(z.string(), z.string()),
  remove: z.array(z.object({ entryId: z.string(), periodIds: z.array(z.string()) })),
});
export type RepairRequest = z.infer<typeof RepairRequest>;

/**
 * A backfill's days (YYYY-MM-DD, inclusive, as timr's `start_from`/`start_to` compare the day an
 * entry starts on): the run reads them instead of the look-back window.
 */
export const DateRange = z.object({ from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) });
export type DateRange = z.infer<typeof DateRange>;

export const PlanInput = TenantRef.extend({
  runId: z.string(),
  /** Settings the transform and matching need (time zone, Zeitausgleich, matching…). */
  sync: z.unknown(),
  lookbackDays: z.number().int().positive(),
  chunkSize: z.number().int().positive(),
  /** The tenant's batchSize (at most this many entries per write batch); absent from runs of older versions. */
  batchSize: z.number().int().positive().optional(),
  /**
   * entryId → last_modified of entries the tenant holds back (quarantined, or settled without a
   * lock); while unchanged in timr they are not looked at again.
   */
  held: z.record(z.string(), z.string()),
  deletionWatermark: z.string().nullable(),
  /** The check only: digest of the window fates the tenant shows; unchanged fates are not sent again. */
  windowDigest: z.string().nullable().optional(),
  /**
   * How many of its quarantined entries the plan may hand over to be held (the room left in the
   * tenant's bounded hold list); the rest are summarised (RunPlan.unheld). Absent: all of them.
   */
  holdRoom: z.number().int().nonnegative().optional(),
  /** The check only: digest of the quarantined entries the tenant does not hold (QuarantineSummary.digest). */
  quarantineDigest: z.string().nullable().optional(),
  /** An audit's repair, carried until done (see RepairRequest). */
  repair: RepairRequest.optional(),
  /**
   * The check only: read just what timr changed after this instant (the previous check's start
   * less the overlap), unless a full pass is due. Null or absent: a full pass.
   */
  changeWatermark: z.string().nullable().optional(),
  /** The check only: when the last full pass read the whole window (null: one is due now). */
  lastFullPassAt: z.string().nullable().optional(),
  /** The check only: the working-time types the last check saw (a change of them needs a full pass). */
  typesDigest: z.string().nullable().optional(),
  /** A backfill run: these days instead of the look-back window. */
  range: DateRange.optional(),
  /** The check only: writes of unknown outcome the tenant carries (for the worker's metrics; absent from older tenants). */
  unresolvedWrites: z.number().int().nonnegative().optional(),
});
export type PlanInput = z.input<typeof PlanInput>;

/** What the window's entries are and which types need a decision, as one read of timr saw them. */
export const WindowFates = z.object({
  fates: EntryFates,
  decisions: z.array(TypeDecision),
});
export type WindowFates = z.infer<typeof WindowFates>;

/** Deletions one run removes at most (the rest, and the watermark past them, come next run). */
export const MAX_DELETIONS_PER_RUN = 200;

export const RunPlan = z.object({
  entries: z.array(PlannedEntry),
  /** Quarantined entries to hold (at most PlanInput.holdRoom); the others are in `unheld`. */
  quarantined: z.array(QuarantinedEntry),
  /** Quarantined entries beyond the hold room: count, digest, sample. Absent in older histories. */
  unheld: QuarantineSummary.optional(),
  /** At most MAX_DELETIONS_PER_RUN, oldest first; `more` when there are further ones. */
  deletions: z.array(PlannedDeletion),
  /**
   * Fates of the window's entries this run writes nothing for (transferred before, waiting,
   * not an attendance, held, beyond the chunk …); those it handles get theirs from the ledger.
   * Absent in histories of older versions.
   */
  fates: EntryFates.optional(),
  decisions: z.array(TypeDecision).optional(),
  /** Highest deletion last_modified covered by `deletions` (advance the watermark to it). */
  deletionWatermark: z.string().nullable(),
  /** More eligible entries (or deletions) exist beyond this chunk. */
  more: z.boolean(),
  /** Held entries that need nothing any more (deleted, retyped, no longer changeable). */
  releasedQuarantine: z.array(z.string()),
  eligible: z.number().int(),
  /**
   * Repair items this plan found nothing to do for: the entry changed in timr since the audit
   * (the regular rules take it), is gone, or every period to remove is owned by a live entry now.
   */
  repairObsolete: z.array(z.string()).optional(),
  /**
   * Requests per second this worker sends the tenant's Personio client at (the lower of its own
   * limit and this process's share of the per-IP one). Absent in older histories and when not paced.
   */
  personioRatePerSecond: z.number().positive().optional(),
  /** Entries per write batch for that rate (write-pacing.ts), when the run named its batchSize; else the run's batchSize. */
  entriesPerBatch: z.number().int().positive().optional(),
});
export type RunPlan = z.infer<typeof RunPlan>;

export const WorkCheck = z.object({
  hasWork: z.boolean(),
  pendingEntries: z.number().int(),
  pendingDeletions: z.number().int(),
  releasedQuarantine: z.array(z.string()),
  /** Digest of the window's fates and decisions as this check saw them. */
  windowDigest: z.string().optional(),
  /** Only when the digest differs from the input's: the tenant shows these from now on. */
  window: WindowFates.optional(),
  /** The whole window was read: `window`/`windowDigest` describe all of it. Absent in older histories. */
  fullPass: z.boolean().optional(),
  /** Where the next check starts reading changes (this check's start less the overlap). */
  changeWatermark: z.string().optional(),
  typesDigest: z.string().optional(),
  /**
   * A change check only: the fates of the entries timr changed since the watermark, other than
   * "transferred before, unchanged" (a run's own locks); absent when there were none.
   */
  changes: EntryFates.optional(),
  /** The deletion feed held nothing for a run: the tenant may move its watermark here. */
  deletionWatermark: z.string().optional(),
});
export type WorkCheck = z.infer<typeof WorkCheck>;

/** A vendor refused one entry (validation, conflict, gone, by request): the batch goes on. */
export const EntryRefusal = z.object({
  ok: z.literal(false),
  entryId: z.string(),
  /** An ApplicationFailure type name from src/clients/failure-types.ts. */
  failureType: z.string(),
  message: z.string(),
});
export type EntryRefusal = z.infer<typeof EntryRefusal>;

export const PostItem = z.object({
  entryId: z.string(),
  personId: z.string(),
  periods: z.array(PlannedPeriod),
  /** Periods of an earlier transfer to delete first (re-transfer); 404 counts as done. */
  removeFirst: z.array(z.string()).default([]),
  /** Reconcile before writing even on the first attempt (something may exist already). */
  reconcile: z.boolean().default(false),
  /** Period ids other entries own: never adopted (see PlannedEntry.notOurs). */
  notOurs: z.array(z.string()).default([]),
});
export type PostItem = z.input<typeof PostItem>;

export const PostBatchInput = TenantRef.extend({ entries: z.array(PostItem) });
export type PostBatchInput = z.input<typeof PostBatchInput>;

export const PostedEntry = z.object({
  ok: z.literal(true),
  entryId: z.string(),
  periodIds: z.array(z.string()),
  created: z.number().int(),
  adopted: z.number().int(),
  removed: z.number().int(),
});
export type PostedEntry = z.infer<typeof PostedEntry>;

/** Refused part-way: the periods created before the refusal exist and must be compensated. */
export const PostRefusal = EntryRefusal.extend({ periodIds: z.array(z.string()).default([]) });
export type PostRefusal = z.infer<typeof PostRefusal>;

export const PostBatchResult = z.object({ results: z.array(z.discriminatedUnion('ok', [PostedEntry, PostRefusal])) });
export type PostBatchResult = z.infer<typeof PostBatchResult>;

export const RemoveInput = TenantRef.extend({
  entryId: z.string(),
  periodIds: z.array(z.string()),
});
export type RemoveInput = z.infer<typeof RemoveInput>;

export const RemoveResult = z.object({ deleted: z.number().int(), alreadyGone: z.number().int() });
export type RemoveResult = z.infer<typeof RemoveResult>;

export const LockBatchInput = TenantRef.extend({
  runId: z.string(),
  sync: z.unknown(),
  /** `base`: lock with one PATCH, no read first (first attempt only; see LockBase). */
  entries: z.array(z.object({ entryId: z.string(), posted: SyncMetadata, base: LockBase.optional() })),
});
export type LockBatchInput = z.infer<typeof LockBatchInput>;

export const LockOutcome = z.discriminatedUnion('outcome', [
  /** Locked with exactly the content that was posted. */
  z.object({ outcome: z.literal('locked'), entryId: z.string() }),
  /**
   * Locked, but the content differs from what was posted (edited between our read and our lock):
   * `replan` is the locked content transformed, or null when it is no longer transferable.
   */
  z.object({
    outcome: z.literal('content-changed'),
    entryId: z.string(),
    replan: PlannedEntry.nullable(),
    reason: z.string().optional(),
  }),
  EntryRefusal.omit({ ok: true }).extend({ outcome: z.literal('refused') }),
]);
export type LockOutcome = z.infer<typeof LockOutcome>;

export const LockBatchResult = z.object({ results: z.array(LockOutcome) });
export type LockBatchResult = z.infer<typeof LockBatchResult>;

/** Reads entries back after a lock whose outcome is unknown: which carry our record? */
export const InspectLocksInput = TenantRef.extend({ entries: z.array(z.object({ entryId: z.string(), periodIds: z.array(z.string()) })) });
export type InspectLocksInput = z.infer<typeof InspectLocksInput>;
export const InspectLocksResult = z.object({
  /** Entry ids locked (or approved/closed) in timr with our record of exactly these period ids. */
  locked: z.array(z.string()),
});
export type InspectLocksResult = z.infer<typeof InspectLocksResult>;

export const ResolveWritesInput = TenantRef.extend({ writes: z.array(UnresolvedWrite) });
export type ResolveWritesInput = z.infer<typeof ResolveWritesInput>;
export const WriteResolution = z.object({
  entryId: z.string(),
  /** `owned`: timr records these periods for the entry (the lock happened); `removed`: leftovers deleted. */
  resolution: z.enum(['owned', 'removed']),
  removed: z.number().int(),
  kept: z.number().int(),
});
export type WriteResolution = z.infer<typeof WriteResolution>;
export const ResolveWritesResult = z.object({ resolved: z.array(WriteResolution) });
export type ResolveWritesResult = z.infer<typeof ResolveWritesResult>;

/** Matching overrides to check against both vendors when they are set (timr user id → Personio person id). */
export const CheckOverridesInput = TenantRef.extend({ overrides: z.record(z.string(), z.string()) });
export type CheckOverridesInput = z.infer<typeof CheckOverridesInput>;
export const OverrideFinding = z.object({
  timrUserId: z.string(),
  personId: z.string(),
  /** `missing-person` refuses the override; the others are warnings. */
  problem: z.enum(['missing-person', 'name-differs', 'unknown-user']),
  message: z.string(),
});
export type OverrideFinding = z.infer<typeof OverrideFinding>;
export const CheckOverridesResult = z.object({ findings: z.array(OverrideFinding) });
export type CheckOverridesResult = z.infer<typeof CheckOverridesResult>;

/** One page of Personio persons as provisioning rows; `next` is Personio's link to the following page. */
export const ReadPersonsInput = TenantRef.extend({ includeInactive: z.boolean(), next: z.string().optional() });
export type ReadPersonsInput = z.infer<typeof ReadPersonsInput>;

/** At most this many rows per provisioning activity: bounded payloads, a heartbeat per row. */
export const PROVISION_BATCH_LIMIT = 50;

export const ProvisionBatchInput = TenantRef.extend({
  /** The provision workflow's id: written into created users' metadata, recognised on reconcile. */
  runId: z.string().min(1),
  strategy: MatchingStrategy,
  dryRun: z.boolean(),
  rows: z.array(ProvisionRow).max(PROVISION_BATCH_LIMIT),
  /** For the activity summary and progress, e.g. "rows 51–100 of export.csv". */
  label: z.string().optional(),
});
export type ProvisionBatchInput = z.infer<typeof ProvisionBatchInput>;

/** The audit activity's input: the tenant's settings as the oracle reads them, and what its workflow knows. */
export const AuditInput = TenantRef.extend({
  sync: z.unknown(),
  lookbackDays: z.number().int().positive(),
  quarantinedEntryIds: z.array(z.string()),
  unresolved: z.array(UnresolvedWrite),
  /** Clock for the window (tests pin it). */
  now: z.string().optional(),
});
export type AuditInput = z.infer<typeof AuditInput>;

export const AuditCounts = z.object({
  entriesEligible: z.number().int(),
  entriesTransferred: z.number().int(),
  quarantined: z.number().int(),
  waiting: z.number().int(),
  periodsInPersonio: z.number().int(),
  zeitausgleichDays: z.number().int(),
  lost: z.number().int(),
  duplicated: z.number().int(),
  orphaned: z.number().int(),
  stale: z.number().int(),
  doubleClaimed: z.number().int(),
  hoursMismatch: z.number().int(),
});
export type AuditCounts = z.infer<typeof AuditCounts>;

/** One audit of one tenant (bounded: counts, samples, at most REPAIR_LIMIT repair items). */
export const AuditResult = z.object({
  tenantId: z.string(),
  at: z.string(),
  /** First local date judged (the look-back window, a day short, as the product reads it). */
  windowStart: z.string(),
  /** No lost, duplicated, orphaned, stale or double-claimed period. */
  clean: z.boolean(),
  counts: AuditCounts,
  samples: z.object({
    lost: z.array(z.string()),
    duplicated: z.array(z.string()),
    orphaned: z.array(z.string()),
    stale: z.array(z.string()),
    doubleClaimed: z.array(z.string()),
    waiting: z.array(z.string()),
    hoursMismatch: z.array(z.object({ entryId: z.string(), bookedMinutes: z.number(), expectedMinutes: z.number() })),
  }),
  repair: RepairRequest.extend({
    /** Entries and removals found repairable in all (the request names at most REPAIR_LIMIT). */
    entries: z.number().int(),
    removals: z.number().int(),
    causes: z.object({ lost: z.number().int(), stale: z.number().int(), hours: z.number().int() }),
    more: z.boolean(),
  }),
});
export type AuditResult = z.infer<typeof AuditResult>;

/** `timr-sync backfill --dry-run`: what a backfill of the range would do, read from both vendors, nothing written. */
export const BackfillPreview = z.object({
  range: DateRange,
  /** Every entry of the range by fate (transferred before, waiting, not an attendance, …). */
  fates: EntryFates,
  /** Entries a backfill would transfer (new), transfer again (changed) or only lock again. */
  wouldTransfer: z.number().int(),
  wouldUpdate: z.number().int(),
  wouldRelock: z.number().int(),
  /** Up to 20 of them, oldest first. */
  sample: z.array(EntryLabel),
  /** Entries a backfill would quarantine, with reasons (a sample; the count covers all). */
  quarantined: z.number().int(),
  quarantineSample: z.array(QuarantinedEntry),
  /** Runs of chunkSize entries it would take. */
  runs: z.number().int(),
});
export type BackfillPreview = z.infer<typeof BackfillPreview>;
