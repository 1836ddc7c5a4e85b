/**
 * Checks a cosign signature against a public key. Returns which scheme matched, or null.
 *
 * Never throws: signatures and keys arrive from registries and are untrusted, so anything
 * malformed is simply "does not verify". findSigner asks the same of many keys at once.
 *
 * - ed25519 keys: pure Ed25519 (what containers/image and Signet make) or Ed25519ph (RFC 8032
 *   prehash with SHA-512, empty context: what `cosign sign` makes with an Ed25519 key — Go's
 *   ed25519 with Options{Hash: SHA512}, sigstore's ED25519ph signer). Both use strict
 *   RFC 8032 decoding (zip215: false), closer to Go's crypto/ed25519 than ZIP-215. Pure Ed25519
 *   goes through OpenSSL with noble's verdict (ed25519-strict.ts); Ed25519ph is noble's alone.
 * - ecdsa-p256 keys: ECDSA over SHA-256, ASN.1 DER only, as cosign (Go's ecdsa.VerifyASN1).
 *   A raw 64-byte r||s is deliberately NOT accepted: cosign would reject it.
 * - ecdsa-p384 / ecdsa-p521 keys: ECDSA over SHA-384 / SHA-512, the hash that matches the curve
 *   (sigstore's algorithm registry: ECDSA_P384_SHA_384, ECDSA_P521_SHA_512), DER only.
 * - rsa keys: PKCS#1 v1.5 or PSS (salt length as the signature says, Go's PSSSaltLengthAuto),
 *   each over SHA-256, SHA-384 or SHA-512: every RSA scheme a cosign key can be used with.
 *   Accepting several hashes for one key is sound: each verifies only what that key's holder
 *   signed over these exact bytes.
 */
import { constants, createPublicKey, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { ed25519ph } from '@noble/curves/ed25519.js';
import { ED25519_SPKI_PREFIX, nobleVerifies, opensslVerifies, strictEd25519Key, type StrictEd25519Key } from './ed25519-strict.js';
import type { PublicKey } from './public-key.js';

export type SignatureScheme =
  | 'ed25519' | 'ed25519ph'
  | 'ecdsa-p256-sha256' | 'ecdsa-p384-sha384' | 'ecdsa-p521-sha512'
  | 'rsa-pkcs1v15-sha256' | 'rsa-pkcs1v15-sha384' | 'rsa-pkcs1v15-sha512'
  | 'rsa-pss-sha256' | 'rsa-pss-sha384' | 'rsa-pss-sha512';

/** A plain name for a scheme, for reasons shown to people. */
export function describeScheme(s: SignatureScheme): string {
  switch (s) {
    case 'ed25519': return 'Ed25519';
    case 'ed25519ph': return 'Ed25519ph, as cosign sign makes with an Ed25519 key';
    case 'ecdsa-p256-sha256': return 'ECDSA P-256, SHA-256';
    case 'ecdsa-p384-sha384': return 'ECDSA P-384, SHA-384';
    case 'ecdsa-p521-sha512': return 'ECDSA P-521, SHA-512';
    case 'rsa-pkcs1v15-sha256': return 'RSA PKCS#1 v1.5, SHA-256';
    case 'rsa-pkcs1v15-sha384': return 'RSA PKCS#1 v1.5, SHA-384';
    case 'rsa-pkcs1v15-sha512': return 'RSA PKCS#1 v1.5, SHA-512';
    case 'rsa-pss-sha256': return 'RSA-PSS, SHA-256';
    case 'rsa-pss-sha384': return 'RSA-PSS, SHA-384';
    case 'rsa-pss-sha512': return 'RSA-PSS, SHA-512';
  }
}

/** The hash each ECDSA curve is used with, and the scheme it names. */
const ECDSA: Readonly<Record<string, { curve: string; hash: string; scheme: SignatureScheme }>> = {
  'ecdsa-p256': { curve: 'prime256v1', hash: 'sha256', scheme: 'ecdsa-p256-sha256' },
  'ecdsa-p384': { curve: 'secp384r1', hash: 'sha384', scheme: 'ecdsa-p384-sha384' },
  'ecdsa-p521': { curve: 'secp521r1', hash: 'sha512', scheme: 'ecdsa-p521-sha512' },
};

const RSA_SCHEMES: ReadonlyArray<{ hash: string; padding: number; scheme: SignatureScheme }> = [
  { hash: 'sha256', padding: constants.RSA_PKCS1_PADDING, scheme: 'rsa-pkcs1v15-sha256' },
  { hash: 'sha384', padding: constants.RSA_PKCS1_PADDING, scheme: 'rsa-pkcs1v15-sha384' },
  { hash: 'sha512', padding: constants.RSA_PKCS1_PADDING, scheme: 'rsa-pkcs1v15-sha512' },
  { hash: 'sha256', padding: constants.RSA_PKCS1_PSS_PADDING, scheme: 'rsa-pss-sha256' },
  { hash: 'sha384', padding: constants.RSA_PKCS1_PSS_PADDING, scheme: 'rsa-pss-sha384' },
  { hash: 'sha512', padding: constants.RSA_PKCS1_PSS_PADDING, scheme: 'rsa-pss-sha512' },
];

const STRICT = { zip215: false } as const;

export function verifySignature(key: PublicKey, data: Uint8Array, signature: Uint8Array): SignatureScheme | null {
  return findSigner([key], (k) => k, data, signature)?.scheme ?? null;
}

/**
 * Which of `keys` made the signature, and how; null when none did. The same answer as asking
 * verifySignature of each key in turn, at a fraction of the cost when there are many Ed25519
 * keys: the cheap checks run over every key before any slow one. An ECDSA check, and OpenSSL's
 * Ed25519 "yes", are final (about 0.1 ms). An Ed25519 "no" from OpenSSL is not (ed25519-strict.ts):
 * those keys are tried next for Ed25519ph, then for pure Ed25519 by noble, each about 1.3 ms. So a
 * pure Ed25519 signature without a key hint (skopeo's) costs 0.1 ms per trusted key that did not
 * make it, not 2.6 ms.
 *
 * The order of `keys` decides only between keys that both verify the signature, which takes a
 * key listed twice, or keys built to share signatures (small-order components), never two honest
 * keys; such a pair may be credited in cheap-check order rather than list order.
 */
export function findSigner<K>(keys: readonly K[], publicKeyOf: (k: K) => PublicKey, data: Uint8Array, signature: Uint8Array): { key: K; scheme: SignatureScheme } | null {
  const slow: Array<{ key: K; raw: Uint8Array; strict: StrictEd25519Key | null }> = [];
  for (const key of keys) {
    const publicKey = publicKeyOf(key);
    switch (publicKey.algorithm) {
      case 'ed25519': {
        const raw = ed25519RawKey(publicKey.spki);
        if (raw === null || signature.length !== 64) break;
        const strict = ed25519Key(publicKey.spki, raw);
        if (never(() => opensslVerifies(strict, data, signature))) return { key, scheme: 'ed25519' };
        slow.push({ key, raw, strict });
        break;
      }
      case 'ecdsa-p256':
      case 'ecdsa-p384':
      case 'ecdsa-p521': {
        const { curve, hash, scheme } = ECDSA[publicKey.algorithm]!;
        const ko = keyObject(publicKey.spki, (k) => k.asymmetricKeyType === 'ec' && k.asymmetricKeyDetails?.namedCurve === curve);
        if (ko !== null && never(() => nodeVerify(hash, data, { key: ko, dsaEncoding: 'der' }, signature))) return { key, scheme };
        break;
      }
      case 'rsa': {
        const ko = keyObject(publicKey.spki, (k) => k.asymmetricKeyType === 'rsa');
        // Only a signature as long as the modulus can verify (RFC 8017 §8.1.2, §8.2.2).
        if (ko === null || signature.length !== Math.ceil((ko.asymmetricKeyDetails?.modulusLength ?? 0) / 8)) break;
        for (const { hash, padding, scheme } of RSA_SCHEMES) {
          if (never(() => nodeVerify(hash, data, { key: ko, padding, saltLength: constants.RSA_PSS_SALTLEN_AUTO }, signature))) return { key, scheme };
        }
        break;
      }
      default:
        break;
    }
  }
  for (const { key, raw } of slow) if (never(() => ed25519ph.verify(signature, data, raw, STRICT))) return { key, scheme: 'ed25519ph' };
  for (const { key, strict } of slow) if (never(() => nobleVerifies(strict, data, signature))) return { key, scheme: 'ed25519' };
  return null;
}

/** Signatures and keys come from registries: anything a library throws on is "does not verify". */
function never(check: () => boolean): boolean {
  try {
    return check();
  } catch {
    return false;
  }
}

function ed25519RawKey(spki: Uint8Array): Uint8Array | null {
  if (spki.length !== ED25519_SPKI_PREFIX.length + 32) return null;
  for (let i = 0; i < ED25519_SPKI_PREFIX.length; i++) if (spki[i] !== ED25519_SPKI_PREFIX[i]) return null;
  return spki.subarray(ED25519_SPKI_PREFIX.length);
}

/** Checking the key costs about one noble verify: done once per key (see p256Cache for why per spki buffer). */
const ed25519Cache = new WeakMap<Uint8Array, StrictEd25519Key | null>();

function ed25519Key(spki: Uint8Array, raw: Uint8Array): StrictEd25519Key | null {
  let key = ed25519Cache.get(spki);
  if (key === undefined) {
    key = strictEd25519Key(raw);
    ed25519Cache.set(spki, key);
  }
  return key;
}

/**
 * Parsing SPKI costs more than an ECDSA verify; verifying many signatures with one key is the
 * common case, so the KeyObject is cached per spki buffer (weakly, so keys can be collected).
 * A key whose SPKI is not of the kind its label says (`fits`) never verifies anything.
 */
const keyObjectCache = new WeakMap<Uint8Array, KeyObject | null>();

function keyObject(spki: Uint8Array, fits: (k: KeyObject) => boolean): KeyObject | null {
  let ko = keyObjectCache.get(spki);
  if (ko === undefined) {
    try {
      ko = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
    } catch {
      ko = null;
    }
    keyObjectCache.set(spki, ko);
  }
  return ko !== null && fits(ko) ? ko : null;
}
