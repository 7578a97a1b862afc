/**
 * Recorded histories kept per release: test/fixtures/histories/<version>/ (e.g. v0.1.0), one
 * folder per release, never overwritten. The replay test replays every kept folder; the recording
 * script adds one. A folder is retired only when no workflow of that release can run on current
 * code any more (README "Deploying a workflow change").
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const HISTORIES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'histories');

/** `v` + a semver-like release name: v0.1.0, v0.2.0-hotfix.1. */
export const VERSION_FOLDER = /^v\d+\.\d+\.\d+([-.][0-9A-Za-z.-]+)?$/;

export function historyVersions(): string[] {
  if (!existsSync(HISTORIES_DIR)) return [];
  return readdirSync(HISTORIES_DIR)
    .filter((name) => VERSION_FOLDER.test(name) && statSync(path.join(HISTORIES_DIR, name)).isDirectory())
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

export function historyFiles(version: string): string[] {
  return readdirSync(path.join(HISTORIES_DIR, version)).filter((f) => f.endsWith('.json')).sort();
}
