/**
 * What `--key KEY` means on sign, verify and images, and the stores behind the key commands.
 * KEY follows the one rule of engine/trust/key-reference.ts: a path (with a /) is a file, a
 * bare value a key name (or a .pub/.key/.pem file when it names no key). Without --key, verify
 * trusts own keys and the trust store.
 */
import { resolveDataDir } from '../engine/data-dir.js';
import { KeyStore } from '../engine/keystore/keychain-key-store.js';
import { readKeyMetadata } from '../engine/keystore/key-metadata.js';
import { resolveKeyReference } from '../engine/trust/key-reference.js';
import { defaultTrustedKeys, TrustStore, trustedKeyFromEntry, trustedKeyFromMetadata } from '../engine/trust/trust-store.js';
import { AuditLog, type AuditKey } from '../engine/audit/audit-log.js';
import type { Signer } from '../engine/keys/signer.js';
import type { TrustedKey } from '../engine/cosign/verdict.js';
import { signerFromKeyFile, trustedKeyFromFile } from './keys-from-files.js';
import type { CliContext } from './context.js';
import { jsonLine } from '../../shared/printable.js';

export function dataDir(ctx: CliContext): string {
  return resolveDataDir(ctx.io.env);
}

export function keyStore(ctx: CliContext): KeyStore {
  return new KeyStore(dataDir(ctx));
}

export function trustStore(ctx: CliContext): TrustStore {
  return new TrustStore(dataDir(ctx));
}

export function auditLog(ctx: CliContext): AuditLog {
  return new AuditLog(dataDir(ctx));
}

/** `sign --key KEY` / `push --sign KEY`: a keychain key (name, id or fingerprint), or a cosign private key file given by its path. */
export async function resolveSigner(ctx: CliContext, key: string, flag = '--key'): Promise<{ signer: Signer; name: string; audit: AuditKey }> {
  const ref = resolveKeyReference(key, { flag, own: await readKeyMetadata(dataDir(ctx)), files: { what: 'cosign private key file' } });
  if (ref.kind === 'file') {
    const { signer, name } = await signerFromKeyFile(ref.path);
    return { signer, name, audit: { name, fingerprint: signer.publicKey.fingerprint, source: 'file' } };
  }
  const { signer, meta } = await keyStore(ctx).signer(ref.key.id);
  return { signer, name: meta.name, audit: { id: meta.id, name: meta.name, fingerprint: meta.fingerprint, source: 'keychain' } };
}

/** `verify|images [--key KEY]...`: the keys named (own, trusted, or public key files by path), or by default own keys plus the trust store. */
export async function resolveVerifyKeys(ctx: CliContext, keys: readonly string[]): Promise<TrustedKey[]> {
  const dir = dataDir(ctx);
  if (keys.length === 0) return defaultTrustedKeys(dir);
  const scope = { flag: '--key', own: await readKeyMetadata(dir), trusted: await new TrustStore(dir).list(), files: { what: 'public key file' } };
  const out: TrustedKey[] = [];
  for (const k of keys) {
    const ref = resolveKeyReference(k, scope);
    out.push(ref.kind === 'file' ? await trustedKeyFromFile(ref.path) : ref.kind === 'own' ? trustedKeyFromMetadata(ref.key) : trustedKeyFromEntry(ref.key));
  }
  return out;
}

/** `keys list` / `trust list`: a JSON array without the PEMs, or one line per key. */
export function printKeyList<T extends { publicKeyPem: string }>(ctx: CliContext, json: boolean | undefined, list: readonly T[], empty: string, line: (k: T) => string): void {
  if (json) ctx.io.out(jsonLine(list.map(({ publicKeyPem: _pem, ...rest }) => rest)));
  else if (list.length === 0) ctx.io.out(empty);
  else for (const k of list) ctx.io.out(line(k));
}
