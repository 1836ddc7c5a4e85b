import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { SignetError, isSignetError } from '../errors.js';
import { CredentialsNotFound, helperProgram, runCredentialHelper } from './cred-helper.js';

/**
 * Registry credentials, found where podman and docker keep them, in the order they look:
 * ${REGISTRY_AUTH_FILE}, ${XDG_RUNTIME_DIR}/containers/auth.json, ~/.config/containers/auth.json,
 * then $DOCKER_CONFIG/config.json or ~/.docker/config.json. In each file: credHelpers[registry],
 * then auths[registry], then credsStore. The first file that yields a credential wins.
 */
export interface Credential {
  username?: string;
  password?: string;
  /** An OAuth2 refresh token (docker "identitytoken"), exchanged at the token realm. */
  identityToken?: string;
  /** A bearer token to send to the registry as it is (docker "registrytoken"). */
  registryToken?: string;
  /** Where it came from, for --debug and error messages; never the secret. */
  source: string;
}

export interface CredentialOptions {
  dockerConfigPath?: string;
  authJsonPaths?: string[];
  env?: NodeJS.ProcessEnv;
  runHelper?: (name: string, serverUrl: string) => Promise<string>;
}

const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

export async function resolveCredential(registry: string, opts: CredentialOptions = {}): Promise<Credential | null> {
  const env = opts.env ?? process.env;
  const target = canonicalHost(registry);
  const run = opts.runHelper ?? ((name: string, url: string) => runCredentialHelper(name, url, env));
  for (const file of configFiles(opts, env)) {
    const cfg = await readConfig(file);
    if (cfg === null) continue;
    const cred = await fromConfig(cfg, file, target, run);
    if (cred !== null) return cred;
  }
  return null;
}

/** The files to search, in order (missing ones are skipped). */
export function configFiles(opts: CredentialOptions, env: NodeJS.ProcessEnv): string[] {
  const home = env.HOME ?? homedir();
  const authJson = opts.authJsonPaths ?? [
    ...(env.REGISTRY_AUTH_FILE ? [env.REGISTRY_AUTH_FILE] : []),
    ...(env.XDG_RUNTIME_DIR ? [join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json')] : []),
    join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'containers', 'auth.json'),
  ];
  const docker = opts.dockerConfigPath ?? join(env.DOCKER_CONFIG ?? join(home, '.docker'), 'config.json');
  return [...authJson, docker];
}

interface ConfigFile {
  auths: Record<string, Record<string, unknown>>;
  credHelpers: Record<string, string>;
  credsStore?: string;
}

async function readConfig(file: string): Promise<ConfigFile | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw new SignetError('CREDENTIALS_ERROR', `The credentials file ${file} could not be read (${code ?? String(e)}).`, { file });
  }
  const bad = (why: string): never => {
    throw new SignetError('CREDENTIALS_ERROR', `The credentials file ${file} is malformed: ${why}. Fix or remove it, or log in again.`, { file });
  };
  if (text.trim() === '') return { auths: {}, credHelpers: {} }; // docker treats an empty file as no config
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    // JSON.parse messages quote the input near the error; keep only the position to avoid echoing secrets.
    const where = /position \d+/.exec(String((e as Error).message))?.[0];
    bad(`it is not valid JSON${where ? ` (${where})` : ''}`);
  }
  if (!isObject(json)) return bad('the top level is not a JSON object');
  const auths = json.auths ?? {};
  if (!isObject(auths)) return bad('"auths" is not an object');
  for (const [k, v] of Object.entries(auths)) if (!isObject(v)) bad(`auths["${k}"] is not an object`);
  const credHelpers = json.credHelpers ?? {};
  if (!isObject(credHelpers)) return bad('"credHelpers" is not an object');
  for (const [k, v] of Object.entries(credHelpers)) if (typeof v !== 'string') bad(`credHelpers["${k}"] is not a string`);
  const credsStore = json.credsStore;
  if (credsStore !== undefined && typeof credsStore !== 'string') bad('"credsStore" is not a string');
  return {
    auths: auths as Record<string, Record<string, unknown>>,
    credHelpers: credHelpers as Record<string, string>,
    ...(typeof credsStore === 'string' && credsStore !== '' ? { credsStore } : {}),
  };
}

type Runner = (name: string, serverUrl: string) => Promise<string>;

async function fromConfig(cfg: ConfigFile, file: string, registry: string, run: Runner): Promise<Credential | null> {
  const helper = lookup(cfg.credHelpers, registry);
  if (helper !== undefined && helper[1] !== '') return fromHelper(helper[1], registry, run, `credHelpers in ${file}`);
  const entry = lookup(cfg.auths, registry);
  if (entry !== undefined) {
    const cred = fromEntry(entry[1], file, entry[0]);
    if (cred !== null) return cred;
  }
  if (cfg.credsStore !== undefined) return fromHelper(cfg.credsStore, registry, run, `credsStore in ${file}`);
  return null;
}

/** Finds the key for `registry`: an exact key first, then keys normalised as docker does. */
function lookup<T>(map: Record<string, T>, registry: string): [string, T] | undefined {
  const exact = registry === 'docker.io' ? [DOCKER_HUB_KEY, 'docker.io', 'index.docker.io', 'registry-1.docker.io'] : [registry];
  for (const k of exact) if (Object.hasOwn(map, k)) return [k, map[k] as T];
  for (const [k, v] of Object.entries(map)) if (normaliseKey(k) === registry) return [k, v];
  return undefined;
}

/** 'https://host/v1/', 'http://host', 'HOST' -> 'host'; a podman per-repository key ('host/ns/repo') -> null. */
export function normaliseKey(key: string): string | null {
  let k = key.trim();
  const scheme = /^https?:\/\//i.exec(k);
  if (scheme) k = k.slice(scheme[0].length);
  const slash = k.indexOf('/');
  const host = slash >= 0 ? k.slice(0, slash) : k;
  const rest = slash >= 0 ? k.slice(slash) : '';
  if (!scheme && rest !== '' && !/^\/v[12]\/?$/.test(rest)) return null;
  return host === '' ? null : canonicalHost(host);
}

function canonicalHost(host: string): string {
  const h = host.toLowerCase();
  return DOCKER_HUB_ALIASES.has(h) ? 'docker.io' : h;
}

function fromEntry(entry: Record<string, unknown>, file: string, key: string): Credential | null {
  const source = `${file} (auths)`;
  const bad = (why: string): never => {
    throw new SignetError('CREDENTIALS_ERROR', `The credentials file ${file} is malformed: auths["${key}"]${why.startsWith('.') ? '' : ' '}${why}.`, { file });
  };
  let username: string | undefined;
  let password: string | undefined;
  if (entry.auth !== undefined && entry.auth !== '') {
    if (typeof entry.auth !== 'string') bad('.auth is not a string');
    const b64 = (entry.auth as string).trim();
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 === 1) bad('.auth is not base64');
    const plain = Buffer.from(b64, 'base64').toString('utf8');
    const colon = plain.indexOf(':');
    if (colon < 0) bad('.auth does not decode to "username:password"');
    username = plain.slice(0, colon);
    password = plain.slice(colon + 1);
  } else if (typeof entry.username === 'string' && typeof entry.password === 'string') {
    username = entry.username;
    password = entry.password;
  }
  const identityToken = nonEmpty(entry.identitytoken, '.identitytoken', bad);
  const registryToken = nonEmpty(entry.registrytoken, '.registrytoken', bad);
  if (identityToken !== undefined) return { ...(username ? { username } : {}), identityToken, source };
  if (registryToken !== undefined) return { registryToken, source };
  if (username !== undefined && (username !== '' || password !== '')) return { username, password: password ?? '', source };
  return null; // an empty marker entry, as docker writes when a credsStore holds the secret
}

function nonEmpty(v: unknown, field: string, bad: (why: string) => never): string | undefined {
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string') bad(`${field} is not a string`);
  return v as string;
}

async function fromHelper(name: string, registry: string, run: Runner, where: string): Promise<Credential | null> {
  const program = helperProgram(name);
  const serverUrl = registry === 'docker.io' ? DOCKER_HUB_KEY : registry;
  const source = `${program} (${where})`;
  let out: string;
  try {
    out = await run(name, serverUrl);
  } catch (e) {
    if (e instanceof CredentialsNotFound || /credentials not found/i.test(String((e as Error)?.message))) return null;
    if (isSignetError(e)) throw e;
    throw new SignetError('CREDENTIALS_ERROR', `The credential helper ${program} failed for ${serverUrl}: ${(e as Error)?.message ?? String(e)}`, { helper: name });
  }
  let json: unknown;
  try {
    json = JSON.parse(out);
  } catch {
    json = undefined;
  }
  if (!isObject(json) || typeof json.Secret !== 'string' || (json.Username !== undefined && typeof json.Username !== 'string')) {
    throw new SignetError('CREDENTIALS_ERROR', `The credential helper ${program} printed something other than {"Username": ..., "Secret": ...} for ${serverUrl}.`, { helper: name });
  }
  const username = (json.Username as string | undefined) ?? '';
  const secret = json.Secret;
  if (username === '' && secret === '') return null;
  // docker's convention: Username "<token>" means Secret is an identity (refresh) token.
  if (username === '<token>') return { identityToken: secret, source };
  return { username, password: secret, source };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
