// Process-exit cleanup for everything the helpers start: child processes (registries, token
// servers) and temp dirs. Three layers:
//  1. callers stop what they start (stop() / after()),
//  2. on 'exit' and on SIGINT/SIGTERM/SIGHUP this process kills what is still registered,
//  3. a tiny shell watchdog (one per test process) kills the registered pids and removes the
//     registered dirs if this process dies without running its exit handlers (SIGKILL).
// Set SIGNET_KEEP_TMP=1 to keep temp dirs for debugging.
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const children = new Set<ChildProcess>();
const dirs = new Set<string>();
let installed = false;
let stateFile: string | undefined;
let watchdog: ChildProcess | undefined;

function writeState(): void {
  if (!stateFile) return;
  const lines: string[] = [];
  for (const c of children) if (c.pid !== undefined && c.exitCode === null && c.signalCode === null) lines.push(`p ${c.pid}`);
  if (process.env.SIGNET_KEEP_TMP !== '1') for (const d of dirs) lines.push(`d ${d}`);
  try { writeFileSync(stateFile, lines.join('\n') + '\n'); } catch { /* best effort */ }
}

function startWatchdog(): void {
  const stateDir = mkdtempSync(join(tmpdir(), 'signet-watchdog-'));
  stateFile = join(stateDir, 'state');
  writeFileSync(stateFile, '');
  // Polls this process; once it is gone, kills the listed pids and removes the listed dirs.
  const script = `
    while kill -0 ${process.pid} 2>/dev/null; do sleep 0.5; done
    while read -r t v; do
      case "$t" in p) kill -9 "$v" 2>/dev/null ;; d) rm -rf -- "$v" ;; esac
    done < "$1"
    rm -rf -- "$2"`;
  watchdog = spawn('sh', ['-c', script, 'signet-watchdog', stateFile, stateDir], { stdio: 'ignore' });
  watchdog.on('error', () => { /* sh missing: layers 1 and 2 still apply */ });
  watchdog.unref();
}

function killAllSync(): void {
  for (const c of children) {
    try { c.kill('SIGKILL'); } catch { /* already gone */ }
  }
  children.clear();
  if (process.env.SIGNET_KEEP_TMP !== '1') {
    for (const d of dirs) {
      try { rmSync(d, { recursive: true, force: true }); } catch { /* best effort */ }
    }
  }
  dirs.clear();
  if (stateFile) {
    try { rmSync(join(stateFile, '..'), { recursive: true, force: true }); } catch { /* best effort */ }
    stateFile = undefined;
  }
  try { watchdog?.kill('SIGKILL'); } catch { /* gone */ }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAllSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      killAllSync();
      process.removeListener(sig, onSignal);
      // Re-raise so the default action (or other listeners) still apply.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
  startWatchdog();
}

/** Kill this child at process exit unless it has been stopped (and unregistered) by then. */
export function registerChild(child: ChildProcess): void {
  install();
  children.add(child);
  child.once('exit', () => { children.delete(child); writeState(); });
  writeState();
}

export function unregisterChild(child: ChildProcess): void {
  children.delete(child);
  writeState();
}

/** Remove this dir at process exit unless it has been removed (and unregistered) by then. */
export function registerDir(dir: string): void {
  install();
  dirs.add(dir);
  writeState();
}

export function unregisterDir(dir: string): void {
  dirs.delete(dir);
  writeState();
}

/** Send SIGTERM, wait up to `ms` for the exit, then SIGKILL. Resolves once the child is gone. */
export async function stopChild(child: ChildProcess, ms = 2000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) { unregisterChild(child); return; }
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => { try { child.kill('SIGKILL'); } catch { /* gone */ } }, ms);
    child.once('exit', () => { clearTimeout(timer); resolve(); });
    try { child.kill('SIGTERM'); } catch { clearTimeout(timer); resolve(); }
  });
  unregisterChild(child);
}
