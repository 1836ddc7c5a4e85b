/**
 * Recovery of a damaged audit.log: the damaged file is kept, byte for byte, as
 * `audit.log.corrupt-<time>` (the naming data-dir.ts uses for every data file), and audit.log is
 * replaced by a new log whose first line says so, followed by every intact line as stored, so the
 * history stays readable and nothing is lost. The user is told every time (AuditDamage.message).
 *
 * Concurrency. Recoveries run one at a time under `audit.log.lock` (withFileLock). Appenders
 * first write without the lock, so a signer killed mid-append leaves no lock behind. After its
 * write an appender waits until no recovery holds the lock and checks that the file it wrote to
 * is still audit.log (same inode) or that its entry (by id) was copied into the new one; if
 * neither, a recovery replaced the file after reading it, and the appender writes the entry
 * again, this time holding the lock so no recovery can start (AuditLog.append). Each entry thus
 * ends up in audit.log exactly once. The new log replaces the old one with a rename, so
 * audit.log always exists and is always whole: the old file or the new one, also after a kill -9
 * at any point here. The damaged copy is written (atomically) before the rename, so an appender's
 * late write to the old inode never changes it.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { corruptAsidePath, ioError, withFileLock, writeFileAtomic } from '../data-dir.js';
import { parseAuditLog, type AuditRecord, type AuditRecovery, type ParsedAuditLog } from './audit-lines.js';

export interface AuditDamage {
  /** The damaged line numbers (1-based) of the log as it was found. */
  lines: number[];
  /** Where the damaged log was moved (absent when it could not be moved and was left in place). */
  movedTo?: string;
  /** One plain sentence for the user: what was found, and where the damaged file is. */
  message: string;
}

export interface RecoveredLog {
  records: AuditRecord[];
  /** Absent when another process had already recovered the log. */
  damage?: AuditDamage;
}

/** A last line without its newline may be an append still being written: how long to let it finish. */
const SETTLE_MS = 100;
const SETTLE_TRIES = 5;

/**
 * Recovers the log at `path`, which `found` (a read of it) showed damaged. If the recovery cannot
 * run (another process holds the lock too long, the directory is read-only), the log is left as
 * it is and the damage reported with the intact records of `found`.
 */
export async function recoverAuditLog(path: string, found: ParsedAuditLog, user: string, now = () => new Date()): Promise<RecoveredLog> {
  try {
    return await withFileLock(path, async () => {
      const { bytes, parsed } = await settledSnapshot(path);
      if (parsed.damaged.length === 0) return { records: parsed.records };
      const aside = await corruptAsidePath(path, now());
      // The damaged bytes are safe in their own file before audit.log changes.
      await writeFileAtomic(aside, bytes);
      const recovery: AuditRecovery = { time: now().toISOString(), user, outcome: 'recovered', movedTo: basename(aside), damagedLines: parsed.damaged, copied: parsed.intactLines.length };
      await writeFileAtomic(path, [JSON.stringify(recovery), ...parsed.intactLines].map((l) => `${l}\n`).join(''));
      return { records: [recovery, ...parsed.records], damage: { lines: parsed.damaged, movedTo: aside, message: movedMessage(path, aside, parsed) } };
    });
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    return { records: found.records, damage: { lines: found.damaged, message: notMovedMessage(path, found.damaged, reason) } };
  }
}

async function settledSnapshot(path: string): Promise<{ bytes: Buffer; parsed: ParsedAuditLog }> {
  let bytes = await readLog(path);
  let parsed = parseAuditLog(bytes);
  for (let i = 0; i < SETTLE_TRIES && parsed.lastLineTorn; i++) {
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const again = await readLog(path);
    if (again.equals(bytes)) break;
    bytes = again;
    parsed = parseAuditLog(bytes);
  }
  return { bytes, parsed };
}

async function readLog(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    // Gone since it was found damaged: nothing to recover (an empty log has no damage).
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return Buffer.alloc(0);
    throw ioError(`read the audit log ${path}`, e);
  }
}

function linesPhrase(lines: number[]): string {
  return lines.length === 1 ? `line ${lines[0]}` : `lines ${lines.join(', ')}`;
}

function movedMessage(path: string, aside: string, parsed: ParsedAuditLog): string {
  const n = parsed.intactLines.length;
  return `The audit log ${path} was damaged at ${linesPhrase(parsed.damaged)}, so it was moved aside, unchanged, to ${aside}; a new log was started with its ${n} intact ${n === 1 ? 'entry' : 'entries'}.`;
}

function notMovedMessage(path: string, lines: number[], reason: string): string {
  return `The audit log ${path} is damaged at ${linesPhrase(lines)}, which ${lines.length === 1 ? 'was' : 'were'} skipped; it could not be moved aside (${reason}), so it was left as it is.`;
}
