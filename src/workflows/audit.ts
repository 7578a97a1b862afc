/**
 * One audit of one tenant (child workflow `tenant/<id>/audit/<n>`, started by the tenant workflow
 * between its runs, never during one): the independent oracle over the tenant's real vendor
 * state. Read-only; what it finds repairable the tenant workflow carries into its next run.
 */
import { proxyActivities, setCurrentDetails } from '@temporalio/workflow';
import type { AuditInput, AuditResult } from '../activities/contracts.js';
import type { SyncActivities } from '../activities/index.js';
import { NON_RETRYABLE_FAILURE_TYPES } from '../clients/failure-types.js';
import { describeFindings } from '../domain/audit-findings.js';
import { fairTurn } from './sync-run.js';

const { auditTenant } = proxyActivities<SyncActivities>({
  // Reads the whole window of both vendors: many pages for a large tenant; the pulse heartbeats.
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 5, nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURE_TYPES] },
});

export async function auditWorkflow(input: AuditInput): Promise<AuditResult> {
  setCurrentDetails(`**${input.tenantId}** audit: reading timr and Personio`);
  const result = await auditTenant.executeWithOptions(
    { ...fairTurn(input.tenantId), startToCloseTimeout: '15 minutes', heartbeatTimeout: '1 minute', summary: `${input.tenantId}: audit timr and Personio (look-back window of ${input.lookbackDays} days)` },
    [input],
  );
  const c = result.counts;
  setCurrentDetails(
    [
      `**${input.tenantId}** audit from ${result.windowStart}: ${describeFindings(result)}`,
      `${c.entriesTransferred} of ${c.entriesEligible} eligible entries transferred, ${c.quarantined} quarantined, ${c.periodsInPersonio} Personio periods read`,
      result.repair.entries + result.repair.removals > 0
        ? `Repairable: ${result.repair.entries} entr${result.repair.entries === 1 ? 'y' : 'ies'} to transfer again, ${result.repair.removals} deleted entr${result.repair.removals === 1 ? 'y' : 'ies'}' periods to remove — \`timr-sync audit ${input.tenantId} --repair\``
        : 'Nothing to repair',
    ].join('\n\n'),
  );
  return result;
}
