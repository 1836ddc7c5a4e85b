/**
 * Maps a node:crypto KeyObject to a Signet algorithm, refusing every key cosign could not use.
 * Node (OpenSSL) does the ASN.1 parsing so we never hand-roll a DER parser for keys.
 * publicKeyAlgorithmOf: what Signet verifies with; algorithmOf: what it signs with.
 */
import type { KeyObject } from 'node:crypto';
import { SignetError } from '../errors.js';
import { algorithmName, curveName, isSigningAlgorithm, RSA_MAX_BITS, RSA_MIN_BITS, type KeyAlgorithm, type PublicKeyAlgorithm } from './algorithms.js';

const EC_CURVES: Readonly<Record<string, PublicKeyAlgorithm>> = {
  prime256v1: 'ecdsa-p256',
  secp384r1: 'ecdsa-p384',
  secp521r1: 'ecdsa-p521',
};

export function publicKeyAlgorithmOf(key: KeyObject, what: string): PublicKeyAlgorithm {
  const type = key.asymmetricKeyType;
  switch (type) {
    case 'ed25519':
      return 'ed25519';
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      const alg = curve === undefined ? undefined : EC_CURVES[curve];
      if (alg !== undefined) return alg;
      throw new SignetError('KEY_UNSUPPORTED', `The ${what} is an ECDSA key on ${curveName(curve)}; Signet supports ECDSA on P-256, P-384 and P-521 (as cosign does).`, { curve });
    }
    case 'rsa': {
      const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
      if (bits >= RSA_MIN_BITS && bits <= RSA_MAX_BITS) return 'rsa';
      throw new SignetError('KEY_UNSUPPORTED', `The ${what} is an RSA key of ${bits} bits; Signet accepts RSA keys of ${RSA_MIN_BITS} to ${RSA_MAX_BITS} bits (as cosign does).`, { type, bits });
    }
    case 'rsa-pss':
      throw new SignetError('KEY_UNSUPPORTED', `The ${what} is an RSASSA-PSS-only RSA key (OID 1.2.840.113549.1.1.10), which cosign cannot read; give the key as a plain RSA public key.`, { type });
    default:
      throw new SignetError('KEY_UNSUPPORTED', `The ${what} is a ${type ?? 'unknown'} key; Signet supports Ed25519, ECDSA (P-256, P-384, P-521) and RSA keys.`, { type });
  }
}

/** The algorithm of a key Signet signs with: Ed25519 or ECDSA P-256 (what `cosign generate-key-pair` makes). */
export function algorithmOf(key: KeyObject, what: string): KeyAlgorithm {
  const type = key.asymmetricKeyType;
  if (type === 'rsa' || type === 'rsa-pss') {
    throw new SignetError('KEY_UNSUPPORTED', `The ${what} is an RSA key; Signet signs only with Ed25519 and ECDSA P-256 keys (what \`cosign generate-key-pair\` makes).`, { type });
  }
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve !== 'prime256v1') throw new SignetError('KEY_UNSUPPORTED', `The ${what} is an ECDSA key on ${curveName(curve)}; Signet signs with ECDSA only on P-256 (and with Ed25519).`, { curve });
  }
  const alg = publicKeyAlgorithmOf(key, what);
  if (!isSigningAlgorithm(alg)) throw new SignetError('KEY_UNSUPPORTED', `The ${what} is ${algorithmName(alg)}; Signet signs only with Ed25519 and ECDSA P-256 keys.`, { alg });
  return alg;
}
