import { basename } from 'node:path';
import { SignetError } from '../errors.js';
import { parsePublicKeyPem } from '../keys/public-key.js';
import { readKeyMetadata, type KeyMetadata } from '../keystore/key-metadata.js';
import { TrustStore, type TrustEntry } from '../trust/trust-store.js';
import { resolveKeyReference } from '../trust/key-reference.js';
import type { PolicyKey } from './policy-types.js';

const asPolicyKey = (k: KeyMetadata | TrustEntry): PolicyKey => ({ name: k.name, algorithm: k.algorithm, fingerprint: k.fingerprint, publicKeyPem: k.publicKeyPem });

export interface PolicyKeyOptions {
  /** Also accept public key files by path (the CLI does; the desktop hosts do not). */
  readFile?: (path: string) => Promise<string>;
  nameFromPath?: (path: string) => string;
}

/**
 * The keys a policy trusts: those named (own keys, trusted keys, and, when `opts.readFile` is
 * given, public key files by path, by the rule of trust/key-reference.ts), or with no names every
 * own key and unrevoked trusted key.
 * Shared by `signet policy export` and the desktop hosts.
 */
export async function policyKeys(dataDir: string, names: readonly string[], opts: PolicyKeyOptions = {}): Promise<PolicyKey[]> {
  const own = await readKeyMetadata(dataDir);
  const trusted = await new TrustStore(dataDir).list();
  if (names.length === 0) return [...own.map(asPolicyKey), ...trusted.filter((t) => !t.revokedAt).map(asPolicyKey)];
  const scope = { flag: '--key', own, trusted, ...(opts.readFile ? { files: { what: 'public key file' } } : {}) };
  const out: PolicyKey[] = [];
  for (const n of names) {
    const ref = resolveKeyReference(n, scope);
    if (ref.kind === 'file') {
      const pub = parsePublicKeyPem(await opts.readFile!(ref.path));
      out.push({ name: (opts.nameFromPath ?? ((p: string) => basename(p)))(ref.path), algorithm: pub.algorithm, fingerprint: pub.fingerprint, publicKeyPem: pub.pem });
      continue;
    }
    if (ref.kind === 'trusted' && ref.key.revokedAt) throw new SignetError('USAGE', `--key ${n}: that key was revoked on ${ref.key.revokedAt}; a policy should not trust it.`);
    out.push(asPolicyKey(ref.key));
  }
  return out.filter((k, i) => out.findIndex((x) => x.fingerprint === k.fingerprint) === i);
}
