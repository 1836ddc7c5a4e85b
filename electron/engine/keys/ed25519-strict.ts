/**
 * Strict Ed25519 verification at OpenSSL's speed, with exactly the verdict of
 * `@noble/ed25519` `verify(sig, msg, key, { zip215: false })` for every input.
 *
 * noble (pure JavaScript) takes about 1.3 ms per signature, OpenSSL about 0.1 ms. The two differ:
 *
 *  - noble strict rejects a public key that is not a canonical encoding (y >= p, or x = 0 with
 *    the sign bit set), is not on the curve, or has small order (one of the 8 torsion points).
 *    OpenSSL 3.0 decodes y modulo p and accepts small-order keys, under which anyone can forge
 *    (with A the identity, R = [S]B passes for any message). So the key is checked here once,
 *    by noble itself, and a key noble refuses never verifies anything.
 *  - both reject S >= L (checked here too, so the argument below does not rest on it) and a
 *    non-canonical R (noble by decoding it, OpenSSL because it compares R with the canonical
 *    encoding of the point it computes).
 *  - noble checks the cofactored equation [8]([S]B - R - [k]A) = 0, OpenSSL the cofactorless
 *    [S]B - [k]A = R. Both hash the same bytes for k.
 *
 * Hence OpenSSL's "yes" is noble's "yes": for a key noble accepts, both decode A to the same
 * point; OpenSSL saying yes means R is the canonical encoding of [S]B - [k]A, which noble decodes
 * to that point, and then the cofactored equation holds too. OpenSSL's "no" is not always noble's
 * "no": when R or A carries a small-order component, the cofactored equation can hold while the
 * cofactorless one fails. No honest signer makes such signatures, but the verdict must not
 * depend on the library, so OpenSSL's "no" is confirmed by noble. The common case, a valid
 * signature, costs one OpenSSL verify; a signature that fails costs both.
 * test/property/ed25519-strict.test.ts compares this with noble on all of these cases.
 */
import { createPublicKey, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { ed } from './noble-ed25519.js';
import { signatureEncodingProblem } from './signature-encoding.js';

const STRICT = { zip215: false } as const;
/** DER prefix of every Ed25519 SubjectPublicKeyInfo (RFC 8410): SEQUENCE, AlgorithmIdentifier 1.3.101.112, BIT STRING of 33. */
export const ED25519_SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);

/** A public key that passed noble's strict key checks, with OpenSSL's handle on it when OpenSSL could load it. */
export interface StrictEd25519Key {
  raw: Uint8Array;
  openssl: KeyObject | null;
}

/** The key, ready for verifyEd25519Strict; null when strict verification rejects every signature under it. */
export function strictEd25519Key(raw: Uint8Array): StrictEd25519Key | null {
  if (raw.length !== 32) return null;
  try {
    // The same decoding and small-order test that noble's strict verify applies to the key.
    if (ed.Point.fromBytes(raw, false).isSmallOrder()) return null;
  } catch {
    return null;
  }
  let openssl: KeyObject | null = null;
  try {
    openssl = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
  } catch {
    openssl = null; // then noble decides every signature
  }
  return { raw: Uint8Array.from(raw), openssl };
}

export function verifyEd25519Strict(key: StrictEd25519Key | null, message: Uint8Array, signature: Uint8Array): boolean {
  return opensslVerifies(key, message, signature) || nobleVerifies(key, message, signature);
}

/**
 * The fast half: OpenSSL's "yes", which is the strict verdict's "yes" (see above). Its "no" is
 * not final; nobleVerifies decides then. Callers with many keys ask this of every key first.
 */
export function opensslVerifies(key: StrictEd25519Key | null, message: Uint8Array, signature: Uint8Array): boolean {
  if (key === null || key.openssl === null || !wellFormed(signature)) return false;
  return nodeVerify(null, message, key.openssl, signature);
}

/** The slow half: noble's strict verdict, which is the verdict. */
export function nobleVerifies(key: StrictEd25519Key | null, message: Uint8Array, signature: Uint8Array): boolean {
  if (key === null || !wellFormed(signature)) return false;
  return ed.verify(signature, message, key.raw, STRICT);
}

/** 64 bytes, S < L and R's y < p; noble says no to anything else, so OpenSSL is never asked. */
function wellFormed(signature: Uint8Array): boolean {
  return signature.length === 64 && signatureEncodingProblem('ed25519', signature) === null;
}
