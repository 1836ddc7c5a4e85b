// Thin async wrappers around skopeo 1.9.3 (Debian) for test setup and cross-checks.
// Async on purpose: the token server and fault proxies may live in this process.
import { spawn } from 'node:child_process';

export interface SkopeoResult { stdout: string; stderr: string }

/** Run skopeo with these args; rejects with stderr on a non-zero exit or after timeoutMs (default 60 s). */
export function runSkopeo(args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<SkopeoResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('skopeo', args, { stdio: ['ignore', 'pipe', 'pipe'], env: opts.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`skopeo ${args.join(' ')} timed out after ${opts.timeoutMs ?? 60_000} ms\n${stderr}`));
    }, opts.timeoutMs ?? 60_000);
    child.once('error', (e) => { clearTimeout(timer); reject(e); });
    child.once('close', (code, sig) => {
      clearTimeout(timer);
      if (code === 0) resolve({ stdout, stderr });
      else reject(Object.assign(new Error(`skopeo ${args.join(' ')} failed (${code ?? sig}):\n${stderr.trim()}`), { stdout, stderr, code }));
    });
  });
}

const isDocker = (ref: string): boolean => ref.startsWith('docker://');

/**
 * skopeo copy SRC DEST. Adds --src-tls-verify=false / --dest-tls-verify=false for docker:// refs,
 * and the global --insecure-policy unless extraArgs names a --policy. Creds are 'user:password'.
 * Throws with skopeo's stderr on failure.
 */
export async function skopeoCopy(src: string, dest: string, opts: { srcCreds?: string; destCreds?: string; extraArgs?: string[] } = {}): Promise<void> {
  const extra = opts.extraArgs ?? [];
  const global = extra.some((a) => a === '--policy' || a.startsWith('--policy=')) ? [] : ['--insecure-policy'];
  const args = [...global, 'copy'];
  if (isDocker(src)) args.push('--src-tls-verify=false');
  if (isDocker(dest)) args.push('--dest-tls-verify=false');
  if (opts.srcCreds) args.push('--src-creds', opts.srcCreds);
  if (opts.destCreds) args.push('--dest-creds', opts.destCreds);
  args.push(...extra, src, dest);
  await runSkopeo(args);
}

/** skopeo inspect REF (parsed JSON). With raw: the manifest exactly as stored, parsed. */
export async function skopeoInspect(ref: string, opts: { creds?: string; raw?: boolean } = {}): Promise<any> {
  const args = ['inspect'];
  if (isDocker(ref)) args.push('--tls-verify=false');
  if (opts.creds) args.push('--creds', opts.creds);
  if (opts.raw) args.push('--raw');
  args.push(ref);
  const { stdout } = await runSkopeo(args);
  return JSON.parse(stdout);
}
