/**
 * The key algorithms Signet signs and verifies with: the two that cosign key files hold.
 * RSA and other curves are refused with KEY_UNSUPPORTED rather than half-supported.
 */
export type KeyAlgorithm = 'ed25519' | 'ecdsa-p256';

/** Human names for messages ("an Ed25519 key", "an ECDSA P-256 key"). */
export function algorithmName(alg: KeyAlgorithm): string {
  return alg === 'ed25519' ? 'Ed25519' : 'ECDSA P-256';
}

/** OpenSSL curve names mapped to the names people know, for KEY_UNSUPPORTED messages. */
const CURVE_NAMES: Readonly<Record<string, string>> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
  secp256k1: 'secp256k1',
  secp224r1: 'P-224',
};

export function curveName(openSslName: string | undefined): string {
  if (openSslName === undefined) return 'an unnamed curve (explicit parameters)';
  return CURVE_NAMES[openSslName] ?? openSslName;
}
