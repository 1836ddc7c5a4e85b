import { shortFingerprint } from '../../engine/cosign/verdict.js';
import type { AuditRecord } from '../../engine/audit/audit-log.js';
import type { CliContext } from '../context.js';
import { auditLog } from '../key-resolution.js';
import { jsonLine, printable, printableText } from '../../../shared/printable.js';

export async function showLog(ctx: CliContext, o: { json?: boolean }): Promise<void> {
  const log = auditLog(ctx);
  const { entries, damage } = await log.read();
  if (damage) ctx.io.err(damage.message);
  if (entries.length === 0 && !o.json) {
    ctx.io.out(`Nothing signed yet (${log.path}).`);
    return;
  }
  for (const e of entries) {
    if (o.json) ctx.io.out(jsonLine(e));
    else for (const line of describe(e)) ctx.io.out(line);
  }
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
  const notes = Object.entries(e.annotations).map(([k, v]) => `${printable(k)}=${printable(v)}`).join(' ');
  return [
    `${printable(e.time)}  ${printable(e.user)}  ${e.outcome.toUpperCase()}  ${printable(e.image)}${e.digest ? `@${printable(e.digest)}` : ''}  key ${printable(e.key.name)} (${printable(shortFingerprint(e.key.fingerprint))}, ${e.key.source})${notes ? `  ${notes}` : ''}`,
    ...(e.registry ?? []).map((r) => `    ${printable(r.digest)}${r.platform ? ` (${printable(r.platform)})` : ''} -> ${printable(r.location)}${r.attempts > 1 ? ` after ${r.attempts} attempts` : ''}: ${printableText(r.readBack)}`),
    ...(e.error ? [`    error: ${printableText(e.error)}`] : []),
  ];
}
