// Differential test: Signet's fast Ed25519 verify (OpenSSL, confirmed by noble where they could
// differ; keys/ed25519-strict.ts) must give exactly the verdict of @noble/ed25519's strict verify
// ({ zip215: false }) on every input. Each family of inputs runs a fifth of SIGNET_FUZZ_RUNS
// (2,000 in CI, 40,000 under `npm run fuzz`): every case costs a noble verify (~1.5 ms), and at
// 10,000 per family this one file took minutes of the suite. It is a differential check of two
// verifiers, not a parser of outside bytes, so the 10,000-case floor of the parser tests does not
// bind it; the edge families are built to hit their case on every run (the tallies prove it). Tallies check that each family reaches the case it is for: OpenSSL alone would
// have answered differently in the small-order, non-canonical and mixed-order families.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import fc from 'fast-check';
import { ed } from '../../electron/engine/keys/noble-ed25519.js';
import { ED25519_SPKI_PREFIX, strictEd25519Key, verifyEd25519Strict } from '../../electron/engine/keys/ed25519-strict.js';
import { basePoint, fromLittleEndian, L, nonCanonicalEncoding, seedKeyPair, signWithScalar, TORSION, TORSION_ENCODINGS, withS } from '../helpers/ed25519-cases.js';
import { params, RUNS as FUZZ_RUNS } from './fuzz.js';

const RUNS = Math.max(1_000, Math.round(FUZZ_RUNS / 5));

interface Case { key: Uint8Array; message: Uint8Array; signature: Uint8Array }

const noble = (c: Case) => ed.verify(c.signature, c.message, c.key, { zip215: false });
const fast = (c: Case) => verifyEd25519Strict(strictEd25519Key(c.key), c.message, c.signature);

/** OpenSSL's answer alone, as Node gives it; null when OpenSSL will not load the key. */
function openssl(c: Case): boolean | null {
  try {
    const ko = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, c.key]), format: 'der', type: 'spki' });
    return nodeVerify(null, c.message, ko, c.signature);
  } catch {
    return null;
  }
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const show = (c: Case) => `key ${hex(c.key)} sig ${hex(c.signature)} msg ${hex(c.message)}`;

interface Tally { runs: number; nobleYes: number; opensslDiffers: number }

/** Asserts agreement on every generated case and counts what noble and OpenSSL alone said. */
function checkAgreement(cases: fc.Arbitrary<Case>): Tally {
  const t: Tally = { runs: 0, nobleYes: 0, opensslDiffers: 0 };
  fc.assert(fc.property(cases, (c) => {
    const want = noble(c);
    assert.equal(fast(c), want, `fast verify disagrees with noble strict on ${show(c)}`);
    t.runs++;
    if (want) t.nobleYes++;
    if (openssl(c) !== want) t.opensslDiffers++;
  }), params(RUNS));
  return t;
}

const seed = fc.uint8Array({ minLength: 32, maxLength: 32 });
const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const bytes64 = fc.uint8Array({ minLength: 64, maxLength: 64 });
const message = fc.uint8Array({ maxLength: 200 });
const scalar = fc.bigInt({ min: 1n, max: L - 1n });
const torsionIndex = fc.integer({ min: 0, max: TORSION.length - 1 });
const torsionEncoding = fc.constantFrom(...TORSION_ENCODINGS);
/** A key pair made from a scalar, so tests can sign with any R: key bytes and the scalar. */
const scalarKey = scalar.map((a) => ({ a, key: basePoint(a).toBytes() }));
/** R = [s]B, S = s: passes the cofactorless equation under a key A whenever [k]A is the identity. */
const forgery = (s: bigint) => withS(Uint8Array.from([...basePoint(s).toBytes(), ...new Uint8Array(32)]), s);

const valid = fc.tuple(seed, message).map(([s, m]): Case => {
  const kp = seedKeyPair(s);
  return { key: kp.publicKey, message: m, signature: kp.sign(m) };
});

test(`valid signatures: accepted by both (${RUNS} runs)`, () => {
  const t = checkAgreement(valid);
  assert.equal(t.nobleYes, t.runs, 'every valid signature verifies');
});

test(`random bytes as key, signature and message: the same verdict (${RUNS} runs)`, () => {
  const key = fc.oneof(bytes32, valid.map((c) => c.key));
  checkAgreement(fc.record({ key, message, signature: bytes64 }));
});

test(`S >= L (S + jL of a valid signature, and any S above L): rejected by both (${RUNS} runs)`, () => {
  const highS = fc.oneof(
    fc.tuple(valid, fc.integer({ min: 1, max: 15 })).map(([c, j]) => {
      const s = fromLittleEndian(c.signature.subarray(32)) + BigInt(j) * L;
      return s < 1n << 256n ? { ...c, signature: withS(c.signature, s) } : { ...c, signature: withS(c.signature, L) };
    }),
    fc.tuple(valid, fc.bigInt({ min: L, max: (1n << 256n) - 1n })).map(([c, s]) => ({ ...c, signature: withS(c.signature, s) })),
  );
  const t = checkAgreement(highS);
  assert.equal(t.nobleYes, 0);
});

test(`non-canonical R and A encodings (y >= p): the same verdict (${RUNS} runs)`, () => {
  const encoding = fc.tuple(fc.integer({ min: 0, max: 18 }), fc.boolean()).map(([d, sign]) => nonCanonicalEncoding(d, sign));
  const cases = fc.oneof(
    // A non-canonical. y = p + 1 and y = p decode (leniently) to the identity and a point of order
    // 4, under which R = [s]B, S = s forges a signature OpenSSL alone accepts.
    fc.tuple(encoding, scalar, message).map(([key, s, m]): Case => ({ key, message: m, signature: forgery(s) })),
    fc.tuple(encoding, message, bytes64).map(([key, m, sig]): Case => ({ key, message: m, signature: sig })),
    // R non-canonical under a sound key; S = k·a (+ s0) makes [S]B - [k]A = [s0]B.
    fc.tuple(scalarKey, encoding, message, fc.oneof(fc.constant(0n), scalar)).map(([k, r, m, s0]): Case => ({ key: k.key, message: m, signature: signWithScalar(k.a, k.key, m, { rBytes: r, s0 }) })),
  );
  const t = checkAgreement(cases);
  assert.equal(t.nobleYes, 0, 'noble rejects every non-canonical encoding');
  assert.ok(t.opensslDiffers > 0, `OpenSSL alone accepted some of these (${t.opensslDiffers} of ${t.runs})`);
});

test(`small-order points (the 8 torsion points, with and without the sign bit) as A and as R: the same verdict (${RUNS} runs)`, () => {
  const cases = fc.oneof(
    // A small-order: the forgery passes OpenSSL's equation when [k]A happens to be the identity.
    fc.tuple(torsionEncoding, scalar, message).map(([key, s, m]): Case => ({ key, message: m, signature: forgery(s) })),
    fc.tuple(torsionEncoding, message, bytes64).map(([key, m, sig]): Case => ({ key, message: m, signature: sig })),
    // R small-order under a sound key, S = k·a: [S]B - [k]A - R = -R, which the cofactor clears.
    fc.tuple(scalarKey, torsionEncoding, message, fc.oneof(fc.constant(0n), scalar)).map(([k, r, m, s0]): Case => ({ key: k.key, message: m, signature: signWithScalar(k.a, k.key, m, { rBytes: r, s0 }) })),
  );
  const t = checkAgreement(cases);
  assert.ok(t.nobleYes > 0, 'some small-order R verify under noble\'s cofactored check');
  assert.ok(t.opensslDiffers > 0, `OpenSSL alone disagreed on some (${t.opensslDiffers} of ${t.runs})`);
});

test(`mixed-order keys and nonces ([a]B + T, [r]B + T): the same verdict (${RUNS} runs)`, () => {
  const cases = fc.tuple(scalar, fc.integer({ min: 1, max: 7 }), scalar, torsionIndex, message, fc.boolean()).map(([a, ti, r, ri, m, mixedKey]): Case => {
    const key = basePoint(a).add(mixedKey ? TORSION[ti]! : TORSION[0]!).toBytes();
    return { key, message: m, signature: signWithScalar(a, key, m, { r, rExtra: TORSION[mixedKey ? ri : Math.max(1, ri)]! }) };
  });
  const t = checkAgreement(cases);
  assert.equal(t.nobleYes, t.runs, 'noble\'s cofactored check accepts them all');
  assert.ok(t.opensslDiffers > t.runs / 2, `OpenSSL alone rejected most (${t.opensslDiffers} of ${t.runs})`);
});

test(`single-bit flips in the key, the signature or the message of a valid signature: the same verdict (${RUNS} runs)`, () => {
  const cases = fc.tuple(valid, fc.nat()).map(([c, n]): Case => {
    const parts = [Uint8Array.from(c.key), Uint8Array.from(c.signature), Uint8Array.from(c.message)];
    const bits = parts.reduce((sum, p) => sum + p.length * 8, 0);
    let bit = n % bits;
    for (const p of parts) {
      if (bit < p.length * 8) {
        p[bit >> 3] = p[bit >> 3]! ^ (1 << (bit & 7));
        break;
      }
      bit -= p.length * 8;
    }
    return { key: parts[0]!, signature: parts[1]!, message: parts[2]! };
  });
  checkAgreement(cases);
});
