import { spawn } from 'node:child_process';
import { SignetError } from '../errors.js';

/**
 * Runs `docker-credential-<name> get` the way the docker CLI does: the server URL on stdin,
 * JSON {ServerURL, Username, Secret} on stdout. Output is treated as secret: it never goes into
 * an error message. A helper that says "credentials not found" throws CredentialsNotFound so
 * the caller can treat it as "no credentials" rather than as a failure.
 */
export class CredentialsNotFound extends Error {}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const MAX_OUTPUT = 1 << 20;
const TIMEOUT_MS = 60_000; // helpers may wait on a keyring unlock prompt

export function helperProgram(name: string): string {
  // The name comes from a config file; refuse anything that could point at another program.
  if (!NAME_RE.test(name)) {
    throw new SignetError('CREDENTIALS_ERROR', `The credential helper name "${name.slice(0, 60)}" is not valid (expected letters, digits, ".", "_" or "-").`);
  }
  return `docker-credential-${name}`;
}

export function runCredentialHelper(name: string, serverUrl: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const program = helperProgram(name);
  return new Promise((resolve, reject) => {
    const child = spawn(program, ['get'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    // Our own timer rather than spawn's `timeout`, which is left pending when the spawn fails.
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, TIMEOUT_MS);
    timer.unref();
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    child.stdout.on('data', (b: Buffer) => {
      size += b.length;
      if (size <= MAX_OUTPUT) out.push(b);
    });
    child.stderr.on('data', (b: Buffer) => {
      if (err.length < 16) err.push(b);
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const why = e.code === 'ENOENT' ? `${program} was not found on PATH` : `${program} could not be started (${e.code ?? e.message})`;
      reject(new SignetError('CREDENTIALS_ERROR', `${why}; it is named as a credential helper in your docker configuration.`, { helper: name }));
    });
    child.stdin.on('error', () => {
      /* a helper that exits without reading stdin is judged by its exit code */
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      if (code === 0 && size <= MAX_OUTPUT) {
        resolve(stdout);
        return;
      }
      // docker-credential-helpers print "credentials not found in native keychain" on stdout.
      const said = `${stdout}\n${Buffer.concat(err).toString('utf8')}`;
      if (/credentials not found/i.test(said)) {
        reject(new CredentialsNotFound(`${program}: credentials not found`));
        return;
      }
      const how = timedOut ? `gave no answer within ${TIMEOUT_MS / 1000} s` : signal !== null ? `was stopped by ${signal}` : size > MAX_OUTPUT ? 'printed too much output' : `exited with status ${code}`;
      // stderr only (stdout may hold a secret), first line, trimmed: enough to say what went wrong.
      const firstLine = Buffer.concat(err).toString('utf8').split('\n').find((l) => l.trim() !== '')?.trim().replace(/[^\x20-\x7e]/g, '?').slice(0, 200);
      reject(new SignetError('CREDENTIALS_ERROR', `The credential helper ${program} ${how} when asked for ${serverUrl}${firstLine ? `: ${firstLine}` : ''}.`, { helper: name }));
    });
    child.stdin.end(serverUrl);
  });
}
