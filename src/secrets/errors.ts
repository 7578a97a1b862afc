/**
 * Typed errors of the secret stores. `name` is set explicitly because Temporal uses it as
 * the failure type when an activity throws, and workflows branch on it (e.g. missing
 * credentials put a tenant into a waiting state instead of retrying forever).
 */

export class SecretStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class SecretNotFoundError extends SecretStoreError {
  constructor(
    readonly ref: string,
    detail: string,
  ) {
    super(`No credentials stored for reference "${ref}": ${detail}`);
  }
}

export class InvalidSecretRefError extends SecretStoreError {
  constructor(readonly ref: string) {
    // JSON.stringify shows control characters and separators that would otherwise be invisible.
    super(
      `Invalid credentials reference ${JSON.stringify(ref)}: use 1-64 letters, digits, "-" or "_", starting with a letter or digit (for example "demo-acme").`,
    );
  }
}

export class InsecureSecretFileError extends SecretStoreError {
  constructor(
    readonly file: string,
    readonly mode: number,
  ) {
    super(
      `Refusing to read ${file}: its permissions are ${formatMode(mode)}, so group or other users can access it. Fix: chmod 600 ${file}`,
    );
  }
}

export class InvalidSecretsError extends SecretStoreError {
  constructor(
    readonly ref: string,
    detail: string,
  ) {
    super(`Credentials for reference "${ref}" are invalid: ${detail}`);
  }
}

export class ReadOnlySecretStoreError extends SecretStoreError {
  constructor(
    readonly ref: string,
    detail: string,
  ) {
    super(`Cannot store credentials for reference "${ref}": ${detail}`);
  }
}

export function formatMode(mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, '0')}`;
}
