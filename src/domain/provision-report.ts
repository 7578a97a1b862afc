/**
 * The provisioning report: counts plus bounded samples, so a 10,000-row export keeps a small
 * workflow result. Plain data and no imports: the provision workflow merges batch reports.
 */

export type ProvisionOutcomeKind = 'create' | 'existing' | 'conflict' | 'invalid';

/** What happened (or, in a dry run, would happen) to one row. */
export interface ProvisionOutcome {
  kind: ProvisionOutcomeKind | 'created';
  /** "line 7" or "Personio person 123". */
  where: string;
  /** "Anna Berger <anna.berger@acme.example>" (or what the row has of it). */
  who: string;
  /** The timr login a created user gets. */
  login?: string;
  /** The timr user the row matched, or the one created. */
  timrUserId?: string;
  reason?: string;
}


/** Samples kept per kind: a few for a real run's report, more for a dry run, whose samples are the diff. */
export const SAMPLE_LIMIT = 20;
export const DRY_RUN_SAMPLE_LIMIT = 200;

export function sampleLimit(dryRun: boolean): number {
  return dryRun ? DRY_RUN_SAMPLE_LIMIT : SAMPLE_LIMIT;
}

export interface ProvisionCounts {
  rows: number;
  created: number;
  existing: number;
  conflicts: number;
  invalid: number;
  /** Dry run only: users that would be created. */
  toCreate: number;
}

export interface ProvisionReport {
  counts: ProvisionCounts;
  samples: { created: ProvisionOutcome[]; conflicts: ProvisionOutcome[]; invalid: ProvisionOutcome[]; toCreate: ProvisionOutcome[] };
}

export function emptyReport(): ProvisionReport {
  return { counts: { rows: 0, created: 0, existing: 0, conflicts: 0, invalid: 0, toCreate: 0 }, samples: { created: [], conflicts: [], invalid: [], toCreate: [] } };
}

const SAMPLE_OF: Record<ProvisionOutcome['kind'], keyof ProvisionReport['samples'] | undefined> = {
  created: 'created',
  conflict: 'conflicts',
  invalid: 'invalid',
  create: 'toCreate',
  existing: undefined,
};
const COUNT_OF: Record<ProvisionOutcome['kind'], keyof ProvisionCounts> = {
  created: 'created',
  conflict: 'conflicts',
  invalid: 'invalid',
  create: 'toCreate',
  existing: 'existing',
};

/** Adds outcomes to a report in place (pure data, safe in workflow code). */
export function addOutcomes(report: ProvisionReport, outcomes: readonly ProvisionOutcome[], limit = SAMPLE_LIMIT): ProvisionReport {
  for (const o of outcomes) {
    report.counts.rows++;
    report.counts[COUNT_OF[o.kind]]++;
    const sample = SAMPLE_OF[o.kind];
    if (sample && report.samples[sample].length < limit) report.samples[sample].push(o);
  }
  return report;
}

export function describeCounts(c: ProvisionCounts, dryRun: boolean): string {
  const made = dryRun ? `${c.toCreate} to create` : `${c.created} created`;
  return `${c.rows} rows: ${made}, ${c.existing} already in timr, ${c.conflicts} conflicts, ${c.invalid} invalid`;
}
