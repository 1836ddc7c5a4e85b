/**
 * The two file mechanisms every writer of Signet's files shares, whether the file is in the user
 * data dir (data-dir.ts) or in an OCI layout the user chose (sources/files.ts): an atomic
 * replace, and a lock file. Both throw the raw fs error (or the caller's own "busy" error); the
 * callers word it for their files.
 */
import { randomBytes } from 'node:crypto';
import { constants as fsc } from 'node:fs';
import { open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Replaces `path` with `data` (text as UTF-8, or bytes as they are) so that a crash at any point
 * leaves the old or the new file, never half of one: a temp file beside it (O_EXCL, `mode`),
 * fsync, rename over, fsync of the directory. The directory must exist. Temp files of writers
 * killed mid-write are removed afterwards (their names carry the writer's pid).
 */
export async function writeAtomically(path: string, data: string | Uint8Array, mode: number): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    const fh = await open(tmp, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, mode);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
  // The rename is durable only once the directory entry is on disk.
  try {
    const dh = await open(dir, fsc.O_RDONLY);
    try { await dh.sync(); } finally { await dh.close(); }
  } catch { /* some filesystems refuse fsync on a directory; the rename already happened */ }
  await removeOrphanTemps(dir, basename(path));
}

/** Temp files of writers that were killed mid-write (their pid is gone): never data, only litter. */
async function removeOrphanTemps(dir: string, name: string): Promise<void> {
  const prefix = `.${name}.tmp-`;
  let entries: string[];
  try { entries = await readdir(dir); } catch { return; }
  for (const f of entries) {
    if (!f.startsWith(prefix)) continue;
    const pid = Number(f.slice(prefix.length).split('-')[0]);
    if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) continue;
    if (!processIsAlive(pid)) await rm(join(dir, f), { force: true }).catch(() => undefined);
  }
}

export interface LockOptions {
  /** How long to wait for another holder before giving up with `busy()`. */
  waitMs: number;
  /** A lock file older than this is left over from a crash and is taken over. */
  staleMs: number;
  busy: () => Error;
  /** The lock file could not be created (permissions, a missing directory): the caller's words for it. */
  failed: (e: unknown) => Error;
}

/**
 * Runs `fn` holding the lock file `lock` (created with O_EXCL, holding this pid), so two
 * processes that change the same files do not lose one another's change.
 */
export async function holdLockFile<T>(lock: string, fn: () => Promise<T>, opts: LockOptions): Promise<T> {
  const started = Date.now();
  for (;;) {
    try {
      const fh = await open(lock, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, 0o600);
      try { await fh.writeFile(String(process.pid)); } finally { await fh.close(); }
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw opts.failed(e);
      const st = await stat(lock).catch(() => undefined);
      if (st && Date.now() - st.mtimeMs > opts.staleMs) {
        await rm(lock, { force: true });
        continue;
      }
      if (Date.now() - started > opts.waitMs) throw opts.busy();
      await new Promise((r) => setTimeout(r, 25 + Math.random() * 50));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { force: true }).catch(() => undefined);
  }
}

export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
