/**
 * Private keys, held as PKCS#8 DER (what cosign encrypts inside its key file).
 *
 * Private material stays inside the engine: the object that carries it redacts itself in
 * JSON.stringify, String() and console.log/util.inspect, so an accidental log line or an IPC
 * message to the renderer cannot leak the key bytes.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { inspect } from 'node:util';
import { SignetError } from '../errors.js';
import type { KeyAlgorithm } from './algorithms.js';
import { algorithmOf } from './key-object.js';
import { publicKeyFromKeyObject, type PublicKey } from './public-key.js';

export interface PrivateKey {
  algorithm: KeyAlgorithm;
  pkcs8: Uint8Array;
  publicKey: PublicKey;
}

/** What a PrivateKey looks like anywhere outside the engine. */
export interface RedactedPrivateKey {
  algorithm: KeyAlgorithm;
  fingerprint: string;
  pkcs8: '[redacted]';
}

class EnginePrivateKey implements PrivateKey {
  constructor(
    readonly algorithm: KeyAlgorithm,
    readonly pkcs8: Uint8Array,
    readonly publicKey: PublicKey,
  ) {}

  toJSON(): RedactedPrivateKey {
    return { algorithm: this.algorithm, fingerprint: this.publicKey.fingerprint, pkcs8: '[redacted]' };
  }

  toString(): string {
    return `PrivateKey(${this.algorithm}, ${this.publicKey.fingerprint})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

export function generatePrivateKey(alg: KeyAlgorithm): PrivateKey {
  const { privateKey } =
    alg === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return fromKeyObject(privateKey);
}

export function privateKeyFromPkcs8(der: Uint8Array): PrivateKey {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });
  } catch (e) {
    throw new SignetError('KEY_INVALID', 'The private key is not a valid PKCS#8 private key (its DER structure could not be read).', {}, { cause: e });
  }
  return fromKeyObject(key);
}

/** Re-exports through node:crypto so the stored PKCS#8 is canonical and its public half derived, not trusted. */
function fromKeyObject(key: KeyObject): PrivateKey {
  const algorithm = algorithmOf(key, 'private key');
  const pkcs8 = new Uint8Array(key.export({ format: 'der', type: 'pkcs8' }));
  const publicKey = publicKeyFromKeyObject(createPublicKey(key), 'private key');
  return new EnginePrivateKey(algorithm, pkcs8, publicKey);
}
