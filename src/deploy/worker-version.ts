/**
 * Which worker deployment version a worker process serves (Worker Versioning, Temporal ≥ 1.29.1).
 *
 * A version is a deployment name plus a build id. By default the build id is the package version
 * plus a hash of the workflow bundle, so a change to workflow code (or anything it bundles) is a
 * new version, while an activity-only change with unchanged workflows joins the running version.
 * CI can set the build id explicitly (e.g. the image tag). `npm start`, `sync:once`, the chaos soak
 * and the test suite run unversioned workers (one worker, replaced in place); see README
 * "Deploying a workflow change".
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface WorkerVersion {
  deploymentName: string;
  buildId: string;
}

export const DEFAULT_DEPLOYMENT_NAME = 'timr-personio-sync';

export const VERSIONING_ENV = {
  mode: 'TIMR_SYNC_WORKER_VERSIONING',
  deploymentName: 'TIMR_SYNC_DEPLOYMENT_NAME',
  buildId: 'TIMR_SYNC_BUILD_ID',
} as const;

/** `<deployment>.<build id>`, as the Temporal CLI and UI print a version. */
export function versionLabel(v: WorkerVersion): string {
  return `${v.deploymentName}.${v.buildId}`;
}

function packageVersion(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

/** `<package version>-<12 hex digits of the bundle's SHA-256>`, e.g. `0.1.0-3f2a9c01b4de`. */
export function defaultBuildId(workflowBundleCode: string): string {
  return `${packageVersion()}-${createHash('sha256').update(workflowBundleCode).digest('hex').slice(0, 12)}`;
}

const NAME = /^[A-Za-z0-9_-]{1,100}$/;
const BUILD_ID = /^[A-Za-z0-9_.-]{1,200}$/;

/**
 * The version from the environment; undefined when versioning is switched off
 * (`TIMR_SYNC_WORKER_VERSIONING=off`). Throws on a malformed setting, naming the variable.
 */
export function workerVersionFromEnv(env: NodeJS.ProcessEnv, workflowBundleCode: string): WorkerVersion | undefined {
  const mode = (env[VERSIONING_ENV.mode] ?? 'on').trim().toLowerCase();
  if (mode === 'off') return undefined;
  if (mode !== 'on') throw new Error(`${VERSIONING_ENV.mode} must be "on" or "off", not "${env[VERSIONING_ENV.mode]}"`);
  const deploymentName = env[VERSIONING_ENV.deploymentName]?.trim() || DEFAULT_DEPLOYMENT_NAME;
  // The deployment name may not contain "." (it separates name and build id in `<name>.<build id>`).
  if (!NAME.test(deploymentName)) throw new Error(`${VERSIONING_ENV.deploymentName} "${deploymentName}": use letters, digits, "-" and "_" (at most 100)`);
  const buildId = env[VERSIONING_ENV.buildId]?.trim() || defaultBuildId(workflowBundleCode);
  if (!BUILD_ID.test(buildId)) throw new Error(`${VERSIONING_ENV.buildId} "${buildId}": use letters, digits, ".", "-" and "_" (at most 200)`);
  return { deploymentName, buildId };
}
