/**
 * Which trusted root Signet uses, and installing a new one. In order:
 *  1. a file named for one command (`--trusted-root FILE`);
 *  2. the root installed in the data dir by `signet trust root update` (`sigstore/trusted_root.json`,
 *     with `trusted_root.origin.json` saying where it came from and when);
 *  3. the public-good snapshot shipped with Signet.
 * Reading never touches the network; only `signet trust root update` does (trusted-root-update.ts).
 */
import { rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SignetError } from '../../errors.js';
import { corruptAsidePath, withFileLock, writeFileAtomic, writeJsonAtomic } from '../../data-dir.js';
import { readSmallFile } from '../../sources/files.js';
import { PUBLIC_GOOD_SNAPSHOT } from './public-good-snapshot.js';
import { parseTrustedRoot, TRUSTED_ROOT_MAX_BYTES, type LoadedTrustedRoot } from './trusted-root.js';

export interface TrustedRootPaths {
  dir: string;
  root: string;
  origin: string;
  /** The TUF client's cache (root.json, timestamp, snapshot, targets metadata). */
  tufCache: string;
}

export function trustedRootPaths(dataDir: string): TrustedRootPaths {
  const dir = join(dataDir, 'sigstore');
  return { dir, root: join(dir, 'trusted_root.json'), origin: join(dir, 'trusted_root.origin.json'), tufCache: join(dir, 'tuf') };
}

let shipped: LoadedTrustedRoot | undefined;

/** The snapshot shipped with Signet, parsed once per process. */
export function shippedTrustedRoot(): LoadedTrustedRoot {
  if (!shipped) {
    const loaded = parseTrustedRoot(PUBLIC_GOOD_SNAPSHOT.json, 'the trusted root shipped with Signet',
      { kind: 'shipped', source: PUBLIC_GOOD_SNAPSHOT.source, obtained: PUBLIC_GOOD_SNAPSHOT.obtained });
    if (loaded.sha256 !== PUBLIC_GOOD_SNAPSHOT.sha256) {
      throw new SignetError('TRUSTED_ROOT_INVALID', `The trusted root shipped with Signet has sha256 ${loaded.sha256}, not the ${PUBLIC_GOOD_SNAPSHOT.sha256} it was built with; reinstall Signet.`);
    }
    shipped = loaded;
  }
  return shipped;
}

/** Reads a trusted root file the user names (`--trusted-root FILE`, `update --from FILE`). */
export async function readTrustedRootFile(path: string): Promise<LoadedTrustedRoot> {
  const bytes = await readSmallFile(path, TRUSTED_ROOT_MAX_BYTES, 'a Sigstore trusted root');
  const modified = (await stat(path)).mtime.toISOString();
  return parseTrustedRoot(decodeUtf8(bytes, `The trusted root in ${path}`), `The trusted root in ${path}`, { kind: 'file', path, modified });
}

/** The trusted root to verify with: `file` if given, else the installed one, else the shipped snapshot. */
export async function loadTrustedRoot(options: { dataDir: string; file?: string | undefined }): Promise<LoadedTrustedRoot> {
  if (options.file !== undefined) return readTrustedRootFile(options.file);
  return (await readInstalledTrustedRoot(options.dataDir)) ?? shippedTrustedRoot();
}

interface OriginRecord { version: 1; source: string; obtained: string; sha256: string }

/**
 * The root installed by `signet trust root update`, or undefined when none is. One that no longer
 * parses is moved aside and reported (DATA_CORRUPT), as every data file is: falling back to the
 * shipped snapshot silently would verify against a root the user replaced on purpose.
 */
export async function readInstalledTrustedRoot(dataDir: string): Promise<LoadedTrustedRoot | undefined> {
  const paths = trustedRootPaths(dataDir);
  try {
    await stat(paths.root);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SignetError('IO', `Could not read ${paths.root} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
  }
  const bytes = await readSmallFile(paths.root, TRUSTED_ROOT_MAX_BYTES, 'the installed Sigstore trusted root');
  const origin = await readOriginRecord(paths.origin);
  try {
    const what = `The trusted root installed in ${paths.root}`;
    const text = decodeUtf8(bytes, what);
    const loaded = parseTrustedRoot(text, what, { kind: 'installed', path: paths.root, source: 'unknown (no record of where it came from)', obtained: undefined });
    if (origin && origin.sha256 === loaded.sha256) loaded.origin = { kind: 'installed', path: paths.root, source: origin.source, obtained: origin.obtained };
    return loaded;
  } catch (e) {
    if (!(e instanceof SignetError) || e.code !== 'TRUSTED_ROOT_INVALID') throw e;
    const aside = await corruptAsidePath(paths.root);
    await rename(paths.root, aside).catch(() => undefined);
    throw new SignetError('DATA_CORRUPT', `${e.message} It was moved aside to ${aside}; run signet trust root update to install a good one (or remove the file to use the snapshot shipped with Signet).`, { path: paths.root, movedTo: aside });
  }
}

async function readOriginRecord(path: string): Promise<OriginRecord | undefined> {
  try {
    const doc = JSON.parse((await readSmallFile(path, 64 * 1024, 'the record of where the trusted root came from')).toString('utf8')) as Partial<OriginRecord>;
    if (doc.version === 1 && typeof doc.source === 'string' && typeof doc.obtained === 'string' && typeof doc.sha256 === 'string') return doc as OriginRecord;
  } catch { /* no record, or a damaged one: the root is still shown, its origin as unknown */ }
  return undefined;
}

export interface InstallResult {
  installed: LoadedTrustedRoot;
  /** sha256 of the root that was in use before (installed or shipped). */
  previousSha256: string;
  changed: boolean;
}

/**
 * Validates `text` and makes it the data dir's trusted root (atomic replace, under a lock), with a
 * record of `source` and the time. Nothing is written when it does not validate.
 */
export async function installTrustedRoot(dataDir: string, text: string, source: string, now = new Date()): Promise<InstallResult> {
  const paths = trustedRootPaths(dataDir);
  const obtained = now.toISOString();
  const installed = parseTrustedRoot(text, `The trusted root from ${source}`, { kind: 'installed', path: paths.root, source, obtained });
  return withFileLock(paths.root, async () => {
    const previous = await readInstalledTrustedRoot(dataDir).catch(() => undefined) ?? shippedTrustedRoot();
    // The record first: a crash between the two writes leaves a record naming a sha256 that the
    // old root does not have, which reads as "origin unknown", never as the wrong origin.
    await writeJsonAtomic(paths.origin, { version: 1, source, obtained, sha256: installed.sha256 } satisfies OriginRecord, 0o644);
    await writeFileAtomic(paths.root, text, 0o644);
    return { installed, previousSha256: previous.sha256, changed: previous.sha256 !== installed.sha256 };
  });
}

function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new SignetError('TRUSTED_ROOT_INVALID', `${what} is not a usable Sigstore trusted root: it is not UTF-8 text.`);
  }
}
