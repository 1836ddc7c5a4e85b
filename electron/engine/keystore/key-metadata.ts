/**
 * keys.json: what Signet knows about the keys in the keychain, public material only
 * (id, name, algorithm, fingerprint, public key PEM, created). The private key is never here.
 */
import { join } from 'node:path';
import { isSigningAlgorithm, type KeyAlgorithm } from '../keys/algorithms.js';
import { parsePublicKeyPem, type PublicKey } from '../keys/public-key.js';
import { expectObject, expectString, parseVersionedKeys, readJsonFile, writeJsonAtomic } from '../data-dir.js';

export interface KeyMetadata {
  /** Random 16 hex digits; the keychain account the private key is stored under. */
  id: string;
  name: string;
  algorithm: KeyAlgorithm;
  fingerprint: string;
  publicKeyPem: string;
  /** ISO time. */
  created: string;
  /** 'generated' or 'imported'. */
  origin: 'generated' | 'imported';
}

const FILE_VERSION = 1;

export function keysFilePath(dataDir: string): string {
  return join(dataDir, 'keys.json');
}

function parseEntry(v: unknown, i: number): KeyMetadata {
  const what = `key ${i + 1}`;
  const o = expectObject(v, what);
  const id = expectString(o, 'id', what);
  if (!/^[0-9a-f]{16}$/.test(id)) throw new Error(`${what} has an id that is not 16 hex digits`);
  const pub = publicKeyField(o, what);
  // A key in the keychain is one Signet signs with; trust.json may hold any key it verifies with.
  const algorithm = pub.algorithm;
  if (!isSigningAlgorithm(algorithm)) throw new Error(`${what} is a ${algorithm} key, which Signet does not sign with`);
  const origin = o['origin'] === 'imported' ? 'imported' : 'generated';
  return { id, name: expectString(o, 'name', what), algorithm, fingerprint: pub.fingerprint, publicKeyPem: pub.pem, created: expectString(o, 'created', what), origin };
}

export function parseKeysFile(doc: unknown): KeyMetadata[] {
  return parseVersionedKeys(doc, FILE_VERSION, parseEntry);
}

/** The entry's `publicKeyPem`, which must parse and match its `fingerprint`. */
export function publicKeyField(o: Record<string, unknown>, what: string): PublicKey {
  let pub: PublicKey;
  try {
    pub = parsePublicKeyPem(expectString(o, 'publicKeyPem', what));
  } catch (e) {
    throw new Error(`${what} has an unreadable public key: ${(e as Error).message}`);
  }
  if (expectString(o, 'fingerprint', what) !== pub.fingerprint) throw new Error(`${what}'s fingerprint does not match its public key`);
  return pub;
}

export function readKeyMetadata(dataDir: string): Promise<KeyMetadata[]> {
  return readJsonFile(keysFilePath(dataDir), parseKeysFile, () => []);
}

export function writeKeyMetadata(dataDir: string, keys: readonly KeyMetadata[]): Promise<void> {
  return writeJsonAtomic(keysFilePath(dataDir), { version: FILE_VERSION, keys });
}

/** A key by name or by id; names are matched exactly first, then case-insensitively. */
export function findKey(keys: readonly KeyMetadata[], nameOrId: string): KeyMetadata | undefined {
  return keys.find((k) => k.name === nameOrId) ?? keys.find((k) => k.id === nameOrId.toLowerCase()) ?? keys.find((k) => k.name.toLowerCase() === nameOrId.toLowerCase());
}
