/**
 * Public keys as cosign stores them: a PEM "PUBLIC KEY" block holding a DER SubjectPublicKeyInfo.
 * The SPKI is re-encoded canonically so equal keys always have equal bytes (and so equal
 * fingerprints), however the input encoded them (e.g. a compressed EC point).
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { SignetError } from '../errors.js';
import type { PublicKeyAlgorithm } from './algorithms.js';
import { publicKeyAlgorithmOf } from './key-object.js';
import { decodePem, encodePem } from './pem.js';

export interface PublicKey {
  /** What it verifies; a key Signet signs with is narrower (KeyAlgorithm, private-key.ts). */
  algorithm: PublicKeyAlgorithm;
  /** DER SubjectPublicKeyInfo, canonical (EC points uncompressed, as Go's x509 writes them). */
  spki: Uint8Array;
  /** '-----BEGIN PUBLIC KEY-----' PEM of `spki`, as cosign writes cosign.pub. */
  pem: string;
  /** 'SHA256:' + lowercase hex of sha256(spki), to name a key in messages and logs. */
  fingerprint: string;
}

const PUBLIC_KEY_LABEL = 'PUBLIC KEY';

export function parsePublicKeyPem(pem: string): PublicKey {
  const block = decodePem(pem, 'public key');
  if (block.label !== PUBLIC_KEY_LABEL) throw wrongLabel(block.label);
  return publicKeyFromSpki(block.bytes);
}

export function publicKeyFromSpki(spki: Uint8Array): PublicKey {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  } catch (e) {
    throw new SignetError('KEY_INVALID', 'The public key is not a valid SubjectPublicKeyInfo (the DER structure inside a "PUBLIC KEY" PEM block could not be read).', {}, { cause: e });
  }
  return publicKeyFromKeyObject(key, 'public key');
}

/** Used by private-key.ts to derive the public half; `what` names the source in errors. */
export function publicKeyFromKeyObject(key: KeyObject, what: string): PublicKey {
  const algorithm = publicKeyAlgorithmOf(key, what);
  const canonical = new Uint8Array(canonicalKey(key).export({ format: 'der', type: 'spki' }));
  return Object.freeze({
    algorithm,
    spki: canonical,
    pem: encodePem(PUBLIC_KEY_LABEL, canonical),
    fingerprint: fingerprintOf(canonical),
  });
}

/**
 * OpenSSL keeps an EC point compressed if it was read compressed; a JWK round trip rebuilds it
 * uncompressed, which is what Go's x509.MarshalPKIXPublicKey (and so cosign) always writes.
 */
function canonicalKey(key: KeyObject): KeyObject {
  if (key.asymmetricKeyType !== 'ec') return key;
  return createPublicKey({ key: key.export({ format: 'jwk' }), format: 'jwk' });
}

export function fingerprintOf(spki: Uint8Array): string {
  return `SHA256:${createHash('sha256').update(spki).digest('hex')}`;
}

/** Plain reasons for the usual mix-ups: a certificate, a private key, a PKCS#1 RSA PEM. */
function wrongLabel(label: string): SignetError {
  if (label === 'RSA PUBLIC KEY') {
    return new SignetError('KEY_UNSUPPORTED', 'The public key is an RSA key in PKCS#1 form ("RSA PUBLIC KEY"); give it as a "PUBLIC KEY" PEM, as cosign writes it (openssl rsa -RSAPublicKey_in -pubout).', { label });
  }
  if (label.includes('PRIVATE KEY')) {
    return new SignetError('KEY_INVALID', `This is a private key ("${label}"), not a public key: give the public key file (cosign.pub) instead.`, { label });
  }
  if (label === 'CERTIFICATE') {
    return new SignetError('KEY_INVALID', 'This is a certificate, not a public key: give the public key file (a "PUBLIC KEY" PEM, like cosign.pub).', { label });
  }
  return new SignetError('KEY_INVALID', `The PEM block is "${label}", but a public key ("PUBLIC KEY") was expected.`, { label });
}
