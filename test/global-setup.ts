/**
 * One real Temporal dev server and one workflow bundle for the whole suite; test files
 * connect with TestWorkflowEnvironment.createFromExistingServer (see test/helpers/temporal.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { DefaultLogger } from '@temporalio/worker';
import { startDevServer, type DevServer } from '../src/devstack/dev-server.js';
import { PROJECT_ROOT } from '../src/devstack/temporal-cli.js';
import { bundleWorkflows } from '../src/worker.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalNamespace: string;
    workflowBundlePath: string;
  }
}

let server: DevServer | undefined;

export default async function setup(project: TestProject) {
  const dataDir = path.join(PROJECT_ROOT, '.data', 'test');
  mkdirSync(dataDir, { recursive: true });
  const log = (msg: string) => console.log(`[global-setup] ${msg}`);
  const [dev, bundle] = await Promise.all([
    startDevServer({ ui: false, logFile: path.join(dataDir, 'temporal-dev-server.log'), log }),
    bundleWorkflows({ logger: new DefaultLogger('WARN') }),
  ]);
  server = dev;
  const bundlePath = path.join(dataDir, `workflow-bundle-${process.pid}.js`);
  writeFileSync(bundlePath, bundle.code);
  log(`${dev.cliVersion} via ${dev.cliSource}`);
  project.provide('temporalAddress', dev.address);
  project.provide('temporalNamespace', dev.namespace);
  project.provide('workflowBundlePath', bundlePath);

  return async () => {
    await server?.stop();
  };
}
