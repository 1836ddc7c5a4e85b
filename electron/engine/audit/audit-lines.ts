/**
 * The lines of audit.log: one JSON record per line, a signing (AuditEntry), a change to keys,
 * teammates, registries or policies (AuditChange), or a note that the log was recovered
 * (AuditRecovery). A line is damaged when its bytes are not UTF-8, it is not JSON, or it is not
 * the shape of a record; the hosts display every field, so a wrong shape is damage too, not
 * something to guess around.
 *
 * Older logs read as they always did: `localTime`, `zone` and `userName` are optional (entries
 * before them have `time` in UTC only), and a change's kind and action are any text, so what a
 * newer Signet adds is shown as stored rather than taken for damage.
 */
import { expectObject, expectString, optionalString } from '../data-dir.js';
import type { AuditChangeFields } from '../../../shared/audit-changes.js';

export interface AuditKey {
  /** Keychain key id, absent for a key file. */
  id?: string;
  name: string;
  fingerprint: string;
  source: 'keychain' | 'file';
}

/** When and by whom (audit-stamp.ts); `localTime`, `zone` and `userName` are absent in older logs. */
export interface AuditWhoWhen {
  /** Random, unique per entry: lets an append find its own line again after a recovery. Absent in older logs. */
  id?: string;
  /** UTC, ISO 8601. */
  time: string;
  /** The same instant in the local time of the machine that wrote it, with its offset. */
  localTime?: string;
  /** That machine's time zone (IANA name). */
  zone?: string;
  /** The OS user's login name. */
  user: string;
  /** Their full name, where the OS gave one. */
  userName?: string;
}

export interface AuditEntry extends AuditWhoWhen {
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

/** A change to a key, a teammate, a registry or a policy export (never a secret). */
export interface AuditChange extends AuditWhoWhen, Omit<AuditChangeFields, 'kind' | 'action' | 'via'> {
  outcome: 'changed';
  /** AUDIT_CHANGES's kinds and actions; any text when read, so that a newer Signet's entries still read. */
  kind: string;
  action: string;
  via: string;
}

/** The first line of a log that replaced a damaged one. */
export interface AuditRecovery {
  time: string;
  user: string;
  outcome: 'recovered';
  /** The damaged log's new name, in the same directory, its bytes unchanged. */
  movedTo: string;
  /** Its damaged lines (1-based), which are only in that file. */
  damagedLines: number[];
  /** How many intact lines were copied from it into this log, after this line. */
  copied: number;
}

export type AuditRecord = AuditEntry | AuditChange | AuditRecovery;

export interface ParsedAuditLog {
  records: AuditRecord[];
  /** The text of each intact line, as stored, in order (what a recovery copies). */
  intactLines: string[];
  /** Line numbers (1-based) of the damaged lines. */
  damaged: number[];
  /** Whether the last non-empty line is damaged and has no newline: a write cut short, or still in progress. */
  lastLineTorn: boolean;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function parseAuditLog(bytes: Uint8Array): ParsedAuditLog {
  const out: ParsedAuditLog = { records: [], intactLines: [], damaged: [], lastLineTorn: false };
  let start = 0;
  for (let lineNo = 1; start < bytes.length; lineNo++) {
    const nl = bytes.indexOf(0x0a, start);
    const end = nl === -1 ? bytes.length : nl;
    const lineBytes = bytes.subarray(start, end);
    start = end + 1;
    let text: string;
    try {
      text = utf8.decode(lineBytes);
    } catch {
      out.damaged.push(lineNo);
      out.lastLineTorn = nl === -1;
      continue;
    }
    // Racing appenders can leave an empty line (see AuditLog.append): not damage.
    if (text.trim() === '') continue;
    try {
      out.records.push(parseAuditRecord(JSON.parse(text)));
      out.intactLines.push(text);
      out.lastLineTorn = false;
    } catch {
      out.damaged.push(lineNo);
      out.lastLineTorn = nl === -1;
    }
  }
  return out;
}

/** Checks one line's JSON value; throws a plain Error naming what is wrong. */
export function parseAuditRecord(v: unknown): AuditRecord {
  const o = expectObject(v, 'the line');
  const what = 'the entry';
  const time = expectString(o, 'time', what);
  const user = expectString(o, 'user', what);
  if (o['outcome'] === 'recovered') {
    const movedTo = expectString(o, 'movedTo', what);
    const lines = o['damagedLines'];
    if (!Array.isArray(lines) || !lines.every((n) => Number.isSafeInteger(n) && n > 0)) throw new Error('the recovery has no list of damaged line numbers');
    const copied = o['copied'];
    if (!Number.isSafeInteger(copied) || (copied as number) < 0) throw new Error('the recovery has no count of copied lines');
    return { time, user, outcome: 'recovered', movedTo, damagedLines: lines as number[], copied: copied as number };
  }
  const whoWhen = parseWhoWhen(o, time, user);
  if (o['outcome'] === 'changed') return parseChange(o, whoWhen);
  if (o['outcome'] !== 'signed' && o['outcome'] !== 'failed') throw new Error('the entry has no known "outcome"');
  const k = expectObject(o['key'], 'the key');
  if (k['source'] !== 'keychain' && k['source'] !== 'file') throw new Error('the key has no known "source"');
  const key: AuditKey = { name: expectString(k, 'name', 'the key'), fingerprint: expectString(k, 'fingerprint', 'the key'), source: k['source'] };
  const keyId = optionalString(k, 'id', 'the key');
  if (keyId !== undefined) key.id = keyId;
  const annotations = expectObject(o['annotations'], 'the annotations');
  if (!Object.values(annotations).every((a) => typeof a === 'string')) throw new Error('an annotation is not a string');
  const entry: AuditEntry = { ...whoWhen, outcome: o['outcome'], key, image: expectString(o, 'image', what), annotations: annotations as Record<string, string> };
  for (const field of ['digest', 'identity', 'error'] as const) {
    const s = optionalString(o, field, what);
    if (s !== undefined) entry[field] = s;
  }
  if (o['registry'] !== undefined) {
    if (!Array.isArray(o['registry'])) throw new Error('"registry" is not a list');
    entry.registry = o['registry'].map((r) => {
      const ro = expectObject(r, 'a registry answer');
      const attempts = ro['attempts'];
      if (!Number.isSafeInteger(attempts) || typeof ro['alreadyPresent'] !== 'boolean') throw new Error('a registry answer has no attempts count');
      const platform = optionalString(ro, 'platform', 'a registry answer');
      return {
        digest: expectString(ro, 'digest', 'a registry answer'),
        ...(platform !== undefined ? { platform } : {}),
        location: expectString(ro, 'location', 'a registry answer'),
        attempts: attempts as number,
        alreadyPresent: ro['alreadyPresent'] as boolean,
        readBack: expectString(ro, 'readBack', 'a registry answer'),
      };
    });
  }
  return entry;
}

/** The fields every entry (not a recovery note) may carry about when and by whom. */
function parseWhoWhen(o: Record<string, unknown>, time: string, user: string): AuditWhoWhen {
  const out: AuditWhoWhen = { time, user };
  for (const field of ['id', 'localTime', 'zone', 'userName'] as const) {
    const s = optionalString(o, field, 'the entry');
    if (s !== undefined) out[field] = s;
  }
  return out;
}

function parseChange(o: Record<string, unknown>, whoWhen: AuditWhoWhen): AuditChange {
  const what = 'the change';
  const details = expectObject(o['details'], 'the details');
  if (!Object.values(details).every((d) => typeof d === 'string')) throw new Error('a detail of the change is not a string');
  const fingerprint = optionalString(o, 'fingerprint', what);
  return {
    ...whoWhen,
    outcome: 'changed',
    kind: expectString(o, 'kind', what),
    action: expectString(o, 'action', what),
    subject: expectString(o, 'subject', what),
    ...(fingerprint !== undefined ? { fingerprint } : {}),
    details: details as Record<string, string>,
    via: expectString(o, 'via', what),
  };
}
