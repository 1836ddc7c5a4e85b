import { basename, dirname, join, resolve } from 'node:path';
import { SignetError } from '../../engine/errors.js';
import { writeFileAtomic } from '../../engine/data-dir.js';
import { policyKeys as enginePolicyKeys } from '../../engine/policy/policy-keys.js';
import { exportPolicy as enginePolicyExport, type PolicyFormat, type PolicyKey, type PolicyMode } from '../../engine/policy/index.js';
import { recordChange } from '../record-change.js';
import type { CliContext } from '../context.js';
import { dataDir } from '../key-resolution.js';
import { keyNameFromPath, readKeyFile } from '../keys-from-files.js';
import { printable, printableText } from '../../../shared/printable.js';

export interface PolicyExportOptions { format: PolicyFormat; images: string; key: string[]; out?: string; mode: PolicyMode }

/** The keys a policy trusts: those named with --key (own, trusted, or public key files), or every own key and unrevoked trusted key. */
function policyKeys(ctx: CliContext, names: readonly string[]): Promise<PolicyKey[]> {
  return enginePolicyKeys(dataDir(ctx), names, { readFile: readKeyFile, nameFromPath: keyNameFromPath });
}

export async function exportPolicy(ctx: CliContext, o: PolicyExportOptions): Promise<void> {
  const keys = await policyKeys(ctx, o.key);
  const result = enginePolicyExport(o.format, { keys, images: o.images, mode: o.mode, ...(o.out ? { mainFile: basename(o.out) } : {}) });
  const [main, ...companions] = result.files;
  if (!o.out) {
    if (o.format === 'cosign') throw new SignetError('USAGE', 'The cosign export is a script plus the key files it names: give --out FILE (e.g. --out policy/verify.sh).');
    ctx.io.out(main!.content.replace(/\n$/, ''));
    for (const c of companions) ctx.io.err(`Not written (give --out FILE to write it beside the policy): ${printable(c.path)}`);
  } else {
    const dir = dirname(o.out);
    await writeFileAtomic(o.out, main!.content, main!.mode ?? 0o644);
    for (const c of companions) await writeFileAtomic(join(dir, c.path), c.content, c.mode ?? 0o644);
    ctx.io.out([o.out, ...companions.map((c) => join(dir, c.path))].map((p) => `Wrote ${printable(p)}`).join('\n'));
  }
  await recordChange(ctx, {
    kind: 'policy', action: 'exported', subject: o.format,
    details: { mode: o.mode, images: o.images, keys: keys.map((k) => `${k.name} (${k.fingerprint})`).join(', '), ...(o.out ? { file: resolve(o.out) } : {}) },
  });
  ctx.io.err(`Trusted keys: ${keys.map((k) => `${printable(k.name)} (${k.fingerprint})`).join(', ')}`);
  for (const n of result.notes) ctx.io.err(`Note: ${printableText(n)}`);
}
