import { shortFingerprint } from '../../engine/cosign/verdict.js';
import type { AuditChange, AuditRecord } from '../../engine/audit/audit-log.js';
import type { CliContext } from '../context.js';
import { auditLog } from '../key-resolution.js';
import { jsonLine, printable, printableText } from '../../../shared/printable.js';
import { changeDetailsText, changeHeadline } from '../../../shared/audit-changes.js';

export async function showLog(ctx: CliContext, o: { json?: boolean }): Promise<void> {
  const log = auditLog(ctx);
  const { entries, damage } = await log.read();
  if (damage) ctx.io.err(damage.message);
  if (entries.length === 0 && !o.json) {
    ctx.io.out(`Nothing recorded yet (${log.path}).`);
    return;
  }
  for (const e of entries) {
    if (o.json) ctx.io.out(jsonLine(e));
    else for (const line of describe(e)) ctx.io.out(line);
  }
}

/**
 * When, in one word: the local time with its offset and zone, as RFC 9557 writes it
 * (2026-03-01T11:00:00.000+01:00[Europe/Berlin]); entries written before Signet recorded the
 * local time show their UTC time as stored.
 */
function when(e: Exclude<AuditRecord, { outcome: 'recovered' }>): string {
  return e.localTime ? `${printable(e.localTime)}${e.zone ? `[${printable(e.zone)}]` : ''}` : printable(e.time);
}

/** The OS user, and their full name at the end of the line where one was recorded. */
function byName(e: Exclude<AuditRecord, { outcome: 'recovered' }>): string {
  return e.userName ? `  (${printable(e.userName)})` : '';
}

/**
 * One entry's lines. Every field is escaped (shared/printable.ts): the error and the read-back are
 * sentences that quote registries, and an image, a key name or an annotation can hold anything;
 * raw, a newline in one drew a fake entry and an escape sequence hid what followed.
 */
function describe(e: AuditRecord): string[] {
  if (e.outcome === 'recovered') {
    return [`${printable(e.time)}  ${printable(e.user)}  RECOVERED  the log was damaged at line${e.damagedLines.length === 1 ? '' : 's'} ${e.damagedLines.join(', ')}; it was moved aside to ${printable(e.movedTo)} and its ${e.copied} intact line(s) copied below`];
  }
  if (e.outcome === 'changed') return [describeChange(e)];
  const notes = Object.entries(e.annotations).map(([k, v]) => `${printable(k)}=${printable(v)}`).join(' ');
  return [
    `${when(e)}  ${printable(e.user)}  ${e.outcome.toUpperCase()}  ${printable(e.image)}${e.digest ? `@${printable(e.digest)}` : ''}  key ${printable(e.key.name)} (${printable(shortFingerprint(e.key.fingerprint))}, ${e.key.source})${notes ? `  ${notes}` : ''}${byName(e)}`,
    ...(e.registry ?? []).map((r) => `    ${printable(r.digest)}${r.platform ? ` (${printable(r.platform)})` : ''} -> ${printable(r.location)}${r.attempts > 1 ? ` after ${r.attempts} attempts` : ''}: ${printableText(r.readBack)}`),
    ...(e.error ? [`    error: ${printableText(e.error)}`] : []),
  ];
}

/** `TIME  user  CHANGED  key generated "Release" (SHA256:ab12…)  algorithm ecdsa-p256  via desktop`. */
function describeChange(e: AuditChange): string {
  const details = changeDetailsText(e.details);
  return `${when(e)}  ${printable(e.user)}  CHANGED  ${printable(changeHeadline(e.kind, e.action))} "${printable(e.subject)}"${e.fingerprint ? ` (${printable(shortFingerprint(e.fingerprint))})` : ''}${details ? `  ${printable(details)}` : ''}  via ${printable(e.via)}${byName(e)}`;
}
