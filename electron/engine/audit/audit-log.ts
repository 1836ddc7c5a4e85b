/**
 * audit.log (design §6): one JSON line per signing — who signed which digest of which image with
 * which key, the annotations, and what the registry answered (where the signature is stored, how
 * many attempts, the verdict read back). Lines are appended with O_APPEND in one write each, so
 * concurrent signers never interleave within a line. Public facts only: never key material.
 */
import { constants as fsc } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { SignetError } from '../errors.js';
import type { SignResult } from '../sign.js';
import { ensureDir, ioError } from '../data-dir.js';

export interface AuditKey {
  /** Keychain key id, absent for a key file. */
  id?: string;
  name: string;
  fingerprint: string;
  source: 'keychain' | 'file';
}

export interface AuditEntry {
  time: string;
  user: string;
  outcome: 'signed' | 'failed';
  key: AuditKey;
  image: string;
  digest?: string;
  identity?: string;
  annotations: Record<string, string>;
  /** One per signed manifest (an index and its platforms). */
  registry?: Array<{ digest: string; platform?: string; location: string; attempts: number; alreadyPresent: boolean; readBack: string }>;
  error?: string;
}

export function auditLogPath(dataDir: string): string {
  return join(dataDir, 'audit.log');
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}

export class AuditLog {
  readonly path: string;

  constructor(readonly dataDir: string) {
    this.path = auditLogPath(dataDir);
  }

  async append(entry: AuditEntry): Promise<void> {
    await ensureDir(this.dataDir);
    const line = Buffer.from(`${JSON.stringify(entry)}\n`, 'utf8');
    try {
      const fh = await open(this.path, fsc.O_RDWR | fsc.O_APPEND | fsc.O_CREAT, 0o600);
      try {
        // A crash (power loss, kill -9 of an older version) can leave a last line without its
        // newline. Appending straight after it would glue this entry onto the damaged line, and
        // both would read as one damaged line: start a fresh line instead. (Racing appenders at
        // worst add an empty line, which read() skips.)
        const { size } = await fh.stat();
        let out = line;
        if (size > 0) {
          const last = Buffer.alloc(1);
          await fh.read(last, 0, 1, size - 1);
          if (last[0] !== 0x0a) out = Buffer.concat([Buffer.from('\n'), line]);
        }
        await fh.write(out, 0, out.length);
        await fh.sync();
      } finally {
        await fh.close();
      }
    } catch (e) {
      throw ioError(`append to the audit log ${this.path}`, e);
    }
  }

  recordSigned(key: AuditKey, annotations: Record<string, string>, r: SignResult, now = new Date()): Promise<void> {
    return this.append({
      time: now.toISOString(),
      user: currentUser(),
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
        readBack: s.readBack.message,
      })),
    });
  }

  recordFailed(key: AuditKey, image: string, annotations: Record<string, string>, error: unknown, now = new Date()): Promise<void> {
    return this.append({
      time: now.toISOString(),
      user: currentUser(),
      outcome: 'failed',
      key,
      image,
      annotations,
      error: error instanceof Error ? error.message : String(error),
    });
  }

  /** Every entry, oldest first. A damaged line (e.g. a crash mid-write) is reported, not fatal. */
  async read(): Promise<{ entries: AuditEntry[]; damaged: number[] }> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], damaged: [] };
      throw ioError(`read the audit log ${this.path}`, e);
    }
    const entries: AuditEntry[] = [];
    const damaged: number[] = [];
    text.split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        const v = JSON.parse(line) as AuditEntry;
        if (typeof v !== 'object' || v === null || typeof v.time !== 'string') throw new SignetError('DATA_CORRUPT', 'not an entry');
        entries.push(v);
      } catch {
        damaged.push(i + 1);
      }
    });
    return { entries, damaged };
  }
}
