/**
 * TrustStore (design §2): teammates' public keys in trust.json under the data dir. Revoking keeps
 * the key, marked with the time, so its signatures give the *revoked* verdict instead of merely
 * "unknown key"; restoring takes the mark away again. The default trust set for verify is the user's own keys plus this store.
 */
import { join } from 'node:path';
import { SignetError } from '../errors.js';
import type { PublicKeyAlgorithm } from '../keys/algorithms.js';
import { parsePublicKeyPem } from '../keys/public-key.js';
import type { TrustedKey } from '../cosign/verdict.js';
import { checkName, expectObject, expectString, optionalString, parseVersionedKeys, readJsonFile, withFileLock, writeJsonAtomic } from '../data-dir.js';
import { publicKeyField, readKeyMetadata, type KeyMetadata } from '../keystore/key-metadata.js';

export interface TrustEntry {
  name: string;
  algorithm: PublicKeyAlgorithm;
  fingerprint: string;
  publicKeyPem: string;
  /** ISO times. */
  added: string;
  revokedAt?: string;
}

const FILE_VERSION = 1;

function parseEntry(v: unknown, i: number): TrustEntry {
  const what = `trusted key ${i + 1}`;
  const o = expectObject(v, what);
  const pub = publicKeyField(o, what);
  const revokedAt = optionalString(o, 'revokedAt', what);
  return {
    name: expectString(o, 'name', what),
    algorithm: pub.algorithm,
    fingerprint: pub.fingerprint,
    publicKeyPem: pub.pem,
    added: expectString(o, 'added', what),
    ...(revokedAt ? { revokedAt } : {}),
  };
}

export function parseTrustFile(doc: unknown): TrustEntry[] {
  return parseVersionedKeys(doc, FILE_VERSION, parseEntry);
}

export class TrustStore {
  readonly path: string;

  constructor(readonly dataDir: string) {
    this.path = join(dataDir, 'trust.json');
  }

  list(): Promise<TrustEntry[]> {
    return readJsonFile(this.path, parseTrustFile, () => []);
  }

  /** Adds a teammate's public key (PEM text). A name or key already present is refused. */
  async add(pem: string, name: string, now = new Date()): Promise<TrustEntry> {
    checkName(name, 'trusted key');
    const pub = parsePublicKeyPem(pem);
    const own = (await readKeyMetadata(this.dataDir)).find((k) => k.fingerprint === pub.fingerprint);
    if (own) throw new SignetError('ALREADY_EXISTS', `This is your own key "${own.name}" (${own.fingerprint}); your own keys are trusted already.`);
    return this.update((entries) => {
      const byName = entries.find((e) => e.name === name);
      if (byName) throw new SignetError('ALREADY_EXISTS', `There is already a trusted key named "${name}" (${byName.fingerprint}).`);
      const same = entries.find((e) => e.fingerprint === pub.fingerprint);
      if (same) throw new SignetError('ALREADY_EXISTS', `This key is already trusted as "${same.name}" (${same.fingerprint})${same.revokedAt ? `, revoked on ${same.revokedAt}` : ''}.`);
      const entry: TrustEntry = { name, algorithm: pub.algorithm, fingerprint: pub.fingerprint, publicKeyPem: pub.pem, added: now.toISOString() };
      return { entries: [...entries, entry], result: entry };
    });
  }

  /** Marks the key revoked (it is kept). Revoking twice keeps the first time. */
  revoke(nameOrFingerprint: string, now = new Date()): Promise<{ entry: TrustEntry; already: boolean }> {
    return this.update<{ entry: TrustEntry; already: boolean }>((entries) => {
      const entry = this.require(entries, nameOrFingerprint);
      if (entry.revokedAt) return { entries, result: { entry, already: true } };
      const revoked = { ...entry, revokedAt: now.toISOString() };
      return { entries: entries.map((e) => (e === entry ? revoked : e)), result: { entry: revoked, already: false } };
    });
  }

  /**
   * Takes a revocation back: the key is trusted again, as it was added (its `added` time kept).
   * `already` when it was not revoked. Its signatures verify again from the next check on.
   */
  restore(nameOrFingerprint: string): Promise<{ entry: TrustEntry; already: boolean }> {
    return this.update<{ entry: TrustEntry; already: boolean }>((entries) => {
      const entry = this.require(entries, nameOrFingerprint);
      if (!entry.revokedAt) return { entries, result: { entry, already: true } };
      const { revokedAt: _revokedAt, ...restored } = entry;
      return { entries: entries.map((e) => (e === entry ? restored : e)), result: { entry: restored, already: false } };
    });
  }

  remove(nameOrFingerprint: string): Promise<TrustEntry> {
    return this.update((entries) => {
      const entry = this.require(entries, nameOrFingerprint);
      return { entries: entries.filter((e) => e !== entry), result: entry };
    });
  }

  find(entries: readonly TrustEntry[], nameOrFingerprint: string): TrustEntry | undefined {
    const fp = nameOrFingerprint.toLowerCase();
    return entries.find((e) => e.name === nameOrFingerprint)
      ?? entries.find((e) => e.name.toLowerCase() === fp)
      ?? entries.find((e) => e.fingerprint.toLowerCase() === fp || e.fingerprint.toLowerCase() === `sha256:${fp}`);
  }

  private require(entries: readonly TrustEntry[], nameOrFingerprint: string): TrustEntry {
    const e = this.find(entries, nameOrFingerprint);
    if (!e) {
      throw new SignetError('NOT_FOUND', `There is no trusted key named "${nameOrFingerprint}"${entries.length ? ` (trusted: ${entries.map((x) => x.name).join(', ')})` : ' (the trust store is empty: signet trust add FILE --name NAME)'}.`);
    }
    return e;
  }

  private update<R>(change: (entries: TrustEntry[]) => { entries: TrustEntry[]; result: R }): Promise<R> {
    return withFileLock(this.path, async () => {
      const before = await this.list();
      const { entries, result } = change(before);
      if (entries !== before) await writeJsonAtomic(this.path, { version: FILE_VERSION, keys: entries });
      return result;
    });
  }
}

export function trustedKeyFromMetadata(k: KeyMetadata): TrustedKey {
  return { name: k.name, publicKey: parsePublicKeyPem(k.publicKeyPem) };
}

export function trustedKeyFromEntry(e: TrustEntry): TrustedKey {
  return { name: e.name, publicKey: parsePublicKeyPem(e.publicKeyPem), ...(e.revokedAt ? { revokedAt: e.revokedAt } : {}) };
}

/**
 * What `verify` trusts when no --key is given: the user's own keys (keys.json: public halves,
 * no keychain needed) and the trust store, revoked entries included so they say "revoked".
 */
export async function defaultTrustedKeys(dataDir: string): Promise<TrustedKey[]> {
  const own = (await readKeyMetadata(dataDir)).map(trustedKeyFromMetadata);
  const trusted = (await new TrustStore(dataDir).list()).map(trustedKeyFromEntry);
  const seen = new Set(own.map((k) => k.publicKey.fingerprint));
  return [...own, ...trusted.filter((k) => !seen.has(k.publicKey.fingerprint))];
}
