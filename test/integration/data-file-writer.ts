// A child process for the data-file tests: writes one data file in a loop until killed.
//   node data-file-writer.js json FILE   — rewrites FILE with writeJsonAtomic, each version self-checking
//   node data-file-writer.js audit DIR   — appends entries to DIR/audit.log with AuditLog
//   node data-file-writer.js audit-huge DIR — appends 32 MiB entries to DIR/audit.log
//   node data-file-writer.js audit-n DIR N NAME — appends N entries (images NAME-0 … NAME-<N-1>)
//                                          as fast as it can, then prints how many it had to write
//                                          again because a recovery replaced the log, and exits
// JSON versions are tens of KiB, so a kill -9 often lands inside a write.
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { writeJsonAtomic } from '../../electron/engine/data-dir.js';
import { AuditLog } from '../../electron/engine/audit/audit-log.js';

const [mode, target, count, name] = process.argv.slice(2);
const HUGE_PAD = mode === 'audit-huge' ? 'z'.repeat(32 * 1024 * 1024) : '';
const pad = (n: number) => 'x'.repeat(20_000 + (n % 7) * 9_000);

export function checksum(gen: number, padding: string): string {
  return createHash('sha256').update(`${gen}:${padding}`).digest('hex');
}

async function appendMany(): Promise<void> {
  const log = new AuditLog(target!);
  let rewrites = 0;
  for (let i = 0; i < Number(count); i++) {
    rewrites += await log.append({ time: new Date().toISOString(), user: 'concurrency-test', outcome: 'signed', key: { name: 'k', fingerprint: 'SHA256:00', source: 'file' }, image: `${name}-${i}`, annotations: {} });
  }
  process.stdout.write(`${JSON.stringify({ rewrites })}\n`);
}

async function main(): Promise<void> {
  if (mode === 'audit-n') return appendMany();
  process.stdout.write('ready\n');
  for (let gen = Number(process.env.START_GEN ?? 0); ; gen++) {
    if (mode === 'json') {
      const padding = pad(gen);
      await writeJsonAtomic(target!, { version: 1, gen, padding, checksum: checksum(gen, padding), keys: [] });
    } else if (mode === 'audit-huge') {
      await new AuditLog(target!).append({ time: new Date().toISOString(), user: 'crash-test', outcome: 'signed', key: { name: 'k', fingerprint: 'SHA256:00', source: 'file' }, image: `huge-${gen}`, annotations: { pad: HUGE_PAD } });
    } else {
      await new AuditLog(target!).append({ time: new Date().toISOString(), user: 'crash-test', outcome: 'signed', key: { name: 'k', fingerprint: 'SHA256:00', source: 'file' }, image: `img-${gen}`, annotations: { pad: 'y'.repeat(3000) } });
    }
  }
}
// Only when run as a program, never when the test imports checksum() from here.
if (process.argv[1] === fileURLToPath(import.meta.url) && mode) void main();
