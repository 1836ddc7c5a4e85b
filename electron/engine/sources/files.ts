import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { SignetError } from '../errors.js';
import { holdLockFile, writeAtomically } from '../atomic-files.js';
import { DigestVerifier, verifyBytes, type Digest } from '../content/digest.js';

/** Helpers for sources that live in files: reads that name the file in every error. */

export function ioError(path: string, e: unknown, doing = 'read'): SignetError {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return new SignetError('IO', `${path} does not exist.`, { path });
  if (code === 'EACCES' || code === 'EPERM') return new SignetError('IO', `${path} could not be ${doing === 'read' ? 'read' : 'written'}: permission denied.`, { path });
  return new SignetError('IO', `${path} could not be ${doing === 'read' ? 'read' : 'written'} (${code ?? (e as Error)?.message ?? String(e)}).`, { path });
}

export async function readSmallFile(path: string, max: number, what: string): Promise<Buffer> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (e) {
    throw ioError(path, e);
  }
  if (size > max) throw new SignetError('SIZE_MISMATCH', `${path} (${what}) is ${size} bytes, more than the ${max} bytes Signet reads into memory for it.`, { path });
  try {
    return await readFile(path);
  } catch (e) {
    throw ioError(path, e);
  }
}

/** Reads a content-addressed file whole and checks it against its digest (and size). */
export async function readVerifiedFile(path: string, digest: Digest, size: number | undefined, max: number, what: string): Promise<Buffer> {
  const bytes = await readSmallFile(path, max, what);
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

/** Checks that a blob file exists with the declared size (cheap: no hashing). */
export async function checkBlobFile(path: string, digest: Digest, size: number | undefined, what: string): Promise<void> {
  let st;
  try {
    st = await stat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new SignetError('BLOB_UNKNOWN', `${what} ${digest} is missing: ${path} does not exist.`, { path, digest });
    }
    throw ioError(path, e);
  }
  if (!st.isFile()) throw new SignetError('BLOB_UNKNOWN', `${what} ${digest} is missing: ${path} is not a regular file.`, { path, digest });
  if (size !== undefined && st.size !== size) {
    throw new SignetError('SIZE_MISMATCH', `${path} (${what} ${digest}) is ${st.size} bytes, but its descriptor declares ${size}: it was truncated or altered.`, { path, digest });
  }
}

/** A file as a stream that fails at its end unless its bytes hash to `digest` (and are `size` long). */
export function verifiedFileStream(path: string, digest: Digest, size: number | undefined, what: string): Readable {
  const verifier = new DigestVerifier(digest, `${what} ${path}`, size);
  const src = createReadStream(path, { highWaterMark: 1 << 20 });
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
