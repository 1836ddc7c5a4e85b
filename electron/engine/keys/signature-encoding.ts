import { RSA_MAX_BITS, RSA_MIN_BITS, type PublicKeyAlgorithm } from './algorithms.js';

/**
 * Whether signature bytes are even well formed for an algorithm, independent of any key.
 * A signature that fails every trusted key is normally "by an unknown key"; one that no key of
 * that algorithm could ever have produced is evidence of damage or tampering, so it is INVALID.
 * Returns a plain description of the problem, or null when the encoding is sound.
 */
export function signatureEncodingProblem(alg: PublicKeyAlgorithm, sig: Uint8Array): string | null {
  switch (alg) {
    case 'ed25519': return ed25519Problem(sig);
    case 'ecdsa-p256': return ecdsaDerProblem(sig, P256_N);
    case 'ecdsa-p384': return ecdsaDerProblem(sig, P384_N);
    case 'ecdsa-p521': return ecdsaDerProblem(sig, P521_N);
    case 'rsa': return rsaProblem(sig);
  }
}

/** Ed25519 group order L = 2^252 + 27742317777372353535851937790883648493 (RFC 8032 §5.1). */
const ED25519_L = (1n << 252n) + 27742317777372353535851937790883648493n;
/** The field prime 2^255 - 19: an encoded y coordinate must be below it. */
const ED25519_P = (1n << 255n) - 19n;

function littleEndian(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}

function ed25519Problem(sig: Uint8Array): string | null {
  if (sig.length !== 64) return `an Ed25519 signature is 64 bytes, this one is ${sig.length}`;
  const s = littleEndian(sig.subarray(32));
  if (s >= ED25519_L) return 'its S value is not below the group order (RFC 8032 requires it)';
  const r = sig.subarray(0, 32);
  const y = littleEndian(r) & ((1n << 255n) - 1n);
  if (y >= ED25519_P) return 'its R value is not a canonical point encoding';
  return null;
}

/** Group orders n (SEC 2 / FIPS 186-4). */
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const P384_N = 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n;
const P521_N = 0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n;

/**
 * ASN.1 DER `SEQUENCE { INTEGER r, INTEGER s }` with minimal encodings and 0 < r, s < n.
 * P-521 signatures exceed 127 bytes, so the SEQUENCE length may take the long form (0x81 LL);
 * DER requires the short form whenever it fits.
 */
function ecdsaDerProblem(sig: Uint8Array, n: bigint): string | null {
  const bad = (why: string) => `it is not an ASN.1 DER ECDSA signature (${why})`;
  const intMax = Math.ceil(n.toString(16).length / 2) + 1; // the order's bytes, plus a sign byte
  const bodyMax = 2 * (2 + intMax);
  const totalMax = bodyMax < 0x80 ? 2 + bodyMax : 3 + bodyMax;
  if (sig.length < 8 || sig.length > totalMax) return bad(`${sig.length} bytes`);
  if (sig[0] !== 0x30) return bad('no SEQUENCE');
  let pos: number;
  if (sig[1]! < 0x80) {
    if (sig[1] !== sig.length - 2) return bad('the SEQUENCE length does not match');
    pos = 2;
  } else {
    if (sig[1] !== 0x81 || sig[2]! < 0x80) return bad('the SEQUENCE length is not in DER form');
    if (sig[2] !== sig.length - 3) return bad('the SEQUENCE length does not match');
    pos = 3;
  }
  const ints: bigint[] = [];
  for (let i = 0; i < 2; i++) {
    if (sig[pos] !== 0x02) return bad('an INTEGER is missing');
    const len = sig[pos + 1];
    if (len === undefined || len === 0 || len > intMax || pos + 2 + len > sig.length) return bad('an INTEGER length is wrong');
    const body = sig.subarray(pos + 2, pos + 2 + len);
    if (body[0]! & 0x80) return bad('a negative INTEGER');
    if (body.length > 1 && body[0] === 0 && !(body[1]! & 0x80)) return bad('an INTEGER is not minimally encoded');
    let v = 0n;
    for (const b of body) v = (v << 8n) | BigInt(b);
    ints.push(v);
    pos += 2 + len;
  }
  if (pos !== sig.length) return bad('trailing bytes');
  if (ints.some((v) => v === 0n || v >= n)) return bad('r or s is out of range');
  return null;
}

/** An RSA signature is as long as the key's modulus: 256 to 512 bytes for the keys cosign accepts. */
function rsaProblem(sig: Uint8Array): string | null {
  const min = RSA_MIN_BITS / 8;
  const max = RSA_MAX_BITS / 8;
  if (sig.length < min || sig.length > max) return `an RSA signature by a key of ${RSA_MIN_BITS} to ${RSA_MAX_BITS} bits is ${min} to ${max} bytes, this one is ${sig.length}`;
  return null;
}
