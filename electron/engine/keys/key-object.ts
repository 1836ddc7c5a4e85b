/**
 * Maps a node:crypto KeyObject to a Signet KeyAlgorithm, refusing everything cosign key pairs
 * cannot be. Node (OpenSSL) does the ASN.1 parsing so we never hand-roll a DER parser for keys.
 */
import type { KeyObject } from 'node:crypto';
import { SignetError } from '../errors.js';
import { curveName, type KeyAlgorithm } from './algorithms.js';

export function algorithmOf(key: KeyObject, what: string): KeyAlgorithm {
  const type = key.asymmetricKeyType;
  switch (type) {
    case 'ed25519':
      return 'ed25519';
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      if (curve === 'prime256v1') return 'ecdsa-p256';
      throw new SignetError('KEY_UNSUPPORTED', `The ${what} is an ECDSA key on ${curveName(curve)}; Signet supports ECDSA only on P-256 (and Ed25519).`, { curve });
    }
    case 'rsa':
    case 'rsa-pss':
      throw new SignetError('KEY_UNSUPPORTED', `The ${what} is an RSA key; Signet supports only Ed25519 and ECDSA P-256 keys (what \`cosign generate-key-pair\` makes).`, { type });
    default:
      throw new SignetError('KEY_UNSUPPORTED', `The ${what} is a ${type ?? 'unknown'} key; Signet supports only Ed25519 and ECDSA P-256 keys.`, { type });
  }
}
