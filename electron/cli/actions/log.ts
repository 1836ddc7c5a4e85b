import { shortFingerprint } from '../../engine/cosign/verdict.js';
import type { AuditRecord } from '../../engine/audit/audit-log.js';
import type { CliContext } from '../context.js';
import { auditLog } from '../key-resolution.js';

export async function showLog(ctx: CliContext, o: { json?: boolean }): Promise<void> {
  const log = auditLog(ctx);
  const { entries, damage } = await log.read();
  if (damage) ctx.io.err(damage.message);
  if (entries.length === 0 && !o.json) {
    ctx.io.out(`Nothing signed yet (${log.path}).`);
    return;
  }
  for (const e of entries) {
    if (o.json) ctx.io.out(JSON.stringify(e));
    else for (const line of describe(e)) ctx.io.out(line);
  }
}

function describe(e: AuditRecord): string[] {
  if (e.outcome === 'recovered') {
    return [`${e.time}  ${e.user}  RECOVERED  the log was damaged at line${e.damagedLines.length === 1 ? '' : 's'} ${e.damagedLines.join(', ')}; it was moved aside to ${e.movedTo} and its ${e.copied} intact line(s) copied below`];
  }
  const notes = Object.entries(e.annotations).map(([k, v]) => `${k}=${v}`).join(' ');
  return [
    `${e.time}  ${e.user}  ${e.outcome.toUpperCase()}  ${e.image}${e.digest ? `@${e.digest}` : ''}  key ${e.key.name} (${shortFingerprint(e.key.fingerprint)}, ${e.key.source})${notes ? `  ${notes}` : ''}`,
    ...(e.registry ?? []).map((r) => `    ${r.digest}${r.platform ? ` (${r.platform})` : ''} -> ${r.location}${r.attempts > 1 ? ` after ${r.attempts} attempts` : ''}: ${r.readBack}`),
    ...(e.error ? [`    error: ${e.error}`] : []),
  ];
}
