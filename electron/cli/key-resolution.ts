/**
 * What `--key KEY` means on sign and verify, and the stores behind the key commands.
 * KEY is a file when such a file exists; otherwise a keychain key's name or id (sign), or an own
 * key or trusted key's name (verify). Without --key, verify trusts own keys and the trust store.
 */
import { existsSync } from 'node:fs';
import { SignetError } from '../engine/errors.js';
import { resolveDataDir } from '../engine/data-dir.js';
import { KeyStore } from '../engine/keystore/keychain-key-store.js';
import { findKey, readKeyMetadata } from '../engine/keystore/key-metadata.js';
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

/** `sign --key KEY`: a cosign key file, else a keychain key by name or id. */
export async function resolveSigner(ctx: CliContext, key: string): Promise<{ signer: Signer; name: string; audit: AuditKey }> {
  if (existsSync(key)) {
    const { signer, name } = await signerFromKeyFile(key);
    return { signer, name, audit: { name, fingerprint: signer.publicKey.fingerprint, source: 'file' } };
  }
  const metas = await readKeyMetadata(dataDir(ctx));
  if (!findKey(metas, key)) {
    throw new SignetError('USAGE', `--key ${key}: there is no such key file, and no keychain key with that name or id${metas.length ? ` (keychain keys: ${metas.map((k) => k.name).join(', ')})` : ''}.`);
  }
  const { signer, meta } = await keyStore(ctx).signer(key);
  return { signer, name: meta.name, audit: { id: meta.id, name: meta.name, fingerprint: meta.fingerprint, source: 'keychain' } };
}

/** `verify [--key KEY]...`: the named keys, or by default own keys plus the trust store. */
export async function resolveVerifyKeys(ctx: CliContext, keys: readonly string[]): Promise<TrustedKey[]> {
  const dir = dataDir(ctx);
  if (keys.length === 0) return defaultTrustedKeys(dir);
  const out: TrustedKey[] = [];
  for (const k of keys) {
    if (existsSync(k)) {
      out.push(await trustedKeyFromFile(k));
      continue;
    }
    const own = findKey(await readKeyMetadata(dir), k);
    if (own) {
      out.push(trustedKeyFromMetadata(own));
      continue;
    }
    const store = new TrustStore(dir);
    const trusted = store.find(await store.list(), k);
    if (!trusted) throw new SignetError('USAGE', `--key ${k}: there is no such public key file, own key or trusted key.`);
    out.push(trustedKeyFromEntry(trusted));
  }
  return out;
}

/** `keys list` / `trust list`: a JSON array without the PEMs, or one line per key. */
export function printKeyList<T extends { publicKeyPem: string }>(ctx: CliContext, json: boolean | undefined, list: readonly T[], empty: string, line: (k: T) => string): void {
  if (json) ctx.io.out(jsonLine(list.map(({ publicKeyPem: _pem, ...rest }) => rest)));
  else if (list.length === 0) ctx.io.out(empty);
  else for (const k of list) ctx.io.out(line(k));
}
