/**
 * KeyStore (design §2): signing keys whose private half lives only in the OS keychain (service
 * `signet`, account = key id, secret = base64 PKCS#8), with public metadata in keys.json.
 *
 * Private material is in plaintext only inside the keychain and, briefly, in engine memory while
 * signing or exporting: it is read at that moment, used, zeroed, and dropped. It is never written
 * to keys.json, logs or output.
 */
import { randomBytes } from 'node:crypto';
import { SignetError } from '../errors.js';
import type { KeyAlgorithm } from '../keys/algorithms.js';
import { decryptCosignKey, encryptCosignKey } from '../keys/cosign-key-file.js';
import { generatePrivateKey, privateKeyFromPkcs8, type PrivateKey } from '../keys/private-key.js';
import { parsePublicKeyPem, type PublicKey } from '../keys/public-key.js';
import { signerFromPrivateKey, type Signer } from '../keys/signer.js';
import { checkName, withFileLock } from '../data-dir.js';
import { findKey, keysFilePath, readKeyMetadata, writeKeyMetadata, type KeyMetadata } from './key-metadata.js';
import { KeytarBackend, type SecretBackend } from './secret-backend.js';

/** cosign asks for no minimum; a CI secret that guards a signing key should not be guessable. */
export const MIN_EXPORT_PASSWORD = 8;

export interface KeyListEntry extends KeyMetadata {
  /** False when keys.json names the key but the keychain no longer holds its private half. */
  inKeychain: boolean;
}

export class KeyStore {
  constructor(
    readonly dataDir: string,
    private readonly backend: SecretBackend = new KeytarBackend(),
  ) {}

  /** Metadata only: works without the keychain (verify and policy export use it). */
  metadata(): Promise<KeyMetadata[]> {
    return readKeyMetadata(this.dataDir);
  }

  async list(): Promise<KeyListEntry[]> {
    const accounts = new Set(await this.backend.accounts());
    return (await this.metadata()).map((k) => ({ ...k, inKeychain: accounts.has(k.id) }));
  }

  async get(nameOrId: string): Promise<KeyMetadata> {
    await this.backend.accounts(); // every key command needs the keychain: say so up front
    return this.require(await this.metadata(), nameOrId);
  }

  generate(name: string, algorithm: KeyAlgorithm = 'ed25519'): Promise<KeyMetadata> {
    return this.store(name, generatePrivateKey(algorithm), 'generated');
  }

  /** A cosign key file (either PEM label) into the keychain. A wrong password writes nothing. */
  async importCosignKey(pem: string, password: string, name: string): Promise<KeyMetadata> {
    checkName(name, 'key');
    await this.backend.accounts();
    const key = await decryptCosignKey(pem, password);
    return this.store(name, key, 'imported');
  }

  async rename(nameOrId: string, newName: string): Promise<KeyMetadata> {
    checkName(newName, 'key');
    await this.backend.accounts();
    return withFileLock(keysFilePath(this.dataDir), async () => {
      const keys = await this.metadata();
      const key = this.require(keys, nameOrId);
      const clash = keys.find((k) => k.name === newName && k.id !== key.id);
      if (clash) throw new SignetError('ALREADY_EXISTS', `There is already a key named "${newName}" (${clash.fingerprint}).`);
      const renamed = { ...key, name: newName };
      await writeKeyMetadata(this.dataDir, keys.map((k) => (k.id === key.id ? renamed : k)));
      return renamed;
    });
  }

  /** Deletes the private key from the keychain, then its metadata. `confirmFingerprint` must name the key. */
  async delete(nameOrId: string, confirmFingerprint: string | true): Promise<KeyMetadata> {
    await this.backend.accounts();
    return withFileLock(keysFilePath(this.dataDir), async () => {
      const keys = await this.metadata();
      const key = this.require(keys, nameOrId);
      if (confirmFingerprint !== true && !fingerprintMatches(key.fingerprint, confirmFingerprint)) {
        throw new SignetError('USAGE', `The fingerprint typed does not match ${key.name}'s (${key.fingerprint}); nothing was deleted.`);
      }
      await this.backend.delete(key.id);
      await writeKeyMetadata(this.dataDir, keys.filter((k) => k.id !== key.id));
      return key;
    });
  }

  async publicKey(nameOrId: string): Promise<{ meta: KeyMetadata; publicKey: PublicKey }> {
    const meta = await this.get(nameOrId);
    return { meta, publicKey: parsePublicKeyPem(meta.publicKeyPem) };
  }

  /**
   * A Signer that reads the private key from the keychain on each signature and drops it
   * afterwards. The keychain is asked once now, so a locked keychain fails before anything is
   * sent to a registry.
   */
  async signer(nameOrId: string): Promise<{ signer: Signer; meta: KeyMetadata }> {
    const meta = await this.get(nameOrId);
    const publicKey = parsePublicKeyPem(meta.publicKeyPem);
    await this.withPrivateKey(meta, async () => undefined);
    const signer: Signer = {
      publicKey,
      sign: (data) => this.withPrivateKey(meta, (k) => signerFromPrivateKey(k).sign(data)),
    };
    return { signer, meta };
  }

  /** Signs `data` with a keychain key (what a host asks for: "sign these bytes with key K"). */
  async sign(nameOrId: string, data: Uint8Array): Promise<Uint8Array> {
    const meta = await this.get(nameOrId);
    return this.withPrivateKey(meta, (k) => signerFromPrivateKey(k).sign(data));
  }

  /** The private key as a cosign-encrypted PEM (`ENCRYPTED SIGSTORE PRIVATE KEY`), e.g. for a CI secret. */
  async exportCosignKey(nameOrId: string, password: string): Promise<{ meta: KeyMetadata; pem: string }> {
    if (password.length < MIN_EXPORT_PASSWORD) {
      throw new SignetError('USAGE', `The export password must be at least ${MIN_EXPORT_PASSWORD} characters long; nothing was written.`);
    }
    const meta = await this.get(nameOrId);
    const pem = await this.withPrivateKey(meta, (k) => encryptCosignKey(k, password));
    return { meta, pem };
  }

  private async store(name: string, key: PrivateKey, origin: KeyMetadata['origin']): Promise<KeyMetadata> {
    checkName(name, 'key');
    try {
      return await withFileLock(keysFilePath(this.dataDir), async () => {
        const keys = await this.metadata();
        const byName = keys.find((k) => k.name === name);
        if (byName) throw new SignetError('ALREADY_EXISTS', `There is already a key named "${name}" (${byName.fingerprint}).`);
        const same = keys.find((k) => k.fingerprint === key.publicKey.fingerprint);
        if (same) throw new SignetError('ALREADY_EXISTS', `This key is already in the keychain as "${same.name}" (${same.fingerprint}).`);
        const meta: KeyMetadata = {
          id: randomBytes(8).toString('hex'),
          name,
          algorithm: key.algorithm,
          fingerprint: key.publicKey.fingerprint,
          publicKeyPem: key.publicKey.pem,
          created: new Date().toISOString(),
          origin,
        };
        // Keychain first: metadata that names a key the keychain does not hold would be worse than none.
        await this.backend.set(meta.id, Buffer.from(key.pkcs8).toString('base64'));
        try {
          await writeKeyMetadata(this.dataDir, [...keys, meta]);
        } catch (e) {
          await this.backend.delete(meta.id).catch(() => false);
          throw e;
        }
        return meta;
      });
    } finally {
      key.pkcs8.fill(0);
    }
  }

  private async withPrivateKey<T>(meta: KeyMetadata, use: (k: PrivateKey) => Promise<T>): Promise<T> {
    const secret = await this.backend.get(meta.id);
    if (secret === null) {
      throw new SignetError('KEYCHAIN_UNAVAILABLE', `The private key of "${meta.name}" is not in the OS keychain (the keyring may be locked, or the entry was removed): unlock your keyring, or sign with a cosign key file (--key FILE, COSIGN_PASSWORD).`, { keyId: meta.id });
    }
    const der = new Uint8Array(Buffer.from(secret, 'base64'));
    let key: PrivateKey | undefined;
    try {
      key = privateKeyFromPkcs8(der);
      if (key.publicKey.fingerprint !== meta.fingerprint) {
        throw new SignetError('KEY_INVALID', `The keychain entry for "${meta.name}" holds a different key (${key.publicKey.fingerprint}) than keys.json records (${meta.fingerprint}).`);
      }
      return await use(key);
    } finally {
      der.fill(0);
      key?.pkcs8.fill(0);
    }
  }

  private require(keys: readonly KeyMetadata[], nameOrId: string): KeyMetadata {
    const key = findKey(keys, nameOrId);
    if (!key) {
      const names = keys.map((k) => k.name);
      throw new SignetError('NOT_FOUND', `There is no key named "${nameOrId}" in the keychain${names.length ? ` (keys: ${names.join(', ')})` : ' (there are no keys yet: signet keys generate NAME)'}.`);
    }
    return key;
  }
}

/** The fingerprint as typed back: with or without "SHA256:", any case, surrounding space ignored. */
export function fingerprintMatches(fingerprint: string, typed: string): boolean {
  const norm = (s: string) => s.trim().toLowerCase().replace(/^sha256:/, '');
  return norm(typed) !== '' && norm(typed) === norm(fingerprint);
}
