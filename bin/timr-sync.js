#!/usr/bin/env node
/* global process */
// The `timr-sync` command (package.json "bin"). Runs the compiled CLI from dist/ that
// `npm run build` makes (the Docker image, an installed package). In a checkout after a plain
// `npm ci` there is no dist/ — or one older than the sources — so it runs the TypeScript source
// through tsx (a devDependency) instead, and a stale build is never what answers.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const built = path.join(root, 'dist', 'src', 'cli', 'timr-sync.js');
const sourceDir = path.join(root, 'src');
const source = path.join(sourceDir, 'cli', 'timr-sync.ts');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

const haveBuild = existsSync(built);
const haveSource = existsSync(source);
const stale = haveBuild && haveSource && statSync(built).mtimeMs < newestSource(sourceDir);
let entry = built;
if (haveSource && (!haveBuild || stale || process.env.TIMR_SYNC_FROM_SOURCE === '1')) {
  try {
    const { register } = await import('tsx/esm/api');
    register();
    entry = source;
  } catch {
    if (!haveBuild) {
      process.stderr.write('timr-sync: no build in dist/ and tsx is not installed; run "npm run build" (or "npm ci" for the dev tools)\n');
      process.exit(1);
    }
  }
}
const { main } = await import(pathToFileURL(entry).href);
await main(process.argv.slice(2));
