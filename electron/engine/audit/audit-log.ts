/**
 * audit.log (design §6): one JSON line per signing — who signed which digest of which image with
 * which key, the annotations, and what the registry answered (where the signature is stored, how
 * many attempts, the verdict read back) — and one per change to keys, teammates, registries and
 * exported policies, each with the local time, its zone and the OS user. Lines are appended with O_APPEND in one write each, so
 * concurrent signers never interleave within a line. Public facts only: never key material.
 * A damaged log is moved aside and replaced by its intact lines (audit-recovery.ts).
 */
import { randomBytes } from 'node:crypto';
import { constants as fsc } from 'node:fs';
import { open, readFile, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { SignResult } from '../sign.js';
import { ensureDir, ioError, waitForFileUnlock, withFileLock } from '../data-dir.js';
import { parseAuditLog, type AuditChange, type AuditEntry, type AuditKey, type AuditRecord } from './audit-lines.js';
import { recoverAuditLog, type AuditDamage } from './audit-recovery.js';
import { auditStamp, currentUser } from './audit-stamp.js';
import { printableText } from '../../../shared/printable.js';
import type { AuditChangeFields } from '../../../shared/audit-changes.js';

export type { AuditDamage } from './audit-recovery.js';
export type { AuditChange, AuditEntry, AuditKey, AuditRecord, AuditRecovery } from './audit-lines.js';

export interface AuditReadResult {
  /** Every record, oldest first: signings, and a note wherever the log was recovered. */
  entries: AuditRecord[];
  /** Set when this read found the log damaged (and, normally, moved it aside). */
  damage?: AuditDamage;
}

export function auditLogPath(dataDir: string): string {
  return join(dataDir, 'audit.log');
}

export class AuditLog {
  readonly path: string;

  /** `lockWaitMs`: how long an append waits for a running recovery before deciding under the lock (tests shorten it). */
  constructor(readonly dataDir: string, private readonly options: { lockWaitMs?: number } = {}) {
    this.path = auditLogPath(dataDir);
  }

  /**
   * Appends one entry (giving it an id when it has none). Resolves with 1 when it had to write the
   * entry again because a recovery replaced the log under it (see audit-recovery.ts), else 0.
   */
  async append(entry: AuditEntry | AuditChange): Promise<number> {
    await ensureDir(this.dataDir);
    const id = entry.id ?? randomBytes(8).toString('hex');
    const line = Buffer.from(`${JSON.stringify({ ...entry, id })}\n`, 'utf8');
    // First without the lock, so a signer killed here leaves nothing that blocks the next one.
    const fh = await this.openLog();
    try {
      await this.writeLine(fh, line);
      // A recovery that began before our write copied it; one that began after it replaces the
      // file we wrote to. Let any recovery finish, then see whether our line is in audit.log.
      if (await waitForFileUnlock(this.path, this.options.lockWaitMs) && ((await this.isCurrentLog(fh)) || (await this.holds(id)))) return 0;
      // Our file was replaced without our line, or a recovery is still running (a process held
      // the lock past the wait: stopped, or on slow storage) and may yet replace it. Decide under
      // the lock, where no recovery runs; if it cannot be had, withFileLock fails in words
      // rather than this append reporting success for a line that may vanish.
      return await withFileLock(this.path, async () => {
        if ((await this.isCurrentLog(fh)) || (await this.holds(id))) return 0;
        const again = await this.openLog();
        try { await this.writeLine(again, line); } finally { await again.close(); }
        return 1;
      });
    } finally {
      await fh.close();
    }
  }

  private async openLog(): Promise<FileHandle> {
    try {
      return await open(this.path, fsc.O_RDWR | fsc.O_APPEND | fsc.O_CREAT, 0o600);
    } catch (e) {
      throw ioError(`open the audit log ${this.path}`, e);
    }
  }

  /**
   * Whether `fh` is still the file at audit.log. Only asked while `fh` is open: once a replaced
   * file is closed, a new file can get its inode number and would look the same.
   */
  private async isCurrentLog(fh: FileHandle): Promise<boolean> {
    const [mine, now] = await Promise.all([fh.stat(), stat(this.path).catch(() => undefined)]);
    return now !== undefined && now.dev === mine.dev && now.ino === mine.ino;
  }

  /** Writes one line at the end of the file, after fsync. */
  private async writeLine(fh: FileHandle, line: Buffer): Promise<void> {
    try {
      // A crash (power loss, kill -9) can leave a last line without its newline. Appending
      // straight after it would glue this entry onto the damaged line, and both would read as
      // one damaged line: start a fresh line instead. (Racing appenders at worst add an empty
      // line, which read() skips. Only a writer killed mid-line between this check and our
      // write could still glue ours onto its torn line.)
      const { size } = await fh.stat();
      let out = line;
      if (size > 0) {
        const last = Buffer.alloc(1);
        await fh.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) out = Buffer.concat([Buffer.from('\n'), line]);
      }
      // One write(2) normally takes the whole line; should one stop short (a full disk), the
      // rest follows, so the line is never silently left torn.
      for (let done = 0; done < out.length;) done += (await fh.write(out, done, out.length - done)).bytesWritten;
      await fh.sync();
    } catch (e) {
      throw ioError(`append to the audit log ${this.path}`, e);
    }
  }

  private async holds(id: string): Promise<boolean> {
    const bytes = await readFile(this.path).catch(() => Buffer.alloc(0));
    return parseAuditLog(bytes).records.some((r) => 'id' in r && r.id === id);
  }

  recordSigned(key: AuditKey, annotations: Record<string, string>, r: SignResult, now = new Date()): Promise<number> {
    return this.append({
      ...auditStamp(now),
      outcome: 'signed',
      key,
      image: r.image,
      digest: r.digest,
      identity: r.identity,
      annotations,
      registry: r.signatures.map((s) => ({
        digest: s.digest,
        ...(s.platform ? { platform: s.platform } : {}),
        location: s.location,
        attempts: s.attempts,
        alreadyPresent: s.alreadyPresent,
        readBack: printableText(s.readBack.message),
      })),
    });
  }

  recordFailed(key: AuditKey, image: string, annotations: Record<string, string>, error: unknown, now = new Date()): Promise<number> {
    return this.append({
      ...auditStamp(now),
      outcome: 'failed',
      key,
      image,
      annotations,
      // Stored escaped, on one line: the message can quote a registry (an annotation key with a
      // newline and a fake entry after it), and `jq -r .error` prints what is stored.
      error: printableText(error instanceof Error ? error.message : String(error)),
    });
  }

  /** A change to a key, a teammate, a registry or a policy export: public facts only, never a secret. */
  recordChange(change: AuditChangeFields, now = new Date()): Promise<number> {
    // Names stored as they are, as an image or key name of a signing is; whoever shows them escapes them.
    return this.append({ ...auditStamp(now), outcome: 'changed', ...change });
  }

  /**
   * Every record, oldest first. A damaged log (a line cut short by a crash, not JSON, not an
   * entry, or not UTF-8) is moved aside and replaced by its intact lines; `damage` says so.
   */
  async read(): Promise<AuditReadResult> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [] };
      throw ioError(`read the audit log ${this.path}`, e);
    }
    const parsed = parseAuditLog(bytes);
    if (parsed.damaged.length === 0) return { entries: parsed.records };
    const recovered = await recoverAuditLog(this.path, parsed, currentUser());
    return { entries: recovered.records, ...(recovered.damage ? { damage: recovered.damage } : {}) };
  }
}
