import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { SignetError } from '../errors.js';
import { parsePublicKeyPem } from '../keys/public-key.js';
import { findKey, readKeyMetadata, type KeyMetadata } from '../keystore/key-metadata.js';
import { TrustStore, type TrustEntry } from '../trust/trust-store.js';
import type { PolicyKey } from './policy-types.js';

const asPolicyKey = (k: KeyMetadata | TrustEntry): PolicyKey => ({ name: k.name, algorithm: k.algorithm, fingerprint: k.fingerprint, publicKeyPem: k.publicKeyPem });

export interface PolicyKeyOptions {
  /** Also accept public key files by path (the CLI does; the desktop hosts do not). */
  readFile?: (path: string) => Promise<string>;
  nameFromPath?: (path: string) => string;
}

/**
 * The keys a policy trusts: those named (own keys, trusted keys, and, when `opts.readFile` is
 * given, public key files), or with no names every own key and unrevoked trusted key.
 * Shared by `signet policy export` and the desktop hosts.
 */
export async function policyKeys(dataDir: string, names: readonly string[], opts: PolicyKeyOptions = {}): Promise<PolicyKey[]> {
  const own = await readKeyMetadata(dataDir);
  const store = new TrustStore(dataDir);
  const trusted = await store.list();
  if (names.length === 0) return [...own.map(asPolicyKey), ...trusted.filter((t) => !t.revokedAt).map(asPolicyKey)];
  const out: PolicyKey[] = [];
  for (const n of names) {
    const mine = findKey(own, n);
    const theirs = mine ? undefined : store.find(trusted, n);
    if (theirs?.revokedAt) throw new SignetError('USAGE', `--key ${n}: that key was revoked on ${theirs.revokedAt}; a policy should not trust it.`);
    if (mine || theirs) {
      out.push(asPolicyKey((mine ?? theirs)!));
    } else if (opts.readFile && existsSync(n)) {
      const pub = parsePublicKeyPem(await opts.readFile(n));
      out.push({ name: (opts.nameFromPath ?? ((p: string) => basename(p)))(n), algorithm: pub.algorithm, fingerprint: pub.fingerprint, publicKeyPem: pub.pem });
    } else {
      throw new SignetError('USAGE', `--key ${n}: there is no own key, trusted key${opts.readFile ? ' or public key file' : ''} by that name.`);
    }
  }
  return out.filter((k, i) => out.findIndex((x) => x.fingerprint === k.fingerprint) === i);
}

