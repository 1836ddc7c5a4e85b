// A throwaway OCI registry (Debian docker-registry = distribution 2.8.2) for integration tests,
// with no auth, htpasswd (Basic) auth, or token (Bearer) auth backed by a local token server.
//
//   const reg = await startRegistry({ auth: 'token' });
//   after(() => reg.stop());
//
// Binds 127.0.0.1 and a free port unless told otherwise. Valid credentials are alice / s3cret.
// Everything it starts is killed at process exit even if stop() is never called.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { registerChild, stopChild, unregisterDir } from './cleanup.js';
import { makeTempDir } from './tmp.js';

const execFileP = promisify(execFile);

export type AuthMode = 'none' | 'htpasswd' | 'token';

export interface TestRegistry {
  /** '127.0.0.1:PORT' */
  host: string;
  port: number;
  auth: AuthMode;
  /** Valid credentials for htpasswd/token ('alice' / 's3cret'); set for 'none' too but unused. */
  username: string;
  password: string;
  /** Its temp dir (config.yml, data/, registry.log, token files). */
  dir: string;
  /** 'http://127.0.0.1:PORT' */
  url: string;
  /** Kills the registry (and token server) and removes dir. Safe to call twice. */
  stop(): Promise<void>;
  // ---- extras beyond the contract ----
  /** Token mode only: the realm, e.g. 'http://127.0.0.1:TPORT/token'. */
  tokenUrl?: string;
  /** Token mode only: the `service` the registry expects (JWT aud). */
  tokenService?: string;
  /** The registry's log so far (for debugging failed tests). */
  readLog(): Promise<string>;
  /** Token mode only: the requests the token server has answered, oldest first. */
  readTokenRequests(): Promise<Array<{ method: string; url: string; user?: string; status: number; time: number }>>;
}

export interface StartRegistryOptions {
  auth?: AuthMode;
  /** Fixed port (e.g. 5055, the port named in the fixtures' identities). Default 0 = a free port. */
  port?: number;
  /** Default '127.0.0.1'. */
  bindHost?: string;
  /** With a fixed port that is busy (another test file holds it), keep retrying this long. Default 20000 ms. */
  portWaitMs?: number;
  /**
   * The most repositories one catalog page may hold (distribution's catalog.maxentries, default
   * 1000). A small value makes /v2/_catalog paginate, and refuse a larger `n` with 400.
   */
  catalogMaxEntries?: number;
}

const USERNAME = 'alice';
const PASSWORD = 's3cret';
const TOKEN_SERVICE = 'signet-test-registry';
const TOKEN_ISSUER = 'signet-test-issuer';
const helpersDir = dirname(fileURLToPath(import.meta.url));

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// One EC P-256 key + self-signed cert per test process, shared by all token-mode registries.
let tokenKeyPair: Promise<{ key: string; cert: string }> | undefined;
function getTokenKeyPair(): Promise<{ key: string; cert: string }> {
  tokenKeyPair ??= (async () => {
    const dir = await makeTempDir('signet-token-key-');
    const key = join(dir, 'token.key');
    const cert = join(dir, 'token.crt');
    await execFileP('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', key, '-out', cert, '-days', '3650', '-subj', '/CN=signet-test-registry-token']);
    return { key, cert };
  })();
  return tokenKeyPair;
}

async function startTokenServer(dir: string, bindHost: string): Promise<{ child: ChildProcess; url: string }> {
  const { key, cert } = await getTokenKeyPair();
  const child = spawn(process.execPath,
    [join(helpersDir, 'token-server.js'), key, cert, '0', bindHost, TOKEN_ISSUER, join(dir, 'token-requests.log')],
    { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, USERS: `${USERNAME}:${PASSWORD}` } });
  registerChild(child);
  let out = '';
  let err = '';
  try {
    const hostPort = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`token server did not start in 10 s: ${out}${err}`)), 10_000);
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /token server on (\S+)/.exec(out);
        if (m) { clearTimeout(timer); resolve(m[1]!); }
      });
      child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
      child.once('error', (e) => { clearTimeout(timer); reject(e); });
      child.once('exit', (code, sig) => { clearTimeout(timer); reject(new Error(`token server exited (${code ?? sig}): ${err}`)); });
    });
    // Do not let these pipes keep the test process alive.
    for (const s of [child.stdin, child.stdout, child.stderr]) (s as unknown as { unref?: () => void } | null)?.unref?.();
    child.unref();
    return { child, url: `http://${hostPort}/token` };
  } catch (e) {
    await stopChild(child);
    throw e;
  }
}

function registryConfig(dir: string, auth: AuthMode, addr: string, tokenUrl: string | undefined, certPath: string | undefined, catalogMaxEntries: number | undefined): unknown {
  const config: Record<string, unknown> = {
    version: '0.1',
    log: { level: 'info', formatter: 'text', accesslog: { disabled: false } },
    storage: {
      filesystem: { rootdirectory: join(dir, 'data') },
      delete: { enabled: true },
      maintenance: { uploadpurging: { enabled: false } },
    },
    http: { addr, secret: 'not-a-secret' },
  };
  if (catalogMaxEntries !== undefined) config.catalog = { maxentries: catalogMaxEntries };
  if (auth === 'htpasswd') config.auth = { htpasswd: { realm: 'test-realm', path: join(dir, 'htpasswd') } };
  if (auth === 'token') {
    config.auth = { token: { realm: tokenUrl, service: TOKEN_SERVICE, issuer: TOKEN_ISSUER, rootcertbundle: certPath } };
  }
  return config;
}

/** Start `docker-registry serve config.yml`; resolves with the bound port, or rejects (with the log) if it exits first. */
async function spawnRegistry(configPath: string, logPath: string): Promise<{ child: ChildProcess; port: number }> {
  const fd = openSync(logPath, 'w'); // fresh log per attempt
  let child: ChildProcess;
  try {
    child = spawn('docker-registry', ['serve', configPath], { stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
  registerChild(child);
  child.unref();
  let exited: string | undefined;
  let spawnError: Error | undefined;
  child.once('exit', (code, sig) => { exited = `exit ${code ?? sig}`; });
  child.once('error', (e) => { spawnError = e; });
  const deadline = Date.now() + 10_000;
  for (;;) {
    let log = '';
    try { log = readFileSync(logPath, 'utf8'); } catch { /* not yet */ }
    const m = /listening on [^\s"]*?:(\d+)/.exec(log);
    if (m) return { child, port: Number(m[1]) };
    if (spawnError) throw new Error(`cannot run docker-registry: ${spawnError.message}`);
    if (exited) throw Object.assign(new Error(`docker-registry ${exited} before listening:\n${log}`), { registryLog: log });
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`docker-registry did not listen within 10 s:\n${log}`);
    }
    await sleep(15);
  }
}

export async function startRegistry(opts: StartRegistryOptions = {}): Promise<TestRegistry> {
  const auth = opts.auth ?? 'none';
  const bindHost = opts.bindHost ?? '127.0.0.1';
  const wantPort = opts.port ?? 0;
  const dir = await makeTempDir(`signet-registry-${auth}-`);
  const children: ChildProcess[] = [];
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await Promise.all(children.map((c) => stopChild(c)));
    await rm(dir, { recursive: true, force: true });
    unregisterDir(dir);
  };

  try {
    let tokenUrl: string | undefined;
    let certPath: string | undefined;
    if (auth === 'htpasswd') {
      const { stdout } = await execFileP('htpasswd', ['-Bbn', USERNAME, PASSWORD]);
      await writeFile(join(dir, 'htpasswd'), stdout);
    } else if (auth === 'token') {
      certPath = (await getTokenKeyPair()).cert;
      const ts = await startTokenServer(dir, bindHost);
      children.push(ts.child);
      tokenUrl = ts.url;
    }
    const configPath = join(dir, 'config.yml');
    const logPath = join(dir, 'registry.log');
    // JSON is valid YAML; it spares us quoting paths.
    await writeFile(configPath, JSON.stringify(registryConfig(dir, auth, `${bindHost}:${wantPort}`, tokenUrl, certPath, opts.catalogMaxEntries), null, 2));

    const deadline = Date.now() + (opts.portWaitMs ?? 20_000);
    let started: { child: ChildProcess; port: number };
    for (;;) {
      try {
        started = await spawnRegistry(configPath, logPath);
        break;
      } catch (e) {
        const log = (e as { registryLog?: string }).registryLog ?? '';
        if (wantPort !== 0 && /address already in use/.test(log) && Date.now() < deadline) {
          await sleep(200);
          continue;
        }
        throw e;
      }
    }
    children.push(started.child);
    const host = `${bindHost}:${started.port}`;
    const reg: TestRegistry = {
      host, port: started.port, auth, username: USERNAME, password: PASSWORD, dir, url: `http://${host}`, stop,
      readLog: () => readFile(logPath, 'utf8').catch(() => ''),
      readTokenRequests: async () => {
        const text = await readFile(join(dir, 'token-requests.log'), 'utf8').catch(() => '');
        return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { method: string; url: string; user?: string; status: number; time: number });
      },
    };
    if (tokenUrl) { reg.tokenUrl = tokenUrl; reg.tokenService = TOKEN_SERVICE; }
    return reg;
  } catch (e) {
    await stop();
    throw e;
  }
}
