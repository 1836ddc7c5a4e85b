// Runs the real `signet` CLI in a child process and measures it: wall time and peak RSS. The peak
// comes from the child itself at exit (getrusage, through peak-rss-hook.ts); for a child killed at
// the time limit, from the last /proc/<pid>/status VmHWM read while it ran (Linux). For the hostile
// local-file tests and bench/hostile-local-files.ts.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CLI, type CliResult } from './cli.js';
import { PEAK_RSS_MARKER } from './peak-rss-marker.js';

export interface MeasuredRun extends CliResult {
  wallMs: number;
  /** Peak resident set size in bytes, when it could be read. */
  peakRssBytes: number | undefined;
  /** True when the child was killed at timeoutMs (a hang, or unbounded work). */
  timedOut: boolean;
}

const HOOK = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), 'peak-rss-hook.js')).href;

export function runSignetMeasured(args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<MeasuredRun> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, ['--import', HOOK, CLI, ...args], {
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let polledKb: number | undefined;
  let timedOut = false;
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  const poll = setInterval(() => { polledKb = vmHwmKb(child.pid) ?? polledKb; }, 100);
  const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, opts.timeoutMs ?? 60_000);
  return new Promise((resolve, reject) => {
    child.on('error', (e) => { clearInterval(poll); clearTimeout(timer); reject(e); });
    child.on('close', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      const at = stderr.lastIndexOf(`\n${PEAK_RSS_MARKER}`);
      let reportedKb: number | undefined;
      if (at >= 0) {
        reportedKb = Number.parseInt(stderr.slice(at + 1 + PEAK_RSS_MARKER.length), 10);
        stderr = stderr.slice(0, at);
      }
      const kb = reportedKb ?? polledKb;
      resolve({ code: code ?? -1, stdout, stderr, wallMs, peakRssBytes: kb === undefined ? undefined : kb * 1024, timedOut });
    });
  });
}

function vmHwmKb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}
