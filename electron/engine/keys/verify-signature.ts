/**
 * Checks a cosign signature against a public key. Returns which scheme matched, or null.
 *
 * Never throws: signatures and keys arrive from registries and are untrusted, so anything
 * malformed is simply "does not verify".
 *
 * - ed25519 keys: pure Ed25519 first (what containers/image and Signet make), then Ed25519ph
 *   (RFC 8032 prehash with SHA-512, empty context: what `cosign sign` makes with an Ed25519
 *   key — Go's ed25519 with Options{Hash: SHA512}, sigstore's ED25519ph signer). Both use strict
 *   RFC 8032 decoding (zip215: false), closer to Go's crypto/ed25519 than ZIP-215.
 * - ecdsa-p256 keys: ECDSA over SHA-256, ASN.1 DER only, as cosign (Go's ecdsa.VerifyASN1).
 *   A raw 64-byte r||s is deliberately NOT accepted: cosign would reject it.
 */
import { createPublicKey, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { ed25519ph } from '@noble/curves/ed25519.js';
import { ed } from './noble-ed25519.js';
import type { PublicKey } from './public-key.js';

export type SignatureScheme = 'ed25519' | 'ed25519ph' | 'ecdsa-p256-sha256';

/** DER prefix of every Ed25519 SubjectPublicKeyInfo (RFC 8410): SEQUENCE, AlgorithmIdentifier 1.3.101.112, BIT STRING of 33. */
const ED25519_SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);
const STRICT = { zip215: false } as const;

export function verifySignature(key: PublicKey, data: Uint8Array, signature: Uint8Array): SignatureScheme | null {
  try {
    switch (key.algorithm) {
      case 'ed25519': {
        const raw = ed25519RawKey(key.spki);
        if (raw === null || signature.length !== 64) return null;
        if (ed.verify(signature, data, raw, STRICT)) return 'ed25519';
        if (ed25519ph.verify(signature, data, raw, STRICT)) return 'ed25519ph';
        return null;
      }
      case 'ecdsa-p256': {
        const ko = p256KeyObject(key.spki);
        if (ko === null) return null;
        return nodeVerify('sha256', data, { key: ko, dsaEncoding: 'der' }, signature) ? 'ecdsa-p256-sha256' : null;
      }
      default:
        return null;
    }
  } catch {
    return null;
  }
}

function ed25519RawKey(spki: Uint8Array): Uint8Array | null {
  if (spki.length !== ED25519_SPKI_PREFIX.length + 32) return null;
  for (let i = 0; i < ED25519_SPKI_PREFIX.length; i++) if (spki[i] !== ED25519_SPKI_PREFIX[i]) return null;
  return spki.subarray(ED25519_SPKI_PREFIX.length);
}

/**
 * Parsing SPKI costs more than an ECDSA verify; verifying many signatures with one key is the
 * common case, so the KeyObject is cached per spki buffer (weakly, so keys can be collected).
 */
const p256Cache = new WeakMap<Uint8Array, KeyObject | null>();

function p256KeyObject(spki: Uint8Array): KeyObject | null {
  const hit = p256Cache.get(spki);
  if (hit !== undefined) return hit;
  let ko: KeyObject | null = null;
  try {
    const parsed = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
    if (parsed.asymmetricKeyType === 'ec' && parsed.asymmetricKeyDetails?.namedCurve === 'prime256v1') ko = parsed;
  } catch {
    ko = null;
  }
  p256Cache.set(spki, ko);
  return ko;
}
