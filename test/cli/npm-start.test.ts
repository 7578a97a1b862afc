/**
 * `npm start` as an operator (or a process supervisor) runs it: a real npm process, and SIGTERM
 * or SIGINT sent to npm's pid only — not to its process group. Everything it started (the
 * script, the Temporal dev server and UI, the sandbox, the codec server, the worker and its
 * metrics endpoint) has to be gone within 5 s, and their ports free.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Every process below `pid`, from /proc (children of each thread). */
function descendants(pid: number): number[] {
  const out: number[] = [];
  const walk = (p: number) => {
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${p}/task`);
    } catch {
      return;
    }
    for (const t of tasks) {
      let children: string;
      try {
        children = readFileSync(`/proc/${p}/task/${t}/children`, 'utf8');
      } catch {
        continue;
      }
      for (const c of children.trim().split(/\s+/).filter(Boolean).map(Number)) {
        out.push(c);
        walk(c);
      }
    }
  };
  walk(pid);
  return out;
}

/** Alive and not a zombie waiting for its parent. */
function alive(pid: number): boolean {
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

const started: number[] = [];
afterEach(() => {
  // Whatever a failed test left behind, by the pids this test saw.
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
});

describe('npm start stops on a signal to its npm process', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('%s to npm: every child is gone within 5 s and the ports are free', { timeout: 180_000 }, async (signal) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'npm-start-'));
    try {
      const npm = spawn('npm', ['start', '--', '--data-dir', path.join(dir, 'data'), '--tenants', '1', '--interval', '1h', '--onboarding-tenant', 'none'], {
        cwd: root,
        // Its own process group, so nothing but the explicit kill below reaches it.
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          TIMR_SYNC_METRICS_PORT: '0',
          TIMR_SYNC_SECRETS_DIR: path.join(dir, 'secrets'),
          TIMR_SYNC_CODEC_KEYS_FILE: path.join(dir, 'codec', 'codec-keys.json'),
        },
      });
      started.push(npm.pid!);
      let output = '';
      npm.stdout.on('data', (c: Buffer) => (output += c.toString()));
      npm.stderr.on('data', (c: Buffer) => (output += c.toString()));
      const deadline = Date.now() + 150_000;
      while (!output.includes('sync is running')) {
        if (Date.now() > deadline || npm.exitCode !== null) throw new Error(`npm start did not come up:\n${output}`);
        await new Promise((r) => setTimeout(r, 250));
      }
      const children = descendants(npm.pid!);
      started.push(...children);
      const ports = [...output.matchAll(/(?:127\.0\.0\.1|localhost):(\d+)/g)].map((m) => Number(m[1]));
      expect(new Set(ports).size, output).toBeGreaterThanOrEqual(5); // server, UI, timr, Personio, codec (+ metrics)
      for (const port of ports) expect(await portFree(port), `port ${port} in use while running`).toBe(false);

      process.kill(npm.pid!, signal);
      const stopBy = Date.now() + 5_000;
      while ([npm.pid!, ...children].some(alive) && Date.now() < stopBy) await new Promise((r) => setTimeout(r, 100));
      const left = [npm.pid!, ...children].filter(alive).map((pid) => {
        try {
          return `${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')}`;
        } catch {
          return String(pid);
        }
      });
      expect(left, `still running 5 s after ${signal} to npm`).toEqual([]);
      for (const port of new Set(ports)) expect(await portFree(port), `port ${port} still in use`).toBe(true);
      expect(output).toContain(`${signal}: shutting down`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
