/**
 * Worker Versioning for both workflows (see README "Deploying a workflow change").
 *
 * Both are PINNED: a run executes on the one worker deployment version it started on, so a deploy
 * never replays an in-flight saga (or a tenant's current run) on code it was not written with. The
 * behaviour is the versioned worker's default (src/worker.ts), not an annotation here: the SDK
 * refuses a per-workflow annotation on unversioned workers, which tests and `npm start` use.
 *
 * The tenant workflow lives for years, so it moves on by itself: once the server reports that its
 * target version changed (a new version was made current), it continues as new at the next cycle
 * boundary, and that new run starts on the target version (`AUTO_UPGRADE` applies to its first
 * task only; from then on it is pinned there again). Its input is the one thing that crosses
 * versions, so TenantWorkflowInput must stay readable by the next release.
 *
 * On an unversioned worker the continue-as-new option is ignored and the flag is never set.
 */
import { makeContinueAsNewFunc, workflowInfo, type Workflow } from '@temporalio/workflow';

/** The server reports a new target version for this pinned run: continue as new to move there. */
export function newWorkerVersionAvailable(): boolean {
  return workflowInfo().targetWorkerDeploymentVersionChanged;
}

/** Continue-as-new whose next run starts on the task queue's target (current or ramping) version. */
export function continueAsNewOnTargetVersion<F extends Workflow>(...args: Parameters<F>): Promise<never> {
  return makeContinueAsNewFunc<F>({ initialVersioningBehavior: 'AUTO_UPGRADE' })(...args);
}
