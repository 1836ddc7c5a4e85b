// Ed25519 inputs that strict and lenient verifiers treat differently, built with noble's point
// arithmetic: torsion (small-order) points, mixed-order keys, signatures made with any scalar and
// any R, non-canonical encodings. Used to compare Signet's fast verify with noble's strict one.
import { createPrivateKey, createPublicKey, sign as nodeSign } from 'node:crypto';
import { sha512 } from '@noble/hashes/sha2.js';
import { ed } from '../../electron/engine/keys/noble-ed25519.js';

type Point = InstanceType<typeof ed.Point>;

/** The group order L and the field prime p (RFC 8032 §5.1). */
export const L = (1n << 252n) + 27742317777372353535851937790883648493n;
export const P = (1n << 255n) - 19n;

export function fromLittleEndian(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}

/** 32 bytes little-endian; n must be below 2^256. */
export function toLittleEndian(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++, n >>= 8n) out[i] = Number(n & 0xffn);
  return out;
}

const modL = (n: bigint) => ((n % L) + L) % L;

/** k = SHA-512(R || A || M) mod L, the challenge both verifiers compute from the raw bytes. */
export function challenge(r: Uint8Array, a: Uint8Array, message: Uint8Array): bigint {
  return modL(fromLittleEndian(sha512(Buffer.concat([r, a, message]))));
}

/** The 8 points of order dividing 8, the identity first: [i]T for a point T of order 8. */
export const TORSION: readonly Point[] = (() => {
  // [L]Q for a point Q of the full group (order 8L) has order 8. Try Q from fixed bytes until one is.
  for (let i = 0; ; i++) {
    let q: Point;
    try {
      q = ed.Point.fromBytes(sha512(Uint8Array.of(i)).subarray(0, 32));
    } catch {
      continue; // not a point
    }
    const t = q.multiply(L / 2n, false).double().add(q);
    if (t.multiply(4n, false).is0()) continue;
    const out: Point[] = [ed.Point.ZERO];
    for (let j = 1; j < 8; j++) out.push(out[j - 1]!.add(t));
    return out;
  }
})();

/** Every 32-byte string that names a torsion point: each canonical encoding, and with its sign bit flipped. */
export const TORSION_ENCODINGS: readonly Uint8Array[] = TORSION.flatMap((t) => {
  const b = t.toBytes();
  const flipped = Uint8Array.from(b);
  flipped[31] = flipped[31]! ^ 0x80;
  return [b, flipped];
});

export const basePoint = (scalar: bigint): Point => (scalar === 0n ? ed.Point.ZERO : ed.Point.BASE.multiply(scalar));

/**
 * A signature as a signer holding scalar `a` for the key bytes `aBytes` would make it, with nonce
 * point R = [r]B + rExtra (rExtra a torsion point makes R mixed-order): S = r + k·a mod L.
 * With `rBytes` the R bytes are given instead (any 32 bytes) and S = k·a + s0.
 */
export function signWithScalar(a: bigint, aBytes: Uint8Array, message: Uint8Array, nonce: { r: bigint; rExtra?: Point } | { rBytes: Uint8Array; s0: bigint }): Uint8Array {
  const rBytes = 'rBytes' in nonce ? nonce.rBytes : basePoint(nonce.r).add(nonce.rExtra ?? ed.Point.ZERO).toBytes();
  const k = challenge(rBytes, aBytes, message);
  const s = 'rBytes' in nonce ? modL(k * a + nonce.s0) : modL(nonce.r + k * a);
  return Uint8Array.from(Buffer.concat([rBytes, toLittleEndian(s)]));
}

/** An ordinary key pair from a 32-byte seed, signing through node:crypto (fast, and what Signet's signer does). */
export function seedKeyPair(seed: Uint8Array): { publicKey: Uint8Array; sign: (message: Uint8Array) => Uint8Array } {
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  const priv = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(priv).export({ format: 'der', type: 'spki' });
  return { publicKey: new Uint8Array(spki.subarray(12)), sign: (m) => new Uint8Array(nodeSign(null, m, priv)) };
}

/** Replaces S (the last 32 bytes) of a signature. */
export function withS(signature: Uint8Array, s: bigint): Uint8Array {
  return Uint8Array.from(Buffer.concat([signature.subarray(0, 32), toLittleEndian(s)]));
}

/** A y-coordinate encoding at or above p: y = p + d (d in 0..18), with or without the sign bit. */
export function nonCanonicalEncoding(d: number, signBit: boolean): Uint8Array {
  const b = toLittleEndian(P + BigInt(d));
  if (signBit) b[31] = b[31]! | 0x80;
  return b;
}
