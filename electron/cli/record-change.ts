import { EXIT, type CliContext } from './context.js';
import { auditLog } from './key-resolution.js';
import { printableText } from '../../shared/printable.js';
import type { AuditChangeFields } from '../../shared/audit-changes.js';

/**
 * Records a change the command made (a key generated, a teammate revoked, a policy exported) in
 * audit.log. The change is made by then: a log that cannot be written is said on stderr and
 * makes the exit 2, as for a signing.
 */
export async function recordChange(ctx: CliContext, change: Omit<AuditChangeFields, 'via'>): Promise<void> {
  try {
    await auditLog(ctx).recordChange({ ...change, via: 'cli' });
  } catch (e) {
    ctx.io.err(`signet: the change was made, but the audit log could not be written: ${printableText((e as Error).message)}`);
    ctx.setExit(EXIT.ERROR);
  }
}
