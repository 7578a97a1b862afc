/**
 * Temporal wraps what an activity threw (ActivityFailure → ApplicationFailure, and a child's
 * failure once more in ChildWorkflowFailure). These find the ApplicationFailure that says why.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import { FailureType } from '../clients/failure-types.js';

export function applicationFailureOf(err: unknown): ApplicationFailure | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 6 && e; depth++) {
    if (e instanceof ApplicationFailure) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The message support should read: the vendor's or the validator's, not "Activity task failed". */
export function failureMessage(err: unknown): string {
  const app = applicationFailureOf(err);
  if (app) return app.message;
  return err instanceof Error ? err.message : String(err);
}

export function isAuthFailure(err: unknown): boolean {
  return applicationFailureOf(err)?.type === FailureType.AuthRejected;
}
