/**
 * The few Worker Deployment calls the product needs, over any connection's WorkflowService
 * (client `Connection` or worker `NativeConnection`): which version is current, and making a
 * version current once its workers poll — what `temporal worker deployment set-current-version`
 * does, for code (tests, scripts) that has no CLI binary at hand.
 */
import type { WorkflowService } from '@temporalio/client';
import type { WorkerVersion } from './worker-version.js';

export interface HasWorkflowService {
  workflowService: WorkflowService;
}

const NOT_FOUND = 5;

function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === NOT_FOUND;
}

/** The deployment's current version; null when it has none (or does not exist yet). */
export async function currentVersion(conn: HasWorkflowService, namespace: string, deploymentName: string): Promise<WorkerVersion | null> {
  try {
    const res = await conn.workflowService.describeWorkerDeployment({ namespace, deploymentName });
    const current = res.workerDeploymentInfo?.routingConfig?.currentDeploymentVersion;
    return current?.buildId ? { deploymentName: current.deploymentName ?? deploymentName, buildId: current.buildId } : null;
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

/** Versions the server knows for the deployment (a version appears once one of its workers polled). */
export async function knownBuildIds(conn: HasWorkflowService, namespace: string, deploymentName: string): Promise<string[]> {
  try {
    const res = await conn.workflowService.describeWorkerDeployment({ namespace, deploymentName });
    return (res.workerDeploymentInfo?.versionSummaries ?? []).flatMap((s) => (s.deploymentVersion?.buildId ? [s.deploymentVersion.buildId] : []));
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
}

/**
 * Makes `version` the deployment's current version: new workflows start there, and pinned
 * workflows of other versions learn that their target changed. Waits (up to `timeoutMs`) until
 * the version's workers have polled, since the server refuses a version it has not seen.
 */
export async function setCurrentVersion(conn: HasWorkflowService, namespace: string, version: WorkerVersion, opts: { timeoutMs?: number; identity?: string } = {}): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  let lastError: unknown;
  for (;;) {
    if ((await knownBuildIds(conn, namespace, version.deploymentName)).includes(version.buildId)) {
      try {
        await conn.workflowService.setWorkerDeploymentCurrentVersion({
          namespace,
          deploymentName: version.deploymentName,
          buildId: version.buildId,
          ...(opts.identity && { identity: opts.identity }),
        });
        return;
      } catch (err) {
        // Registration of the version's task queues can trail its appearance in the summary.
        lastError = err;
      }
    }
    if (Date.now() > deadline) {
      throw new Error(`version ${version.deploymentName}.${version.buildId} could not be made current: ${lastError ? String(lastError) : 'no worker of it has polled yet'}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
