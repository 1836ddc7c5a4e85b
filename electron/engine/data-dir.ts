/**
 * The user data dir (design §6): `$SIGNET_HOME`, else `$XDG_CONFIG_HOME/signet`, else
 * `~/.config/signet`. Holds keys.json (metadata only), trust.json and audit.log.
 *
 * Every JSON file is written atomically (temp file + fsync + rename + fsync of the dir), so a
 * crash leaves the old or the new file, never half of one. A file that does not parse is
 * reported and moved aside as `<name>.corrupt-<time>`; it is never silently replaced.
 */
import { access, mkdir, readFile, rename, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { SignetError } from './errors.js';
import { holdLockFile, processIsAlive, writeAtomically } from './atomic-files.js';

export function resolveDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SIGNET_HOME) return env.SIGNET_HOME;
  const config = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(config, 'signet');
}

export async function ensureDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw ioError(`create the data directory ${dir}`, e);
  }
}

/** Writes `data` (text as UTF-8, or bytes as they are) to `path` atomically, with `mode` (default owner-only). */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  await ensureDir(dirname(path));
  try {
    await writeAtomically(path, data, mode);
  } catch (e) {
    throw ioError(`write ${path}`, e);
  }
}

export async function writeJsonAtomic(path: string, value: unknown, mode = 0o600): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, mode);
}

/**
 * Reads a JSON file through `parse` (which throws a plain Error naming what is wrong).
 * A missing file gives `empty`. A file that is not JSON, or that `parse` rejects, is moved aside
 * and reported with DATA_CORRUPT: the caller never works from a guess.
 */
export async function readJsonFile<T>(path: string, parse: (doc: unknown) => T, empty: () => T): Promise<T> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return empty();
    throw ioError(`read ${path}`, e);
  }
  let problem: string;
  try {
    return parse(JSON.parse(text));
  } catch (e) {
    problem = e instanceof SyntaxError ? 'it is not valid JSON' : (e as Error).message;
  }
  const aside = await corruptAsidePath(path);
  try {
    await rename(path, aside);
  } catch (e) {
    throw new SignetError('DATA_CORRUPT', `${path} is corrupt (${problem}) and could not be moved aside (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); fix or remove it.`, { path });
  }
  throw new SignetError('DATA_CORRUPT', `${path} was corrupt (${problem}). It was moved aside to ${aside}; restore it from a backup or fix it by hand, then try again.`, { path, movedTo: aside });
}

/**
 * Where a damaged data file is kept: `<name>.corrupt-<time>` beside it (the time makes the name
 * sortable and tells the user when it happened), with `-2`, `-3` … when that name is taken, so an
 * earlier damaged copy is never overwritten.
 */
export async function corruptAsidePath(path: string, now = new Date()): Promise<string> {
  const base = `${path}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    try {
      await access(candidate);
    } catch {
      return candidate;
    }
  }
}

/** Small validators for the parse functions of the data files. */
export function expectObject(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`${what} is not a JSON object`);
  return v as Record<string, unknown>;
}

export function expectString(o: Record<string, unknown>, field: string, what: string): string {
  const v = o[field];
  if (typeof v !== 'string' || v === '') throw new Error(`${what} has no "${field}" string`);
  return v;
}

export function optionalString(o: Record<string, unknown>, field: string, what: string): string | undefined {
  const v = o[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new Error(`${what} has a "${field}" that is not a string`);
  return v;
}

/** `{"version": N, "keys": [...]}`, the shape of keys.json and trust.json. */
export function parseVersionedKeys<T>(doc: unknown, version: number, parseEntry: (v: unknown, i: number) => T): T[] {
  const root = expectObject(doc, 'the file');
  if (root['version'] !== version) throw new Error(`its version is ${JSON.stringify(root['version'])}, not ${version}`);
  const keys = root['keys'];
  if (!Array.isArray(keys)) throw new Error('it has no "keys" list');
  return keys.map(parseEntry);
}

export function ioError(action: string, e: unknown): SignetError {
  const code = (e as NodeJS.ErrnoException).code;
  return new SignetError('IO', `Could not ${action} (${code ?? (e as Error).message}).`, {}, { cause: e });
}

const LOCK_STALE_MS = 30_000;
const LOCK_WAIT_MS = 10_000;

/**
 * Runs `fn` holding `<path>.lock` (created with O_EXCL), so two signet processes that change the
 * same file (two `trust add` at once) do not lose one another's change. A lock older than 30 s
 * is left over from a crash and is taken over.
 */
export async function withFileLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${path}.lock`;
  await ensureDir(dirname(path));
  return holdLockFile(lock, fn, {
    waitMs: LOCK_WAIT_MS, staleMs: LOCK_STALE_MS,
    busy: () => new SignetError('IO', `${path} is locked by another signet process (${lock}); try again, or remove the lock file if no signet is running.`),
    failed: (e) => ioError(`lock ${path}`, e),
  });
}

/**
 * Waits while another process holds `<path>.lock` (see withFileLock), for at most `maxMs`.
 * Returns early when the holder has died (kill -9 leaves its lock behind; the lock file holds
 * its pid, and the data dir is one user's on one machine) or the lock is stale.
 */
export async function waitForFileUnlock(path: string, maxMs = LOCK_WAIT_MS): Promise<boolean> {
  const lock = `${path}.lock`;
  const started = Date.now();
  while (Date.now() - started < maxMs) {
    const st = await stat(lock).catch(() => undefined);
    if (!st || Date.now() - st.mtimeMs > LOCK_STALE_MS) return true;
    const pid = Number((await readFile(lock, 'utf8').catch(() => '')).trim());
    if (Number.isSafeInteger(pid) && pid > 0 && !processIsAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 10 + Math.random() * 20));
  }
  return false; // still held by a live process: the caller must not act as if it were free
}


/**
 * Names of keys and trusted keys: what people type on the command line, so printable, no
 * leading/trailing space, at most 64 characters.
 */
export function checkName(name: string, what: string): string {
  // eslint-disable-next-line no-control-regex
  if (name.length === 0 || name.length > 64 || name !== name.trim() || /[\u0000-\u001f\u007f]/.test(name)) {
    throw new SignetError('USAGE', `"${name}" cannot be the name of a ${what}: use 1 to 64 printable characters, without leading or trailing spaces.`);
  }
  if (/^SHA256:/i.test(name)) throw new SignetError('USAGE', `A ${what}'s name cannot start with "SHA256:" (that is how fingerprints are written).`);
  return name;
}
