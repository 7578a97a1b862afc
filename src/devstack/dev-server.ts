/**
 * Starts a real Temporal dev server (`temporal server start-dev`) for tests, `npm start` and CI:
 * free ports, UI on, the project's search attributes registered, fairness on, a readiness wait that
 * tolerates slow machines, and a shutdown that leaves no orphan process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ALL_SEARCH_ATTRIBUTES, CLI_TYPE_NAME } from '../domain/search-attributes.js';
import { freePort } from './free-port.js';
import { missingToolHelp, resolveTool, TEMPORAL_CLI, toolVersion } from './temporal-cli.js';

export interface DevServerOptions {
  ip?: string;
  port?: number;
  ui?: boolean;
  uiPort?: number;
  /** SQLite file for persistence; in-memory when omitted. */
  dbFilename?: string;
  namespace?: string;
  /** Server output goes here (it is noisy); discarded when omitted. */
  logFile?: string;
  readyTimeoutMs?: number;
  /** Extra `start-dev` flags, e.g. ['--ui-codec-endpoint', url]. */
  extraArgs?: string[];
  log?: (msg: string) => void;
}

export interface DevServer {
  address: string;
  namespace: string;
  uiUrl?: string;
  cliVersion: string;
  cliSource: string;
  /** The server process (absent when the SDK's download runs it), for the benchmark's CPU figures. */
  pid?: number;
  stop(): Promise<void>;
}

/**
 * Dynamic config for tenant fairness (README "Architecture"): the new matcher with fairness dispatches
 * a backlog by the tasks' fairness keys (the tenant id) instead of first come, first served; one
 * partition per task queue, because fairness is kept per partition and a tenant's tasks spread
 * over several would each get a share. deploy/temporal/dynamicconfig.yaml sets the same for the
 * compose stack (test/deploy/compose-file.test.ts compares them). Key names as Temporal Server
 * 1.32 spells them; `enableFairness` implies `useNewMatcher`, named anyway so that reading it
 * needs no knowledge of that.
 */
export const FAIRNESS_DYNAMIC_CONFIG: Readonly<Record<string, boolean | number>> = {
  'matching.useNewMatcher': true,
  'matching.enableFairness': true,
  'matching.numTaskqueueReadPartitions': 1,
  'matching.numTaskqueueWritePartitions': 1,
};

function dynamicConfigArgs(): string[] {
  return Object.entries(FAIRNESS_DYNAMIC_CONFIG).flatMap(([key, value]) => ['--dynamic-config-value', `${key}=${JSON.stringify(value)}`]);
}

function searchAttributeArgs(): string[] {
  return ALL_SEARCH_ATTRIBUTES.flatMap((k) => ['--search-attribute', `${k.name}=${CLI_TYPE_NAME[k.type]}`]);
}

async function waitForFrontend(address: string, namespace: string, deadline: number, child?: ChildProcess): Promise<void> {
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`Temporal dev server exited with code ${child.exitCode} during start-up`);
    try {
      const conn = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await conn.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await conn.close();
      }
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`Temporal dev server at ${address} not ready in time: ${String(lastError)}`);
}

async function waitForHttp(url: string, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Temporal UI at ${url} not ready in time`);
}

function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function startDevServer(opts: DevServerOptions = {}): Promise<DevServer> {
  const log = opts.log ?? (() => {});
  const ip = opts.ip ?? '127.0.0.1';
  const namespace = opts.namespace ?? 'default';
  const ui = opts.ui ?? true;
  const port = opts.port ?? (await freePort(ip));
  const uiPort = opts.uiPort ?? (await freePort(ip));
  // The SDK waits about 5 s; a loaded 2-core CI box can need far longer for first start.
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  const address = `${ip}:${port}`;
  const uiUrl = ui ? `http://${ip}:${uiPort}` : undefined;

  const tool = resolveTool(TEMPORAL_CLI, log);
  if (tool.kind === 'sdk-download') {
    log(`${tool.reason} Falling back to the SDK's download of the dev server.`);
    try {
      const env = await TestWorkflowEnvironment.createLocal({
        server: {
          ip,
          port,
          ui,
          uiPort,
          dbFilename: opts.dbFilename,
          namespace,
          extraArgs: [...searchAttributeArgs(), ...dynamicConfigArgs(), ...(opts.extraArgs ?? [])],
        },
      });
      return { address, namespace, uiUrl, cliVersion: 'sdk-download', cliSource: 'sdk-download', stop: () => env.teardown() };
    } catch (err) {
      throw new Error(`${missingToolHelp(TEMPORAL_CLI)}\n(SDK download failed too: ${(err as Error).message})`, { cause: err });
    }
  }

  const args = ['server', 'start-dev', '--ip', ip, '--port', String(port), '--namespace', namespace, '--log-level', 'warn'];
  args.push(...(ui ? ['--ui-port', String(uiPort)] : ['--headless']));
  if (opts.dbFilename) {
    mkdirSync(path.dirname(opts.dbFilename), { recursive: true });
    args.push('--db-filename', opts.dbFilename);
  }
  args.push(...searchAttributeArgs(), ...dynamicConfigArgs(), ...(opts.extraArgs ?? []));

  const child = spawn(tool.path, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  if (opts.logFile) {
    mkdirSync(path.dirname(opts.logFile), { recursive: true });
    const out = createWriteStream(opts.logFile, { flags: 'a' });
    child.stdout?.pipe(out);
    child.stderr?.pipe(out);
  } else {
    child.stdout?.resume();
    child.stderr?.resume();
  }
  // If our process dies first, take the server with us.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  try {
    await waitForFrontend(address, namespace, deadline, child);
    if (uiUrl) await waitForHttp(uiUrl, deadline);
  } catch (err) {
    await stopChild(child);
    process.off('exit', killOnExit);
    throw err;
  }
  log(`Temporal dev server ${address} (UI ${uiUrl ?? 'off'})`);
  return {
    address,
    namespace,
    uiUrl,
    cliVersion: toolVersion(tool.path),
    cliSource: `${tool.source}: ${tool.path}`,
    ...(child.pid !== undefined && { pid: child.pid }),
    async stop() {
      await stopChild(child);
      process.off('exit', killOnExit);
    },
  };
}
