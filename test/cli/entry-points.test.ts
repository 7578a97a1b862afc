/**
 * Every entry point through its real process: `--help` answers without connecting to anything,
 * a usage error exits 2 with the help, and the worker names the server it cannot reach and the
 * fix (instead of a transport error dump).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);
// Nothing listens there: an entry point that tried to connect would fail or hang.
const env = { ...process.env, TEMPORAL_ADDRESS: '127.0.0.1:1', TIMR_SYNC_METRICS_PORT: '' };

async function npm(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npm', ['run', '-s', ...args], { cwd: root, env, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('entry points', () => {
  it.each([
    ['worker', 'Usage: npm run worker --'],
    ['start', 'Usage: npm start --'],
    ['sandbox', 'Usage: npm run sandbox --'],
    ['codec-server', 'Usage: npm run codec-server --'],
    ['chaos', 'Usage: npm run chaos --'],
    ['sync:once', 'Usage: npm run sync:once --'],
    ['bench', 'Usage: npm run bench --'],
    ['secrets', 'Usage: timr-sync secrets'],
    ['cli', 'Usage: timr-sync <command>'],
  ])('npm run %s -- --help prints its usage and exits 0', { timeout: 60_000 }, async (script, usage) => {
    const r = await npm([script, '--', '--help']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(usage);
  });

  it('a usage error exits 2 with the help on stderr', { timeout: 60_000 }, async () => {
    const r = await npm(['start', '--', '--interval', 'soon']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--interval "soon" is not a duration');
    expect(r.stderr).toContain('Usage: npm start --');
  });

  it('the worker names the Temporal server it cannot reach and the fix, in one log line', { timeout: 60_000 }, async () => {
    const r = await npm(['worker']);
    expect(r.code).toBe(1);
    const fatal = (r.stdout + r.stderr).split('\n').find((l) => l.includes('cannot connect'));
    expect(fatal, r.stdout + r.stderr).toBeDefined();
    const line = JSON.parse(fatal!) as { level: unknown; msg: string };
    expect(line.msg).toContain('cannot connect to Temporal at 127.0.0.1:1 (namespace default)');
    expect(line.msg).toContain('TEMPORAL_ADDRESS');
  });
});
