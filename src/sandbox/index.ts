/**
 * Starts both sandbox servers (timr v1 and Personio v2) on loopback and optionally seeds them.
 * Used by `npm run sandbox`, `npm start`, the test global setup, the demo and the benchmark.
 */
import type { FastifyInstance } from 'fastify';
import { SandboxControl } from './control-client.js';
import { createPersonioSandbox } from './personio/server.js';
import type { Seed } from './seed.js';
import { createTimrSandbox } from './timr/server.js';

export interface SandboxOptions {
  host?: string;
  timrPort?: number;
  personioPort?: number;
  seed?: Seed;
  /** Seed of the fault PRNG, so random faults repeat between runs. */
  faultSeed?: number;
  /** Requests each server's log keeps (default 10,000). */
  requestLogCapacity?: number;
}

export interface SandboxEndpoints {
  /** timr API base, e.g. http://127.0.0.1:4010/v1 */
  timrBaseUrl: string;
  timrTokenUrl: string;
  /** timr control API base (…/_sandbox) */
  timrControlUrl: string;
  /** Personio API base, e.g. http://127.0.0.1:4020 */
  personioBaseUrl: string;
  personioControlUrl: string;
}

export interface RunningSandbox extends SandboxEndpoints {
  stop(): Promise<void>;
}

async function listen(app: FastifyInstance, host: string, port: number): Promise<string> {
  await app.listen({ host, port });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('sandbox server has no TCP address');
  return `http://${host}:${address.port}`;
}

export async function startSandbox(opts: SandboxOptions = {}): Promise<RunningSandbox> {
  // Loopback only: the control API is unauthenticated by design.
  const host = opts.host ?? '127.0.0.1';
  const timr = createTimrSandbox({ faultSeed: opts.faultSeed, requestLogCapacity: opts.requestLogCapacity });
  const personio = createPersonioSandbox({ faultSeed: opts.faultSeed, requestLogCapacity: opts.requestLogCapacity });
  const timrUrl = await listen(timr.app, host, opts.timrPort ?? 0);
  let personioUrl: string;
  try {
    personioUrl = await listen(personio.app, host, opts.personioPort ?? 0);
  } catch (err) {
    await timr.app.close();
    throw err;
  }
  const sandbox: RunningSandbox = {
    timrBaseUrl: `${timrUrl}/v1`,
    timrTokenUrl: `${timrUrl}/id/oauth2/token`,
    timrControlUrl: `${timrUrl}/_sandbox`,
    personioBaseUrl: personioUrl,
    personioControlUrl: `${personioUrl}/_sandbox`,
    async stop() {
      await Promise.allSettled([timr.app.close(), personio.app.close()]);
    },
  };
  if (opts.seed) await new SandboxControl(sandbox).seed(opts.seed);
  return sandbox;
}

export { SandboxControl };
