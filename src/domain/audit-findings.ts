/**
 * How an audit's findings read in the Temporal UI, the tenant's details and the CLI. Import-free,
 * so workflow code may use it.
 */

export interface FindingCounts {
  lost: number;
  stale: number;
  hoursMismatch: number;
  duplicated: number;
  orphaned: number;
  doubleClaimed: number;
  waiting: number;
}

/** "2 lost, 1 stale" — the findings that matter to payroll, for the UI and the CLI. */
export function describeFindings(result: { counts: FindingCounts }): string {
  const c = result.counts;
  const parts = (
    [
      ['lost', c.lost],
      ['stale', c.stale],
      ['hours mismatch', c.hoursMismatch],
      ['duplicated', c.duplicated],
      ['orphaned', c.orphaned],
      ['double-claimed', c.doubleClaimed],
      ['waiting', c.waiting],
    ] as const
  )
    .filter(([, n]) => n > 0)
    .map(([what, n]) => `${n} ${what}`);
  return parts.length ? parts.join(', ') : 'clean';
}

