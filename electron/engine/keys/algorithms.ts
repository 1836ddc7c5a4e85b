/**
 * Key algorithms. Signet *signs* with the two that `cosign generate-key-pair` and Signet's own
 * keys use (KeyAlgorithm). It *verifies* with every public key cosign accepts for a key-based
 * signature (PublicKeyAlgorithm): ECDSA on P-256, P-384 and P-521 (sigstore's
 * cryptoutils.ValidatePubKey), RSA of 2048 to 4096 bits, and Ed25519. Other curves, smaller or
 * larger RSA keys and RSASSA-PSS-only keys (which Go's x509 cannot read) are refused with
 * KEY_UNSUPPORTED rather than half-supported.
 */
export type KeyAlgorithm = 'ed25519' | 'ecdsa-p256';

export type PublicKeyAlgorithm = KeyAlgorithm | 'ecdsa-p384' | 'ecdsa-p521' | 'rsa';

export const SIGNING_ALGORITHMS: readonly KeyAlgorithm[] = ['ed25519', 'ecdsa-p256'];
export const PUBLIC_KEY_ALGORITHMS: readonly PublicKeyAlgorithm[] = ['ed25519', 'ecdsa-p256', 'ecdsa-p384', 'ecdsa-p521', 'rsa'];

/** RSA modulus sizes cosign accepts (sigstore cryptoutils: 2048 to 4096 bits). */
export const RSA_MIN_BITS = 2048;
export const RSA_MAX_BITS = 4096;

export function isSigningAlgorithm(alg: PublicKeyAlgorithm): alg is KeyAlgorithm {
  return (SIGNING_ALGORITHMS as readonly string[]).includes(alg);
}

/** Human names for messages ("an Ed25519 key", "an ECDSA P-256 key"). */
export function algorithmName(alg: PublicKeyAlgorithm): string {
  switch (alg) {
    case 'ed25519': return 'Ed25519';
    case 'ecdsa-p256': return 'ECDSA P-256';
    case 'ecdsa-p384': return 'ECDSA P-384';
    case 'ecdsa-p521': return 'ECDSA P-521';
    case 'rsa': return 'RSA';
  }
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
