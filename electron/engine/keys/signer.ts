/**
 * Signing with a private key, producing exactly what cosign stores in the
 * dev.cosignproject.cosign/signature annotation (before base64):
 * - ed25519: pure Ed25519 (RFC 8032) over the payload bytes, via @noble/ed25519;
 * - ecdsa-p256: ECDSA over SHA-256 of the payload, ASN.1 DER encoded (as Go's ecdsa.SignASN1).
 * `sign` is async so KMS/hardware signers can implement the same interface later.
 */
import { createPrivateKey, sign as nodeSign, type KeyObject } from 'node:crypto';
import { SignetError } from '../errors.js';
import { algorithmOf } from './key-object.js';
import { ed } from './noble-ed25519.js';
import type { PrivateKey } from './private-key.js';
import type { PublicKey } from './public-key.js';

export interface Signer {
  readonly publicKey: PublicKey;
  sign(data: Uint8Array): Promise<Uint8Array>;
}

export function signerFromPrivateKey(k: PrivateKey): Signer {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: Buffer.from(k.pkcs8), format: 'der', type: 'pkcs8' });
  } catch (e) {
    throw new SignetError('KEY_INVALID', 'The private key is not a valid PKCS#8 private key (its DER structure could not be read).', {}, { cause: e });
  }
  // A hand-built PrivateKey could claim the wrong algorithm; signing must follow the real key.
  if (algorithmOf(key, 'private key') !== k.algorithm) {
    throw new SignetError('KEY_INVALID', `The private key is labelled ${k.algorithm} but holds a different kind of key.`);
  }
  const publicKey = k.publicKey;
  switch (k.algorithm) {
    case 'ed25519': {
      const seed = ed25519Seed(key);
      return {
        publicKey,
        sign: async (data) => ed.sign(data, seed),
      };
    }
    case 'ecdsa-p256':
      return {
        publicKey,
        sign: async (data) => new Uint8Array(nodeSign('sha256', data, { key, dsaEncoding: 'der' })),
      };
  }
}

/** noble signs from the 32-byte RFC 8032 seed, which is JWK "d" for an Ed25519 key. */
function ed25519Seed(key: KeyObject): Uint8Array {
  const d = key.export({ format: 'jwk' }).d;
  const seed = d === undefined ? undefined : new Uint8Array(Buffer.from(d, 'base64url'));
  if (seed?.length !== 32) throw new SignetError('KEY_INVALID', 'The Ed25519 private key does not hold a 32-byte seed.');
  return seed;
}
