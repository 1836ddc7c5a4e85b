// A real OS keychain for integration tests: one private D-Bus session per call, kept alive for
// the whole test file, so every `signet` child process (given `session.env`) talks to the same
// gnome-keyring. Keyrings, caches and HOME are in a temp dir, so nothing touches the user's.
//
//   const kc = await startKeyringSession();            // 'unlocked' (default), 'locked', 'no-secret-service'
//   after(() => kc.stop());
//   await runSignet(['keys', 'generate', 'alice'], { env: kc.env });
//
// Modes:
//  - unlocked: gnome-keyring-daemon --unlock --components=secrets (creates login.keyring with a password);
//  - locked: gnome-keyring is auto-activated by D-Bus on first use but never unlocked (no prompt is possible);
//  - no-secret-service: a bus whose config names no service directories, so nothing provides org.freedesktop.secrets.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { registerChild, stopChild } from './cleanup.js';
import { makeTempDir } from './tmp.js';

export type KeyringMode = 'unlocked' | 'locked' | 'no-secret-service';

export interface KeyringSession {
  /** Environment for child processes: DBUS_SESSION_BUS_ADDRESS plus the isolated HOME/XDG dirs. */
  env: NodeJS.ProcessEnv;
  dir: string;
  stop(): Promise<void>;
}

/** Why keychain tests cannot run here, or null when they can. */
export function keychainToolsMissing(): string | null {
  for (const tool of ['dbus-run-session', 'gnome-keyring-daemon', 'secret-tool']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is not installed (apt: dbus, gnome-keyring, libsecret-tools)`;
  }
  return null;
}

const NO_SERVICES_CONFIG = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`;

export async function startKeyringSession(mode: KeyringMode = 'unlocked', password = 'keyring-test-pw'): Promise<KeyringSession> {
  const dir = await makeTempDir('signet-keyring-');
  const isolated = { HOME: join(dir, 'home'), XDG_DATA_HOME: join(dir, 'data'), XDG_CACHE_HOME: join(dir, 'cache'), XDG_CONFIG_HOME: join(dir, 'config'), XDG_RUNTIME_DIR: join(dir, 'run') };
  for (const d of Object.values(isolated)) await mkdir(d, { recursive: true, mode: 0o700 });
  const args: string[] = [];
  if (mode === 'no-secret-service') {
    await writeFile(join(dir, 'bus.conf'), NO_SERVICES_CONFIG);
    args.push('--config-file', join(dir, 'bus.conf'));
  }
  const unlock = mode === 'unlocked' ? 'eval "$(printf %s "$KEYRING_PW" | gnome-keyring-daemon --unlock --components=secrets)" >/dev/null || exit 3' : ':';
  // The session lives while this test process does: the loop ends when it is gone, and
  // dbus-run-session then stops the bus (gnome-keyring exits with it).
  const readyFile = join(dir, 'ready');
  const script = `${unlock}; echo "READY $$ $DBUS_SESSION_BUS_ADDRESS" > "$READY_FILE"; while kill -0 ${process.pid} 2>/dev/null; do sleep 0.3; done`;
  const { DBUS_SESSION_BUS_ADDRESS: _drop, DISPLAY: _noDisplay, ...base } = process.env;
  // Output goes to a file, not a pipe: the daemons the session starts inherit it, and an
  // inherited pipe would keep this test process alive after the session ended.
  const log = openSync(join(dir, 'session.log'), 'a');
  const child: ChildProcess = spawn('dbus-run-session', [...args, '--', 'bash', '-c', script], {
    env: { ...base, ...isolated, KEYRING_PW: password, READY_FILE: readyFile },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  registerChild(child);
  let exited: number | null | undefined;
  child.once('exit', (code) => { exited = code; });
  const started = Date.now();
  let ready: { pid: number; address: string } | undefined;
  while (!ready) {
    const m = /^READY (\d+) (\S+)$/m.exec(await readFile(readyFile, 'utf8').catch(() => ''));
    if (m) ready = { pid: Number(m[1]), address: m[2]! };
    else if (exited !== undefined || Date.now() - started > 10_000) {
      throw new Error(`the keyring session ${exited !== undefined ? `exited (${exited})` : 'did not start within 10 s'}\n${await readFile(join(dir, 'session.log'), 'utf8').catch(() => '')}`);
    } else await new Promise((r) => setTimeout(r, 20));
  }
  const env: NodeJS.ProcessEnv = { ...isolated, DBUS_SESSION_BUS_ADDRESS: ready.address };
  return {
    env,
    dir,
    async stop() {
      // Ask the bus who the daemons are first: once the session ends nothing can be asked.
      const pids = (await Promise.all(['org.freedesktop.secrets', 'org.freedesktop.DBus'].map((n) => busPid(ready!.address, n)))).filter((p): p is number => p !== null);
      try { process.kill(ready!.pid, 'SIGTERM'); } catch { /* already gone */ }
      // dbus-run-session stops its bus when its child ends; a SIGTERM to it would skip that.
      await Promise.race([new Promise((r) => (exited !== undefined ? r(undefined) : child.once('exit', r))), new Promise((r) => setTimeout(r, 3000))]);
      for (const pid of pids) { try { process.kill(pid, 'SIGTERM'); } catch { /* gone with the bus */ } }
      await stopChild(child, 1000);
    },
  };
}

/** The pid of the process owning a bus name, or null (no such name, or the bus is gone). */
function busPid(address: string, name: string): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn('dbus-send', ['--bus=' + address, '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.GetConnectionUnixProcessID', `string:${name}`], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.once('error', () => resolve(null));
    child.once('close', () => { const m = /uint32 (\d+)/.exec(out); resolve(m ? Number(m[1]) : null); });
  });
}

/** Runs secret-tool in the session (async: tests may have servers in this process). */
export function secretTool(session: KeyringSession, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('secret-tool', args, { env: { ...process.env, ...session.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
