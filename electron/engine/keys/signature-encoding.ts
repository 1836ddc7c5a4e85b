import type { KeyAlgorithm } from './algorithms.js';

/**
 * Whether signature bytes are even well formed for an algorithm, independent of any key.
 * A signature that fails every trusted key is normally "by an unknown key"; one that no key of
 * that algorithm could ever have produced is evidence of damage or tampering, so it is INVALID.
 * Returns a plain description of the problem, or null when the encoding is sound.
 */
export function signatureEncodingProblem(alg: KeyAlgorithm, sig: Uint8Array): string | null {
  return alg === 'ed25519' ? ed25519Problem(sig) : ecdsaDerProblem(sig);
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

/** P-256 group order n. */
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

/** ASN.1 DER `SEQUENCE { INTEGER r, INTEGER s }` with minimal encodings and 0 < r, s < n. */
function ecdsaDerProblem(sig: Uint8Array): string | null {
  const bad = (why: string) => `it is not an ASN.1 DER ECDSA signature (${why})`;
  if (sig.length < 8 || sig.length > 72) return bad(`${sig.length} bytes`);
  if (sig[0] !== 0x30) return bad('no SEQUENCE');
  if (sig[1] !== sig.length - 2) return bad('the SEQUENCE length does not match');
  let pos = 2;
  const ints: bigint[] = [];
  for (let i = 0; i < 2; i++) {
    if (sig[pos] !== 0x02) return bad('an INTEGER is missing');
    const len = sig[pos + 1];
    if (len === undefined || len === 0 || pos + 2 + len > sig.length) return bad('an INTEGER length is wrong');
    const body = sig.subarray(pos + 2, pos + 2 + len);
    if (body[0]! & 0x80) return bad('a negative INTEGER');
    if (body.length > 1 && body[0] === 0 && !(body[1]! & 0x80)) return bad('an INTEGER is not minimally encoded');
    let n = 0n;
    for (const b of body) n = (n << 8n) | BigInt(b);
    ints.push(n);
    pos += 2 + len;
  }
  if (pos !== sig.length) return bad('trailing bytes');
  if (ints.some((n) => n === 0n || n >= P256_N)) return bad('r or s is out of range');
  return null;
}
