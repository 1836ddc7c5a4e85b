// Runs the real `signet` CLI as a separate process, as a pipeline would.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './paths.js';
import { registerDir } from './cleanup.js';
import { makeTempDir } from './tmp.js';

export interface CliResult { code: number; stdout: string; stderr: string }

export const CLI = join(repoRoot, 'dist', 'electron', 'cli', 'main.js');

/** `cwd`: the working directory of the CLI (default: this process's), for what it finds there. */
export function runSignet(args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, DOCKER_CONFIG: emptyDockerConfig(), REGISTRY_AUTH_FILE: '/nonexistent/auth.json', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`signet ${args.join(' ')} timed out\n${stderr}`)); }, opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code: code ?? -1, stdout, stderr }); });
  });
}

let empty: string | undefined;
function emptyDockerConfig(): string {
  if (!empty) {
    empty = mkdtempSync(join(tmpdir(), 'signet-dockercfg-'));
    registerDir(empty);
    writeFileSync(join(empty, 'config.json'), '{}');
  }
  return empty;
}

/** A DOCKER_CONFIG directory whose config.json holds these registries' credentials, as `docker login` writes them. */
export function dockerConfigWith(entries: Array<{ host: string; username: string; password: string }>): string {
  const dir = mkdtempSync(join(tmpdir(), 'signet-dockercfg-'));
  registerDir(dir);
  const auths: Record<string, { auth: string }> = {};
  for (const e of entries) auths[e.host] = { auth: Buffer.from(`${e.username}:${e.password}`).toString('base64') };
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths }));
  return dir;
}

export function jsonLines(stdout: string): any[] {
  return stdout.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l));
}

/** A temp dir with its own SIGNET_HOME and a cosign key pair `<dir>/k.key`, `k.pub` made by the CLI (password in env). */
export async function cliKeyWorkspace(alg: 'ecdsa-p256' | 'ed25519' = 'ecdsa-p256'): Promise<{ dir: string; env: NodeJS.ProcessEnv; key: string }> {
  const dir = await makeTempDir();
  const env = { COSIGN_PASSWORD: 'pw', SIGNET_HOME: join(dir, 'home') };
  const key = join(dir, 'k');
  const r = await runSignet(['keys', 'generate-file', key, '--alg', alg], { env });
  if (r.code !== 0) throw new Error(`keys generate-file failed: ${r.stderr}`);
  return { dir, env, key };
}
