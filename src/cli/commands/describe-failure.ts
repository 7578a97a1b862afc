/**
 * Turns what the Temporal client throws into one line an operator can act on. Expected
 * failures (a validator said no, the tenant has no workflow, the server is unreachable) get no
 * stack trace; anything else is marked unexpected so the dispatcher can offer the trace.
 */
import { ServiceError, WorkflowFailedError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { NamespaceNotFoundError, WorkflowNotFoundError } from '@temporalio/common';
import { CodecKeyError } from '../../codec/keys.js';
import { OverrideRefused, TenantOperationRejected } from '../../control/tenants.js';
import { CliError } from './errors.js';

export interface FailureDescription {
  message: string;
  expected: boolean;
}

const TENANT_WORKFLOW = /^tenant\/([^/]+)$/;

function tenantOf(workflowId: string): string {
  return TENANT_WORKFLOW.exec(workflowId)?.[1] ?? workflowId;
}

function grpcCode(err: unknown): number | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'number') return code;
  }
  return undefined;
}

const GRPC_CANCELLED = 1;
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;

export function describeFailure(err: unknown): FailureDescription {
  if (err instanceof CliError || err instanceof CodecKeyError) return { message: err.message, expected: true };

  // The validator's (or handler's) own words: they name the tenant and what to do.
  if (err instanceof TenantOperationRejected || err instanceof OverrideRefused) return { message: err.message, expected: true };
  // The override check's workflow could not read the vendors (e.g. the tenant's credentials are rejected).
  if (err instanceof WorkflowFailedError) return { message: `could not check the matching overrides against Personio: ${withCauses(err.cause)}`, expected: true };
  if (err instanceof WorkflowUpdateFailedError) return { message: err.cause?.message ?? err.message, expected: true };

  if (err instanceof WorkflowNotFoundError) {
    const tenantId = tenantOf(err.workflowId);
    const finished = /complet|closed|finish/i.test(err.message);
    const what = finished ? `the workflow of tenant ${tenantId} (${err.workflowId}) has finished` : `tenant ${tenantId} has no workflow (${err.workflowId} not found)`;
    return {
      message: `${what}. Start it with: timr-sync start ${tenantId} --credentials-ref <ref>  (list tenants with: timr-sync tenants --all)`,
      expected: true,
    };
  }

  if (err instanceof NamespaceNotFoundError) {
    return { message: `namespace "${err.namespace}" does not exist on this Temporal server; set TEMPORAL_NAMESPACE or create it (npm run temporal:provision)`, expected: true };
  }

  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return {
      message:
        'no answer from the tenant workflow in time: is a worker running on its task queue (npm run worker)? ' +
        'The request may still be carried out once a worker picks it up; check with: timr-sync status <tenantId>',
      expected: true,
    };
  }

  if (err instanceof ServiceError) {
    const code = grpcCode(err);
    if (code === GRPC_UNAVAILABLE) return { message: `Temporal is unreachable: ${err.cause?.message ?? err.message}. Check TEMPORAL_ADDRESS and that the server runs.`, expected: true };
    // The CLI cancels nothing itself: a cancelled call is its own deadline firing (grpc-js reports either code).
    if (code === GRPC_DEADLINE_EXCEEDED || code === GRPC_CANCELLED) {
      return { message: `Temporal did not answer in time (${err.cause?.message ?? err.message}). Is a worker polling the tenant's task queue? Start one with: npm run worker`, expected: true };
    }
  }

  return { message: withCauses(err), expected: false };
}

/** "Failed to query Workflow" alone says nothing; the causes below it do. */
function withCauses(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const text = e instanceof Error ? e.message : String(e);
    if (text && !parts.includes(text)) parts.push(text);
  }
  return parts.join(': ');
}
