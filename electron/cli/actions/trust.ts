import { readFileSync } from 'node:fs';
import { SignetError } from '../../engine/errors.js';
import { shortFingerprint } from '../../engine/cosign/verdict.js';
import type { CliContext } from '../context.js';
import { printKeyList, trustStore } from '../key-resolution.js';
import { readKeyFile } from '../keys-from-files.js';
import { recordChange } from '../record-change.js';
import { jsonLine, printable } from '../../../shared/printable.js';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new SignetError('USAGE', 'Paste the public key (PEM) on stdin, or give a file: signet trust add FILE --name NAME.');
  return readFileSync(0, 'utf8');
}

export async function add(ctx: CliContext, file: string, o: { name: string; json?: boolean }): Promise<void> {
  const pem = file === '-' ? await readStdin() : await readKeyFile(file);
  const entry = await trustStore(ctx).add(pem, o.name).catch((e: unknown) => {
    if (e instanceof SignetError && (e.code === 'KEY_INVALID' || e.code === 'KEY_UNSUPPORTED')) throw new SignetError(e.code, `${file === '-' ? 'stdin' : file}: ${e.message}`);
    throw e;
  });
  await recordChange(ctx, { kind: 'teammate', action: 'added', subject: entry.name, fingerprint: entry.fingerprint, details: { algorithm: entry.algorithm } });
  ctx.io.out(o.json ? jsonLine(entry) : `Trusted "${printable(entry.name)}" (${entry.algorithm})\nFingerprint ${entry.fingerprint}\nCheck this fingerprint with ${printable(entry.name)} over another channel before relying on it.`);
}

export async function list(ctx: CliContext, o: { json?: boolean }): Promise<void> {
  printKeyList(ctx, o.json, await trustStore(ctx).list(), 'No trusted keys yet: signet trust add FILE --name NAME.',
    (e) => `${printable(e.name).padEnd(20)} ${e.algorithm.padEnd(10)} ${e.fingerprint}  added ${e.added}${e.revokedAt ? `  REVOKED ${e.revokedAt}` : ''}`);
}

export async function revoke(ctx: CliContext, name: string): Promise<void> {
  const { entry, already } = await trustStore(ctx).revoke(name);
  if (!already) await recordChange(ctx, { kind: 'teammate', action: 'revoked', subject: entry.name, fingerprint: entry.fingerprint, details: {} });
  ctx.io.out(already
    ? `"${printable(entry.name)}" (${shortFingerprint(entry.fingerprint)}) was already revoked on ${entry.revokedAt}`
    : `Revoked "${printable(entry.name)}" (${entry.fingerprint}) at ${entry.revokedAt}: images signed only by this key now verify as revoked`);
}

export async function restore(ctx: CliContext, name: string): Promise<void> {
  const { entry, already } = await trustStore(ctx).restore(name);
  if (!already) await recordChange(ctx, { kind: 'teammate', action: 'restored', subject: entry.name, fingerprint: entry.fingerprint, details: {} });
  ctx.io.out(already
    ? `"${printable(entry.name)}" (${shortFingerprint(entry.fingerprint)}) is not revoked`
    : `Restored "${printable(entry.name)}" (${entry.fingerprint}): its signatures verify again`);
}

export async function remove(ctx: CliContext, name: string): Promise<void> {
  const entry = await trustStore(ctx).remove(name);
  await recordChange(ctx, { kind: 'teammate', action: 'removed', subject: entry.name, fingerprint: entry.fingerprint, details: entry.revokedAt ? { revoked: entry.revokedAt } : {} });
  ctx.io.out(`Removed "${printable(entry.name)}" (${entry.fingerprint}) from the trust store`);
}
