import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describeIssues } from './describe-issues.js';
import { InvalidSecretsError, SecretNotFoundError } from './errors.js';
import { isErrno, readPrivateFile, writePrivateFileAtomic } from './private-file.js';
import { assertSafeRef, SECRET_REF_PATTERN } from './secret-ref.js';
import type { ListableSecretStore } from './secret-store.js';
import { TenantSecrets } from './tenant-secrets.js';

/** How to store credentials, quoted in "not found" errors. */
export function setCommandHint(ref: string): string {
  return `timr-sync secrets set ${ref} --timr-client-id <id> --timr-client-secret <secret> --personio-client-id <id> --personio-client-secret <secret>`;
}

/**
 * One JSON file per reference, `<dir>/<ref>.json`, mode 0600 in a 0700 directory. Every
 * `get` reads the file again: it is tiny, and a rotation written by the CLI (or by another
 * process) must be used by the next activity without restarting the worker.
 */
export class FileSecretStore implements ListableSecretStore {
  readonly location: string;

  constructor(readonly dir: string) {
    this.location = `directory ${dir}`;
  }

  fileFor(ref: string): string {
    assertSafeRef(ref);
    return path.join(this.dir, `${ref}.json`);
  }

  async get(ref: string): Promise<TenantSecrets> {
    const file = this.fileFor(ref);
    const text = await readPrivateFile(file);
    if (text === undefined) {
      throw new SecretNotFoundError(ref, `${file} does not exist. Store them with: ${setCommandHint(ref)}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      // JSON.parse messages quote the text around the error, which may be a secret: say only where to look.
      throw new InvalidSecretsError(ref, `${file} is not valid JSON. Rewrite it with: ${setCommandHint(ref)}`);
    }
    const parsed = TenantSecrets.safeParse(json);
    if (!parsed.success) {
      throw new InvalidSecretsError(
        ref,
        `${file} does not match {timr: {clientId, clientSecret}, personio: {clientId, clientSecret}} (${describeIssues(parsed.error, json)}). Rewrite it with: ${setCommandHint(ref)}`,
      );
    }
    return parsed.data;
  }

  async put(ref: string, secrets: TenantSecrets): Promise<void> {
    const file = this.fileFor(ref);
    const parsed = TenantSecrets.safeParse(secrets);
    if (!parsed.success) throw new InvalidSecretsError(ref, `not written to ${file}: ${describeIssues(parsed.error, secrets)}`);
    await writePrivateFileAtomic(file, `${JSON.stringify(parsed.data, null, 2)}\n`);
  }

  async list(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return [];
      throw err;
    }
    return names
      .filter((n) => n.endsWith('.json'))
      .map((n) => n.slice(0, -'.json'.length))
      .filter((ref) => SECRET_REF_PATTERN.test(ref))
      .sort();
  }
}
