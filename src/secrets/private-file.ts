/**
 * Files only the owning user may touch: written atomically with mode 0600 inside a 0700
 * directory, and refused on read when group or others have any access. Shared by the
 * secret store and the codec key file.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, mkdir, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { InsecureSecretFileError } from './errors.js';

const GROUP_OTHER_BITS = 0o077;
// Windows has no POSIX modes: Node reports 0666 for every file there, so the check would refuse everything.
const CHECK_MODES = process.platform !== 'win32';

/** Reads a private file; `undefined` when it does not exist. */
export async function readPrivateFile(file: string): Promise<string | undefined> {
  let handle;
  try {
    // O_NOFOLLOW is not used: Kubernetes mounts secrets as symlinks. The mode check is on the
    // opened descriptor, so swapping the file between check and read is not possible.
    handle = await open(file, constants.O_RDONLY);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new Error(`${file} is not a regular file; expected a JSON file written by this tool.`);
    if (CHECK_MODES && (st.mode & GROUP_OTHER_BITS) !== 0) throw new InsecureSecretFileError(file, st.mode);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

/** Creates `dir` (and missing parents) with mode 0700. An existing directory is left as it is. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
}

/**
 * Writes via a temporary file in the same directory and a rename, so a reader (an activity
 * picking up a rotation) sees either the old or the new content, never a torn write.
 * With `exclusive`, an existing file is kept (hard link instead of rename fails on EEXIST)
 * and the result is `false`.
 */
export async function writePrivateFileAtomic(file: string, content: string, opts: { exclusive?: boolean } = {}): Promise<boolean> {
  const dir = path.dirname(file);
  await ensurePrivateDir(dir);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(tmp, 'wx', 0o600);
  let renamed = false;
  let written = true;
  try {
    // A umask cannot add bits, but an unusual one (e.g. 0o277) could remove the owner's; pin it.
    await handle.chmod(0o600);
    await handle.writeFile(content, 'utf8');
    await handle.sync();
    await handle.close();
    if (opts.exclusive) {
      try {
        await link(tmp, file);
      } catch (err) {
        if (!isErrno(err, 'EEXIST')) throw err;
        written = false;
      }
      await unlink(tmp);
    } else {
      await rename(tmp, file);
    }
    renamed = true;
    if (written) await syncDir(dir);
    return written;
  } finally {
    if (!renamed) {
      await handle.close().catch(() => undefined);
      await unlink(tmp).catch(() => undefined);
    }
  }
}

/** Makes the rename durable across a power loss; best effort where directories cannot be opened. */
async function syncDir(dir: string): Promise<void> {
  try {
    const d = await open(dir, constants.O_RDONLY);
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    // Not supported on every platform/filesystem; the rename itself is already atomic.
  }
}

export function isErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}
