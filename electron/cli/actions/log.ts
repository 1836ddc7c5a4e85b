import { shortFingerprint } from '../../engine/cosign/verdict.js';
import type { CliContext } from '../context.js';
import { auditLog } from '../key-resolution.js';

export async function showLog(ctx: CliContext, o: { json?: boolean }): Promise<void> {
  const log = auditLog(ctx);
  const { entries, damaged } = await log.read();
  if (damaged.length > 0) ctx.io.err(`Warning: ${log.path} has ${damaged.length} damaged line(s) (line ${damaged.join(', ')}), skipped.`);
  if (entries.length === 0 && !o.json) {
    ctx.io.out(`Nothing signed yet (${log.path}).`);
    return;
  }
  for (const e of entries) {
    if (o.json) {
      ctx.io.out(JSON.stringify(e));
      continue;
    }
    const notes = Object.entries(e.annotations ?? {}).map(([k, v]) => `${k}=${v}`).join(' ');
    ctx.io.out(`${e.time}  ${e.user}  ${e.outcome.toUpperCase()}  ${e.image}${e.digest ? `@${e.digest}` : ''}  key ${e.key.name} (${shortFingerprint(e.key.fingerprint)}, ${e.key.source})${notes ? `  ${notes}` : ''}`);
    for (const r of e.registry ?? []) ctx.io.out(`    ${r.digest}${r.platform ? ` (${r.platform})` : ''} -> ${r.location}${r.attempts > 1 ? ` after ${r.attempts} attempts` : ''}: ${r.readBack}`);
    if (e.error) ctx.io.out(`    error: ${e.error}`);
  }
}
