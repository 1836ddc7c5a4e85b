import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { ed25519, ed25519ph } from '@noble/curves/ed25519.js';
import { findSigner, verifySignature } from '../../../electron/engine/keys/verify-signature.js';
import { parsePublicKeyPem, publicKeyFromSpki, type PublicKey } from '../../../electron/engine/keys/public-key.js';
import { generatePrivateKey } from '../../../electron/engine/keys/private-key.js';
import { basePoint, signWithScalar, TORSION, withS } from '../../helpers/ed25519-cases.js';
import { fixtureText, flipByte, payloadOf, signatureOf, SIGNATURE_FOLDERS, type SignatureFolder } from './key-fixtures.js';

const EXPECTED: Record<SignatureFolder, string> = {
  'skopeo-ed25519': 'ed25519',
  'skopeo-ecdsa-p256': 'ecdsa-p256-sha256',
  'handmade-ed25519': 'ed25519',
};

const pubOf = (folder: string): PublicKey => parsePublicKeyPem(fixtureText(folder, 'cosign.pub'));
const edSpki = (raw: Uint8Array) => publicKeyFromSpki(Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw]));

test('upstream skopeo/cosign fixture signatures verify against their payloads, naming the scheme', () => {
  for (const folder of SIGNATURE_FOLDERS) {
    assert.equal(verifySignature(pubOf(folder), payloadOf(folder), signatureOf(folder)), EXPECTED[folder], folder);
  }
});

test('one flipped byte anywhere in the payload or the signature does not verify', () => {
  for (const folder of SIGNATURE_FOLDERS) {
    const key = pubOf(folder);
    const payload = payloadOf(folder);
    const sig = signatureOf(folder);
    for (const i of [0, 1, Math.floor(payload.length / 2), payload.length - 1]) {
      assert.equal(verifySignature(key, flipByte(payload, i), sig), null, `${folder} payload byte ${i}`);
    }
    for (let i = 0; i < sig.length; i++) {
      assert.equal(verifySignature(key, payload, flipByte(sig, i)), null, `${folder} signature byte ${i}`);
    }
    assert.equal(verifySignature(key, payload.subarray(0, payload.length - 1), sig), null, `${folder} truncated payload`);
  }
});

test('the wrong key does not verify (other key of the same algorithm, and the other algorithm)', () => {
  const ed = 'skopeo-ed25519';
  const ec = 'skopeo-ecdsa-p256';
  const otherEc = parsePublicKeyPem(fixtureText('skopeo-generated-key', 'up.pub'));
  assert.equal(verifySignature(otherEc, payloadOf(ec), signatureOf(ec)), null);
  assert.equal(verifySignature(generatePrivateKey('ed25519').publicKey, payloadOf(ed), signatureOf(ed)), null);
  assert.equal(verifySignature(pubOf(ec), payloadOf(ed), signatureOf(ed)), null);
  assert.equal(verifySignature(pubOf(ed), payloadOf(ec), signatureOf(ec)), null);
});

test('a signature for another payload does not verify', () => {
  // same key, different payloads: skopeo's and the handmade one
  assert.equal(verifySignature(pubOf('skopeo-ed25519'), payloadOf('handmade-ed25519'), signatureOf('skopeo-ed25519')), null);
});

test('Ed25519ph (RFC 8032 prehash, what cosign sign makes with an ed25519 key) verifies as ed25519ph', () => {
  const k = generatePrivateKey('ed25519');
  const seed = Buffer.from(createPrivateKey({ key: Buffer.from(k.pkcs8), format: 'der', type: 'pkcs8' }).export({ format: 'jwk' }).d as string, 'base64url');
  const data = payloadOf('handmade-ed25519');
  const sig = ed25519ph.sign(data, seed);
  assert.equal(verifySignature(k.publicKey, data, sig), 'ed25519ph');
  assert.equal(verifySignature(k.publicKey, flipByte(data, 3), sig), null);
  assert.equal(verifySignature(k.publicKey, data, flipByte(sig, 10)), null);
  // and a pure signature is reported as pure, not ph
  assert.equal(verifySignature(k.publicKey, data, new Uint8Array(nodeSign(null, data, createPrivateKey({ key: Buffer.from(k.pkcs8), format: 'der', type: 'pkcs8' })))), 'ed25519');
});

test('Ed25519ph: RFC 8032 section 7.3 test vector ("abc")', () => {
  const pub = edSpki(Buffer.from('ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf', 'hex'));
  const sig = Buffer.from('98a70222f0b8121aa9d30f813d683f809e462b469c7ff87639499bb94e6dae4131f85042463c2a355a2003d062adf5aaa10b8c61e636062aaad11c2a26083406', 'hex');
  assert.equal(verifySignature(pub, Buffer.from('abc'), sig), 'ed25519ph');
  assert.equal(verifySignature(pub, Buffer.from('abd'), sig), null);
});

test('Ed25519: RFC 8032 section 7.1 test vector 2', () => {
  const pub = edSpki(Buffer.from('3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c', 'hex'));
  const sig = Buffer.from('92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00', 'hex');
  assert.equal(verifySignature(pub, Buffer.from('72', 'hex'), sig), 'ed25519');
});

/** OpenSSL's own answer, without Signet's checks around it. */
const opensslAlone = (key: PublicKey, data: Uint8Array, sig: Uint8Array) => nodeVerify(null, data, createPublicKey({ key: Buffer.from(key.spki), format: 'der', type: 'spki' }), sig);

test('Ed25519: a small-order key verifies nothing, not even a forgery that satisfies the verification equation', () => {
  const raw = TORSION[0]!.toBytes();
  const identity = edSpki(raw);
  const forged = withS(Uint8Array.from([...basePoint(42n).toBytes(), ...new Uint8Array(32)]), 42n); // R = [42]B, S = 42
  const data = Buffer.from('any message at all');
  // The forgery is real: ZIP-215, which accepts small-order keys, verifies it. OpenSSL 3.0 (Node 20)
  // accepts it too; OpenSSL 3.5 (Node 24) refuses small-order keys itself, so its answer is no
  // precondition here: Signet must refuse under either.
  assert.equal(ed25519.verify(forged, data, raw, { zip215: true }), true, 'the forgery satisfies the equation');
  if (process.versions.openssl.startsWith('3.0.')) assert.equal(opensslAlone(identity, data, forged), true, 'OpenSSL 3.0 alone accepts the forgery');
  assert.equal(verifySignature(identity, data, forged), null);
});

test('Ed25519: a nonce with a small-order part verifies, as noble\'s cofactored check says, though OpenSSL alone rejects it', () => {
  const a = 0x1234567890abcdefn;
  const key = basePoint(a).toBytes();
  const data = Buffer.from('payload');
  const sig = signWithScalar(a, key, data, { r: 987654321n, rExtra: TORSION[3]! });
  assert.equal(opensslAlone(edSpki(key), data, sig), false);
  assert.equal(verifySignature(edSpki(key), data, sig), 'ed25519');
  assert.equal(verifySignature(edSpki(key), Buffer.from('payload!'), sig), null);
});

test('ECDSA: only ASN.1 DER is accepted, not raw r||s (cosign accepts only DER)', () => {
  const k = generatePrivateKey('ecdsa-p256');
  const key = createPrivateKey({ key: Buffer.from(k.pkcs8), format: 'der', type: 'pkcs8' });
  const data = payloadOf('skopeo-ecdsa-p256');
  const der = nodeSign('sha256', data, { key, dsaEncoding: 'der' });
  const raw = nodeSign('sha256', data, { key, dsaEncoding: 'ieee-p1363' });
  assert.equal(raw.length, 64);
  assert.equal(verifySignature(k.publicKey, data, der), 'ecdsa-p256-sha256');
  assert.equal(verifySignature(k.publicKey, data, raw), null);
  // DER with trailing junk is not DER
  assert.equal(verifySignature(k.publicKey, data, Buffer.concat([der, Buffer.from([0])])), null);
});

test('garbage never throws: it returns null', () => {
  const data = payloadOf('skopeo-ed25519');
  const garbageSigs = [new Uint8Array(0), new Uint8Array(1), new Uint8Array(64), new Uint8Array(64).fill(0xff), new Uint8Array(72).fill(0x30), new Uint8Array(100_000)];
  const keys: PublicKey[] = [
    pubOf('skopeo-ed25519'),
    pubOf('skopeo-ecdsa-p256'),
    { ...pubOf('skopeo-ed25519'), spki: new Uint8Array(44) }, // right length, wrong bytes
    { ...pubOf('skopeo-ecdsa-p256'), spki: new Uint8Array([1, 2, 3]) },
    { ...pubOf('skopeo-ecdsa-p256'), algorithm: 'ed25519' }, // labelled wrongly
    { ...pubOf('skopeo-ed25519'), algorithm: 'ecdsa-p256' },
    { ...pubOf('skopeo-ed25519'), algorithm: 'rsa' as never },
  ];
  for (const key of keys) {
    for (const sig of garbageSigs) assert.equal(verifySignature(key, data, sig), null);
  }
  // the mislabelled keys do not verify real signatures either
  assert.equal(verifySignature(keys[4] as PublicKey, payloadOf('skopeo-ecdsa-p256'), signatureOf('skopeo-ecdsa-p256')), null);
  assert.equal(verifySignature(keys[5] as PublicKey, data, signatureOf('skopeo-ed25519')), null);
});

test('findSigner: among many keys, the one that made the signature and how, for every kind; none when no key made it', () => {
  const data = payloadOf('handmade-ed25519');
  const others: PublicKey[] = [...Array.from({ length: 6 }, () => generatePrivateKey('ed25519').publicKey), generatePrivateKey('ecdsa-p256').publicKey];
  const ed = generatePrivateKey('ed25519');
  const edPriv = createPrivateKey({ key: Buffer.from(ed.pkcs8), format: 'der', type: 'pkcs8' });
  const seed = Buffer.from(edPriv.export({ format: 'jwk' }).d as string, 'base64url');
  const ec = generatePrivateKey('ecdsa-p256');
  const a = 0x0fedcba987654321n;
  const mixed = edSpki(basePoint(a).toBytes());
  const cases: Array<[string, PublicKey, Uint8Array, string]> = [
    ['pure Ed25519 (OpenSSL says yes)', ed.publicKey, new Uint8Array(nodeSign(null, data, edPriv)), 'ed25519'],
    ['Ed25519ph (noble only)', ed.publicKey, ed25519ph.sign(data, seed), 'ed25519ph'],
    ['ECDSA P-256', ec.publicKey, new Uint8Array(nodeSign('sha256', data, { key: createPrivateKey({ key: Buffer.from(ec.pkcs8), format: 'der', type: 'pkcs8' }), dsaEncoding: 'der' })), 'ecdsa-p256-sha256'],
    ['pure Ed25519 that only noble accepts (a mixed-order nonce)', mixed, signWithScalar(a, basePoint(a).toBytes(), data, { r: 12345n, rExtra: TORSION[5]! }), 'ed25519'],
  ];
  assert.equal(opensslAlone(mixed, data, cases[3]![2]), false, 'the last case needs noble: OpenSSL alone says no');
  for (const [what, signer, sig, scheme] of cases) {
    for (const keys of [[...others, signer], [signer, ...others], [others[0]!, signer, ...others.slice(1)]]) {
      const found = findSigner(keys, (k) => k, data, sig);
      assert.equal(found?.key, signer, `${what}: credited to its signer`);
      assert.equal(found?.scheme, scheme, what);
      // The reference: each key asked in turn.
      const inTurn = keys.find((k) => verifySignature(k, data, sig) !== null);
      assert.equal(found?.key, inTurn, `${what}: the key asking each in turn finds`);
    }
    assert.equal(findSigner(others, (k) => k, data, sig), null, `${what}: no trusted key made it`);
    assert.equal(findSigner([...others, signer], (k) => k, flipByte(data, 7), sig), null, `${what}: altered payload`);
  }
  const twice = { ...ed.publicKey };
  assert.equal(findSigner([ed.publicKey, twice], (k) => k, data, cases[0]![2])?.key, ed.publicKey, 'a key listed twice: the first listing');
  assert.equal(findSigner([], (k: PublicKey) => k, data, cases[0]![2]), null);
});
