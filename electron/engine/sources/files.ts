import { constants as fsc, type Stats } from 'node:fs';
import { open, realpath, stat, type FileHandle } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { SignetError } from '../errors.js';
import { holdLockFile, writeAtomically } from '../atomic-files.js';
import { DigestVerifier, verifyBytes, type Digest } from '../content/digest.js';

/**
 * Helpers for sources that live in files (OCI layouts, docker archives): reads that name the file
 * in every error, and never hang or run out of memory on what they are given. Every file is
 * opened through openRegularFile: only a regular file is read (a FIFO would block forever, a
 * device such as /dev/zero never ends), checked on the descriptor that is then read, and read up
 * to a bound. A layout's files may be symlinks only to files inside the layout.
 */

/** Where a file may be. `inside`: a directory the file, with every symlink followed, must be in. */
export interface FilePlace {
  inside?: string;
}

export function ioError(path: string, e: unknown, doing = 'read'): SignetError {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return new SignetError('IO', `${path} does not exist.`, { path });
  if (code === 'EACCES' || code === 'EPERM') return new SignetError('IO', `${path} could not be ${doing === 'read' ? 'read' : 'written'}: permission denied.`, { path });
  return new SignetError('IO', `${path} could not be ${doing === 'read' ? 'read' : 'written'} (${code ?? (e as Error)?.message ?? String(e)}).`, { path });
}

/** O_NONBLOCK: opening a FIFO that replaced a file between the check and the open must not wait for a writer. */
const READ_FLAGS = fsc.O_RDONLY | (fsc.O_NONBLOCK ?? 0);

/**
 * Opens `path` for reading if it is a regular file (and, with `place.inside`, lies inside that
 * directory once symlinks are followed). The type is checked before the open, so a FIFO or a
 * device is never opened, and again on the open descriptor, which is what callers read.
 */
export async function openRegularFile(path: string, what: string, place: FilePlace = {}): Promise<{ handle: FileHandle; size: number }> {
  let target = path;
  let flags = READ_FLAGS;
  if (place.inside !== undefined) {
    target = await realFileInside(path, place.inside, what);
    flags |= fsc.O_NOFOLLOW ?? 0; // the checked path itself must not become a symlink meanwhile
  }
  let st: Stats;
  try {
    st = await stat(target);
  } catch (e) {
    throw ioError(path, e);
  }
  if (!st.isFile()) throw notRegular(path, what, st);
  let handle: FileHandle;
  try {
    handle = await open(target, flags);
  } catch (e) {
    throw ioError(path, e);
  }
  try {
    const fst = await handle.stat();
    if (!fst.isFile()) throw notRegular(path, what, fst);
    return { handle, size: fst.size };
  } catch (e) {
    await handle.close();
    throw e instanceof SignetError ? e : ioError(path, e);
  }
}

/** The real path of `path`, which must be inside the real path of `dir` (symlinks may not lead out). */
async function realFileInside(path: string, dir: string, what: string): Promise<string> {
  let root: string;
  try {
    root = await realpath(dir);
  } catch (e) {
    throw ioError(dir, e);
  }
  let real: string;
  try {
    real = await realpath(path);
  } catch (e) {
    throw ioError(path, e);
  }
  const rel = relative(root, real);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) { // '' is the directory itself: refused as one below
    throw new SignetError('IO', `${path} (${what}) leads to ${real}, outside ${dir}. Signet follows symlinks in a layout only to files inside it, so a layout cannot make it read other files.`, { path });
  }
  return real;
}

function notRegular(path: string, what: string, st: Stats): SignetError {
  const kind = st.isDirectory() ? 'a directory'
    : st.isFIFO() ? 'a FIFO (named pipe)'
      : st.isCharacterDevice() ? 'a character device'
        : st.isBlockDevice() ? 'a block device'
          : st.isSocket() ? 'a socket' : 'not a regular file';
  return new SignetError('IO', `${path} (${what}) is ${kind}, not a regular file. Signet reads only regular files here: anything else can block forever or never end.`, { path });
}

/**
 * Reads a whole regular file of at most `max` bytes. The size is checked on the open descriptor
 * and at most one byte more than it is read, so a file that grows (or lies about its size) is
 * reported rather than read without end.
 */
export async function readSmallFile(path: string, max: number, what: string, place: FilePlace = {}): Promise<Buffer> {
  const { handle, size } = await openRegularFile(path, what, place);
  try {
    if (size > max) throw new SignetError('SIZE_MISMATCH', `${path} (${what}) is ${size} bytes, more than the ${max} bytes Signet reads into memory for it.`, { path });
    const buf = Buffer.alloc(size + 1);
    let got = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, got, buf.length - got, null);
      if (bytesRead === 0) break;
      got += bytesRead;
      if (got === buf.length) break;
    }
    if (got !== size) throw new SignetError('IO', `${path} (${what}) changed while Signet read it (${size} bytes when opened, ${got > size ? 'more' : `${got}`} read); try again when nothing is writing it.`, { path });
    return buf.subarray(0, size);
  } catch (e) {
    throw e instanceof SignetError ? e : ioError(path, e);
  } finally {
    await handle.close();
  }
}

/** Reads a content-addressed file whole and checks it against its digest (and size). */
export async function readVerifiedFile(path: string, digest: Digest, size: number | undefined, max: number, what: string, place: FilePlace = {}): Promise<Buffer> {
  const bytes = await readSmallFile(path, max, what, place);
  if (size !== undefined && bytes.length !== size) {
    throw new SignetError('SIZE_MISMATCH', `${path} (${what}) is ${bytes.length} bytes, but the descriptor naming it declares ${size}: it was truncated or altered.`, { path, digest });
  }
  try {
    verifyBytes(bytes, digest, `${what} ${path}`);
  } catch (e) {
    if (e instanceof SignetError) throw new SignetError(e.code, `${e.message} The file was altered or damaged.`, { ...e.details, path });
    throw e;
  }
  return bytes;
}

/** Opens a blob file: it must exist, be a regular file (in its place) and have the declared size. */
async function openBlobFile(path: string, digest: Digest, size: number | undefined, what: string, place: FilePlace): Promise<FileHandle> {
  let opened;
  try {
    opened = await openRegularFile(path, `${what} ${digest}`, place);
  } catch (e) {
    if (e instanceof SignetError && /does not exist/.test(e.message)) {
      throw new SignetError('BLOB_UNKNOWN', `${what} ${digest} is missing: ${path} does not exist.`, { path, digest });
    }
    throw e;
  }
  if (size !== undefined && opened.size !== size) {
    await opened.handle.close();
    throw new SignetError('SIZE_MISMATCH', `${path} (${what} ${digest}) is ${opened.size} bytes, but its descriptor declares ${size}: it was truncated or altered.`, { path, digest });
  }
  return opened.handle;
}

/** Checks that a blob file exists with the declared size (cheap: no hashing). */
export async function checkBlobFile(path: string, digest: Digest, size: number | undefined, what: string, place: FilePlace = {}): Promise<void> {
  await (await openBlobFile(path, digest, size, what, place)).close();
}

/**
 * A blob file as a stream that fails at its end unless its bytes hash to `digest` (and are `size`
 * long). The checks of checkBlobFile are made on the descriptor the stream reads.
 */
export async function verifiedFileStream(path: string, digest: Digest, size: number | undefined, what: string, place: FilePlace = {}): Promise<Readable> {
  const handle = await openBlobFile(path, digest, size, what, place);
  const verifier = new DigestVerifier(digest, `${what} ${path}`, size);
  const src = handle.createReadStream({ highWaterMark: 1 << 20, autoClose: true });
  src.on('error', (e) => verifier.destroy(ioError(path, e)));
  verifier.on('close', () => { if (!src.destroyed) src.destroy(); });
  src.pipe(verifier);
  return verifier;
}

/** Writes a file atomically (see atomic-files.ts), readable by all as the layout's other files are. */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  try {
    await writeAtomically(path, data, 0o644);
  } catch (e) {
    throw ioError(path, e, 'write');
  }
}

/** A lock file taken with O_EXCL; stale locks (older than staleMs) are broken. */
export async function withLockFile<T>(path: string, fn: () => Promise<T>, timeoutMs = 30_000, staleMs = 60_000): Promise<T> {
  return holdLockFile(path, fn, {
    waitMs: timeoutMs, staleMs,
    busy: () => new SignetError('IO', `${path} is held by another writer for more than ${Math.round(timeoutMs / 1000)} s; if no other Signet is running, delete it.`, { path }),
    failed: (e) => ioError(path, e, 'write'),
  });
}
