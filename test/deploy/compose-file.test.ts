/**
 * The production stack, checked without a Docker engine (there is none on the development and CI
 * machines): docker-compose.yml against the Compose Specification's JSON schema (vendored in
 * test/fixtures/compose-spec/), and the promises the stack makes — localhost-only ports, one image
 * for worker and codec server, current Temporal images at the dev stack's versions, no tctl, a
 * non-root Node 22 image, a build context without secrets, and an admin-tools step that really
 * creates the namespace and every search attribute the code writes (run here against a stub CLI).
 */
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { SearchAttributeType } from '@temporalio/common';
import { Ajv } from 'ajv';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { DEFAULT_DEPLOYMENT_NAME, VERSIONING_ENV } from '../../src/deploy/worker-version.js';
import { WORKER_NODE_FLAGS, WORKER_PROCESS_ENV } from '../../src/worker.js';
import { FAIRNESS_DYNAMIC_CONFIG } from '../../src/devstack/dev-server.js';
import { PROJECT_ROOT, resolveTool, TEMPORAL_CLI, toolVersion } from '../../src/devstack/temporal-cli.js';
import { ALL_SEARCH_ATTRIBUTES } from '../../src/domain/search-attributes.js';

const run = promisify(execFile);
const read = (rel: string) => readFileSync(path.join(PROJECT_ROOT, rel), 'utf8');

// The subset of the Compose model these checks read; the schema validates the whole file.
interface Port {
  host_ip?: string;
  target?: number | string;
  published?: number | string;
}
interface Volume {
  type?: string;
  source?: string;
  target?: string;
  read_only?: boolean;
  bind?: { create_host_path?: boolean };
}
interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string; args?: Record<string, string> };
  pull_policy?: string;
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null>;
  ports?: (string | number | Port)[];
  volumes?: (string | Volume)[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  user?: string;
  healthcheck?: { test?: string | string[] };
}
interface ComposeFile {
  services: Record<string, Service>;
}

const composeText = read('docker-compose.yml');
// Compose resolves YAML anchors and `<<` merge keys; so must the parse the checks read.
const composeDoc = parseDocument(composeText, { merge: true, uniqueKeys: true });
const compose = composeDoc.toJS({ maxAliasCount: 100 }) as ComposeFile;
const services = compose.services;

function service(name: string): Service {
  const s = services[name];
  if (!s) throw new Error(`docker-compose.yml has no service "${name}" (services: ${Object.keys(services).join(', ')})`);
  return s;
}

/** The service whose image is `<repository>:<tag>`, with its tag. */
function serviceByImage(repository: string): { name: string; tag: string } {
  const hits = Object.entries(services).filter(([, s]) => s.image?.split(':')[0] === repository);
  expect(hits.length, `services running ${repository}`).toBeGreaterThan(0);
  const tags = new Set(hits.map(([, s]) => s.image!.split(':')[1]));
  expect(tags.size, `one tag of ${repository}`).toBe(1);
  return { name: hits[0]![0], tag: [...tags][0]! };
}

function env(s: Service): Record<string, string> {
  return Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

type Mount = Volume & { source: string; target: string };

/** Short (`src:dst:ro`) and long volume syntax alike. */
function volumes(s: Service): Mount[] {
  return (s.volumes ?? []).map((v) => {
    if (typeof v !== 'string') return { ...v, source: v.source ?? '', target: v.target ?? '' };
    const [source = '', target = '', mode] = v.split(':');
    return { type: 'bind', source, target, read_only: mode === 'ro' };
  });
}

/** The repository path a container path lies on, through the service's bind mounts. */
function hostPath(s: Service, containerPath: string): string {
  const mount = volumes(s).find((v) => containerPath === v.target || containerPath.startsWith(`${v.target}/`));
  if (!mount) throw new Error(`${containerPath} is on no bind mount of the service`);
  return path.join(PROJECT_ROOT, mount.source, path.relative(mount.target, containerPath));
}

// SearchAttributeType values ('KEYWORD', 'KEYWORD_LIST', ...) as the Temporal CLI spells them.
const CLI_TYPE: Record<string, string> = {
  [SearchAttributeType.TEXT]: 'Text',
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.INT]: 'Int',
  [SearchAttributeType.DOUBLE]: 'Double',
  [SearchAttributeType.BOOL]: 'Bool',
  [SearchAttributeType.DATETIME]: 'Datetime',
  [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/**
 * Every search attribute the product code defines: the exported list the dev server registers,
 * plus any `defineSearchAttributeKey('Name', SearchAttributeType.X)` anywhere under src/ (read
 * with the TypeScript parser), so a key defined outside the list is not missed either.
 */
function searchAttributesInCode(): Map<string, string> {
  const found = new Map<string, string>(ALL_SEARCH_ATTRIBUTES.map((k) => [k.name, CLI_TYPE[k.type]!]));
  for (const file of sourceFiles(path.join(PROJECT_ROOT, 'src'))) {
    const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && node.expression.getText(sf) === 'defineSearchAttributeKey') {
        const [name, type] = node.arguments;
        if (name && ts.isStringLiteral(name) && type && ts.isPropertyAccessExpression(type)) {
          const key = type.name.text as keyof typeof SearchAttributeType;
          found.set(name.text, CLI_TYPE[SearchAttributeType[key]] ?? `unknown type ${type.getText(sf)}`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return found;
}

/** A stub `temporal` / `temporal-sql-tool` that logs its arguments as one JSON line per call. */
function writeStub(dir: string, name: string, body: string): void {
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/sh\nprintf '%s\\n' "${name} $*" >> "$STUB_LOG"\n${body}\n`);
  chmodSync(file, 0o755);
}

async function runScript(s: Service, stubDir: string, extraEnv: Record<string, string> = {}) {
  const command = Array.isArray(s.command) ? s.command : (s.command ?? '').split(' ');
  expect(command[0], 'the script runs under sh (busybox in admin-tools)').toBe('sh');
  const script = hostPath(s, command[1]!);
  const log = path.join(stubDir, 'calls.log');
  rmSync(log, { force: true });
  const serviceEnv = env(s);
  for (const [k, v] of Object.entries(serviceEnv)) expect(v, `${k} is used as written (no interpolation here)`).not.toContain('${');
  const result = await run('sh', [script], {
    env: { PATH: `${stubDir}:${process.env.PATH ?? ''}`, STUB_LOG: log, STUB_DIR: stubDir, SETUP_SLEEP_SECONDS: '0', ...serviceEnv, ...extraEnv },
  });
  const calls = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
  return { ...result, calls };
}

describe('docker-compose.yml', () => {
  it('parses as YAML without errors or warnings and is valid against the Compose Specification schema', async () => {
    expect(composeDoc.errors).toEqual([]);
    expect(composeDoc.warnings).toEqual([]);
    const schema = JSON.parse(read('test/fixtures/compose-spec/compose-spec.json')) as { $schema: string };
    // The schema names the draft-07 meta-schema by its https URL; Ajv knows it by the http one.
    const draft07 = (await import('ajv/dist/refs/json-schema-draft-07.json', { with: { type: 'json' } })).default;
    const ajv = new Ajv({ allErrors: true, strictTypes: false, allowUnionTypes: true });
    ajv.addMetaSchema({ ...draft07, $id: schema.$schema });
    const validate = ajv.compile(schema);
    const ok = validate(compose);
    expect(ajv.errorsText(validate.errors, { separator: '\n' })).toBe('No errors');
    expect(ok).toBe(true);

    // The schema can fail: a misspelt key is refused (keeps the check above honest).
    const broken = structuredClone(compose);
    (broken.services.worker as Record<string, unknown>).enviroment = {};
    expect(validate(broken)).toBe(false);
  });

  it('refers only to services and named volumes it defines', () => {
    const declaredVolumes = new Set(Object.keys((compose as { volumes?: Record<string, unknown> }).volumes ?? {}));
    for (const [name, s] of Object.entries(services)) {
      const deps = Array.isArray(s.depends_on) ? s.depends_on : Object.keys(s.depends_on ?? {});
      for (const dep of deps) expect(Object.keys(services), `${name} depends on ${dep}`).toContain(dep);
      for (const v of volumes(s)) {
        if (v.source.startsWith('.') || v.source.startsWith('/')) {
          // Repository files the stack mounts must exist (the secrets directory is the operator's).
          if (!v.source.startsWith('./.secrets')) expect(existsSync(path.join(PROJECT_ROOT, v.source)), `${name} mounts ${v.source}`).toBe(true);
        } else {
          expect(declaredVolumes, `${name} uses volume ${v.source}`).toContain(v.source);
        }
      }
    }
  });

  it('publishes ports on 127.0.0.1 only, and publishes the frontend, the UI and the codec server', () => {
    const published: number[] = [];
    for (const [name, s] of Object.entries(services)) {
      for (const p of s.ports ?? []) {
        if (typeof p === 'object') {
          expect(p.host_ip, `${name}: ${JSON.stringify(p)}`).toBe('127.0.0.1');
          published.push(Number(p.target));
        } else {
          // "127.0.0.1:HOST:CONTAINER" — anything shorter binds every interface.
          const m = /^127\.0\.0\.1:(\d+):(\d+)(\/tcp)?$/.exec(String(p));
          expect(m, `${name} publishes "${p}"`).not.toBeNull();
          published.push(Number(m![2]));
        }
      }
    }
    expect(published.sort()).toEqual([7233, 8080, 8888]);
    expect(service('postgresql').ports).toBeUndefined();
  });

  it('builds one image, once, and runs it as both the worker and the codec server', () => {
    const built = Object.entries(services).filter(([, s]) => s.build !== undefined);
    expect(built.map(([n]) => n)).toEqual(['worker']);
    const worker = service('worker');
    const codec = service('codec-server');
    expect(worker.image).toBeTruthy();
    expect(codec.image).toBe(worker.image);
    expect(codec.build).toBeUndefined();
    expect(codec.pull_policy).toBe('never');
    const build = typeof worker.build === 'string' ? { context: worker.build } : worker.build!;
    expect(build.context).toBe('.');
    expect(build.dockerfile ?? 'Dockerfile').toBe('Dockerfile');
  });

  it('runs the current temporalio/server with admin-tools of the same release, no auto-setup and no tctl anywhere', () => {
    const server = serviceByImage('temporalio/server');
    const adminTools = serviceByImage('temporalio/admin-tools');
    expect(adminTools.tag).toBe(server.tag);
    const everything = [composeText, read('Dockerfile'), ...readdirSync(path.join(PROJECT_ROOT, 'deploy/temporal')).map((f) => read(`deploy/temporal/${f}`))];
    for (const text of everything) {
      expect(text).not.toMatch(/auto-setup/);
      expect(text).not.toMatch(/\btctl\b/i);
    }
    // The server image ships no dynamic config and refuses to start without the file.
    const temporal = service('temporal');
    const dynamicConfig = env(temporal).DYNAMIC_CONFIG_FILE_PATH!;
    const file = hostPath(temporal, dynamicConfig);
    const parsed = parseDocument(readFileSync(file, 'utf8'));
    expect(parsed.errors).toEqual([]);
    expect(typeof parsed.toJS()).toBe('object');
  });

  it('turns on tenant fairness with the values the dev server runs with, for every namespace and task queue', () => {
    const temporal = service('temporal');
    const parsed = parseDocument(readFileSync(hostPath(temporal, env(temporal).DYNAMIC_CONFIG_FILE_PATH!), 'utf8')).toJS() as Record<string, { value: unknown; constraints?: unknown }[]>;
    expect(Object.keys(FAIRNESS_DYNAMIC_CONFIG).length).toBeGreaterThan(0);
    // One unconstrained value per key: a constraint would leave some task queue first come, first served.
    for (const [key, value] of Object.entries(FAIRNESS_DYNAMIC_CONFIG)) expect(parsed[key], key).toEqual([{ value }]);
  });

  it('pins the Temporal Server and UI versions the dev stack runs', () => {
    const cli = resolveTool(TEMPORAL_CLI);
    if (cli.kind !== 'path') throw new Error(cli.reason);
    // e.g. "temporal version 1.9.1 (Server 1.32.0, UI 2.54.1)"
    const m = /\(Server ([\d.]+), UI ([\d.]+)\)/.exec(toolVersion(cli.path));
    expect(m, toolVersion(cli.path)).not.toBeNull();
    expect(serviceByImage('temporalio/server').tag).toBe(m![1]);
    expect(serviceByImage('temporalio/admin-tools').tag).toBe(m![1]);
    expect(serviceByImage('temporalio/ui').tag).toBe(m![2]);
  });

  it('starts the server after the schema step, and the UI and the workers after the namespace step', () => {
    const condition = (s: Service, dep: string) => (Array.isArray(s.depends_on) ? undefined : s.depends_on?.[dep]?.condition);
    expect(condition(service('temporal'), 'temporal-schema')).toBe('service_completed_successfully');
    expect(condition(service('temporal-setup'), 'temporal')).toBe('service_healthy');
    for (const name of ['temporal-ui', 'worker']) expect(condition(service(name), 'temporal-setup'), name).toBe('service_completed_successfully');
  });

  describe('the admin-tools namespace step (setup-namespace.sh against a stub Temporal CLI)', () => {
    let stubDir: string;
    beforeAll(() => {
      stubDir = mkdtempSync(path.join(tmpdir(), 'timr-compose-'));
      // Healthy after two refusals; the namespace exists once created.
      writeStub(
        stubDir,
        'temporal',
        `case "$1 $2 $3" in
  "operator cluster health")
    n=$(cat "$STUB_DIR/health" 2>/dev/null || echo 0); echo $((n + 1)) > "$STUB_DIR/health"; [ "$n" -ge 2 ] ;;
  "operator namespace describe") [ -f "$STUB_DIR/namespace" ] ;;
  "operator namespace create") touch "$STUB_DIR/namespace" ;;
  *) exit 0 ;;
esac`,
      );
    });
    afterAll(() => rmSync(stubDir, { recursive: true, force: true }));

    it('creates the namespace the workers use and every search attribute the code defines, with its type', async () => {
      const setup = service('temporal-setup');
      const { calls } = await runScript(setup, stubDir);
      const namespace = env(setup).TEMPORAL_NAMESPACE!;
      expect(namespace).toBe(env(service('worker')).TEMPORAL_NAMESPACE);
      expect(calls.filter((c) => c === 'temporal operator cluster health')).toHaveLength(3);
      expect(calls).toContain(`temporal operator namespace create --namespace ${namespace} --retention ${env(setup).TEMPORAL_NAMESPACE_RETENTION}`);

      const created = new Map<string, string>();
      for (const c of calls) {
        const m = /^temporal operator search-attribute create --namespace (\S+) --name (\S+) --type (\S+)$/.exec(c);
        if (m) {
          expect(m[1]).toBe(namespace);
          created.set(m[2]!, m[3]!);
        }
      }
      const inCode = searchAttributesInCode();
      expect(inCode.size).toBeGreaterThanOrEqual(3);
      for (const [name, type] of inCode) expect(created.get(name), `search attribute ${name}`).toBe(type);
      // The UI's saved queries rely on these even before the code that writes them lands.
      expect(created.get('RunOutcome')).toBe('Keyword');
      expect(created.get('QuarantinedCount')).toBe('Int');
    });

    it('is idempotent: a second run finds the namespace and creates none', async () => {
      const { calls } = await runScript(service('temporal-setup'), stubDir);
      expect(calls.some((c) => c.startsWith('temporal operator namespace create'))).toBe(false);
      expect(calls.some((c) => c.startsWith('temporal operator search-attribute create'))).toBe(true);
    });

    it('fails, naming the step, when the server never gets healthy', async () => {
      writeFileSync(path.join(stubDir, 'health'), '-1000');
      const failed = await runScript(service('temporal-setup'), stubDir, { SETUP_ATTEMPTS: '3' }).catch((err: { code: number; stderr: string }) => err);
      expect('code' in failed && failed.code).toBe(1);
      expect((failed as { stderr: string }).stderr).toContain('cluster health');
    });
  });

  it('the admin-tools schema step creates and upgrades both databases (setup-schema.sh against a stub tool)', async () => {
    const stubDir = mkdtempSync(path.join(tmpdir(), 'timr-compose-'));
    try {
      writeStub(stubDir, 'temporal-sql-tool', 'exit 0');
      const { calls } = await runScript(service('temporal-schema'), stubDir);
      for (const [db, schema] of [
        ['temporal', 'temporal'],
        ['temporal_visibility', 'visibility'],
      ]) {
        const mine = calls.filter((c) => c.includes(` --db ${db} `)).map((c) => c.replace(/^.* --db \S+ /, ''));
        expect(mine).toEqual(['create', 'setup-schema -v 0.0', `update-schema -d /etc/temporal/schema/postgresql/v12/${schema}/versioned`]);
      }
      expect(calls.every((c) => c.includes('--plugin postgres12 --ep postgresql -p 5432 -u temporal'))).toBe(true);
    } finally {
      rmSync(stubDir, { recursive: true, force: true });
    }
  });

  it('requires the codec auth token and lets the UI send the browser credentials to the published codec port', () => {
    const codec = env(service('codec-server'));
    // `${VAR:?message}`: compose refuses to start the stack without the token.
    expect(codec.TIMR_SYNC_CODEC_AUTH_TOKEN).toMatch(/^\$\{TIMR_SYNC_CODEC_AUTH_TOKEN:\?.+\}$/);
    const ui = env(service('temporal-ui'));
    expect(ui.TEMPORAL_CODEC_INCLUDE_CREDENTIALS).toBe('true');
    const codecPort = String(service('codec-server').ports?.[0]).split(':')[1];
    expect(ui.TEMPORAL_CODEC_ENDPOINT).toBe(`http://localhost:${codecPort}`);
    const uiPort = String(service('temporal-ui').ports?.[0]).split(':')[1];
    expect(codec.TIMR_SYNC_CODEC_CORS_ORIGINS!.split(',')).toEqual(expect.arrayContaining([`http://localhost:${uiPort}`, `http://127.0.0.1:${uiPort}`]));
  });

  it('mounts the secrets read-only, only the codec keys into the codec server, and runs both as the image user', () => {
    const worker = service('worker');
    const codec = service('codec-server');
    for (const [s, keysFile] of [
      [worker, env(worker).TIMR_SYNC_CODEC_KEYS_FILE!],
      [codec, env(codec).TIMR_SYNC_CODEC_KEYS_FILE!],
    ] as const) {
      expect(s.user).toBe('1000:1000');
      for (const v of volumes(s)) {
        expect(v.read_only, `${v.source} read-only`).toBe(true);
        expect(v.bind?.create_host_path, `${v.source} must exist, not be created as root`).toBe(false);
      }
      expect(path.relative(PROJECT_ROOT, hostPath(s, keysFile))).toBe('.secrets/codec/codec-keys.json');
    }
    expect(path.relative(PROJECT_ROOT, hostPath(worker, env(worker).TIMR_SYNC_SECRETS_DIR!))).toBe('.secrets');
    expect(volumes(codec).map((v) => v.source)).toEqual(['./.secrets/codec']);
  });

  it('wires Worker Versioning: the deployment name, and the build id baked into the image only', () => {
    const worker = service('worker');
    expect(env(worker)[VERSIONING_ENV.deploymentName]).toBe(DEFAULT_DEPLOYMENT_NAME);
    // Set at run time, an unset variable would be an empty build id and hide the baked one.
    expect(env(worker)[VERSIONING_ENV.buildId]).toBeUndefined();
    const build = worker.build as { args?: Record<string, string> };
    expect(build.args?.BUILD_ID).toBe('${TIMR_SYNC_BUILD_ID:-}');
    expect(worker.image).toBe('timr-personio-sync:${TIMR_SYNC_BUILD_ID:-local}');
    expect(dockerfile().instructions).toEqual(
      expect.arrayContaining([
        ['ARG', 'BUILD_ID=""'],
        ['ENV', `${VERSIONING_ENV.buildId}=$BUILD_ID`],
      ]),
    );
  });
});

/** Instructions of the Dockerfile as [KEYWORD, arguments], continuation lines joined. */
function dockerfile(): { instructions: [string, string][]; stages: [string, string][][] } {
  const joined = read('Dockerfile').replace(/\\\n/g, ' ');
  const instructions = joined
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l): [string, string] => {
      const [kw = '', ...rest] = l.split(/\s+/);
      return [kw.toUpperCase(), rest.join(' ')];
    });
  const stages: [string, string][][] = [];
  for (const ins of instructions) {
    if (ins[0] === 'FROM') stages.push([]);
    stages.at(-1)?.push(ins);
  }
  return { instructions, stages };
}

/** Relative imports resolved to .ts files, bare ones collected, type-only ones skipped. */
function importGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const specifiers: string[] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly && ts.isStringLiteral(node.moduleSpecifier)) specifiers.push(node.moduleSpecifier.text);
      if (ts.isExportDeclaration(node) && !node.isTypeOnly && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) specifiers.push(node.moduleSpecifier.text);
      if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
        specifiers.push(node.arguments[0].text);
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
    for (const spec of specifiers) {
      if (spec.startsWith('.')) {
        const resolved = path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts'));
        expect(existsSync(resolved), `${path.relative(PROJECT_ROOT, file)} imports ${spec}`).toBe(true);
        queue.push(resolved);
      } else {
        packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
    }
  }
  return { files, packages };
}

describe('Dockerfile and .dockerignore', () => {
  const { instructions, stages } = dockerfile();

  it('builds on Node 22 LTS in every stage, which package.json engines admits', () => {
    const froms = stages.map((s) => s[0]![1]);
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const from of froms) expect(from).toMatch(/^node:22-[a-z]+-slim\b/);
    const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
    // Node 22 is what the image runs; ^20.19 keeps this machine's Node 20 working without a warning.
    expect(engines).toBe('^20.19.0 || >=22.12.0');
  });

  it('starts the worker with the process environment the worker asks for (malloc arenas), in the image and in npm run worker', () => {
    const lastStage = stages.at(-1)!;
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    for (const [name, value] of Object.entries(WORKER_PROCESS_ENV)) {
      expect(lastStage).toContainEqual(['ENV', `${name}=${value}`]);
      // The operator's own value wins over the default.
      expect(scripts.worker).toContain(`${name}=\${${name}:-${value}}`);
    }
    expect(Object.keys(WORKER_PROCESS_ENV).length).toBeGreaterThan(0);
  });

  it('starts the worker with the V8 flags the worker asks for, in the image and in npm run worker', () => {
    const cmd = stages.at(-1)!.filter(([kw]) => kw === 'CMD').map(([, arg]) => JSON.parse(arg!) as string[]);
    expect(cmd).toHaveLength(1);
    expect(cmd[0]).toEqual(['node', ...WORKER_NODE_FLAGS, 'dist/src/worker.js']);
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.worker).toContain(`node ${WORKER_NODE_FLAGS.join(' ')} --import tsx src/worker.ts`);
    expect(WORKER_NODE_FLAGS.length).toBeGreaterThan(0);
  });

  it('runs as a numeric non-root user', () => {
    const users = stages.at(-1)!.filter(([kw]) => kw === 'USER').map(([, arg]) => arg);
    expect(users).toHaveLength(1);
    const [uid, gid] = users[0]!.split(':');
    expect(uid).toMatch(/^\d+$/);
    expect(Number(uid)).toBeGreaterThan(0);
    expect(Number(gid)).toBeGreaterThan(0);
    expect(`${uid}:${gid}`).toBe(service('worker').user);
  });

  it('starts, in every command that runs it, an entry point whose imports are production dependencies', () => {
    const cmd = instructions.filter(([kw]) => kw === 'CMD').at(-1)![1];
    const commands: string[][] = [JSON.parse(cmd) as string[]];
    for (const s of [service('worker'), service('codec-server')]) if (Array.isArray(s.command)) commands.push(s.command);
    // The entry point is node's first argument that is not a flag.
    const entryOf = (c: string[]) => c.slice(1).find((a) => !a.startsWith('-'));
    const entries = commands.filter((c) => c[0] === 'node' && entryOf(c)?.startsWith('dist/')).map((c) => entryOf(c)!);
    expect(entries).toEqual(expect.arrayContaining(['dist/src/worker.js', 'dist/src/cli/codec-server.js']));
    const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string>; bin?: Record<string, string> };
    // The operator CLI in the image: each package.json bin runs dist/src/cli/<name>.js.
    for (const [name, file] of Object.entries(pkg.bin ?? {})) {
      expect(read(file), `${file} runs the compiled ${name}`).toContain(`'${name}.js'`);
      entries.push(`dist/src/cli/${name}.js`);
    }
    const builtins = new Set(builtinModules);
    for (const entry of entries) {
      const source = path.join(PROJECT_ROOT, entry.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
      expect(existsSync(source), `${entry} is compiled from ${path.relative(PROJECT_ROOT, source)}`).toBe(true);
      const { packages } = importGraph(source);
      for (const p of packages) {
        if (p.startsWith('node:') || builtins.has(p)) continue;
        // `npm prune --omit=dev` removes everything else from the image.
        expect(Object.keys(pkg.dependencies), `${entry} imports ${p}`).toContain(p);
      }
    }
  });

  it('.dockerignore admits exactly what the Dockerfile copies from the build context, so no secret enters it', () => {
    const lines = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    expect(lines[0]).toBe('*');
    const admitted = lines.slice(1).map((l) => {
      expect(l.startsWith('!'), `"${l}": an allowlist has only exceptions after "*"`).toBe(true);
      return l.slice(1);
    });
    const copied = instructions
      .filter(([kw, arg]) => kw === 'COPY' && !arg.startsWith('--from'))
      .flatMap(([, arg]) => arg.split(/\s+/).slice(0, -1));
    expect([...admitted].sort()).toEqual([...new Set(copied)].sort());
    for (const secret of ['.secrets', '.env', '.git', 'node_modules', '.data', '.tools']) expect(admitted).not.toContain(secret);
  });
});
