// The public keys cosign accepts beyond Signet's own (issue 12): ECDSA P-384 and P-521 with their
// matching hashes, RSA of 2048 to 4096 bits with PKCS#1 v1.5 or PSS over SHA-256/384/512. Each
// signature is made by node:crypto (OpenSSL) as Go's crypto would make it, and checked through
// the same parsePublicKeyPem -> verifySignature/findSigner path as every other key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, generateKeyPairSync, sign as nodeSign, type KeyObject } from 'node:crypto';
import { p384, p521 } from '@noble/curves/nist.js';
import { findSigner, verifySignature } from '../../../electron/engine/keys/verify-signature.js';
import { parsePublicKeyPem, publicKeyFromSpki, type PublicKey } from '../../../electron/engine/keys/public-key.js';
import { generatePrivateKey, privateKeyFromPkcs8 } from '../../../electron/engine/keys/private-key.js';
import { signatureEncodingProblem } from '../../../electron/engine/keys/signature-encoding.js';
import { SignetError } from '../../../electron/engine/errors.js';
import { parseTrustFile } from '../../../electron/engine/trust/trust-store.js';
import { parseKeysFile } from '../../../electron/engine/keystore/key-metadata.js';

const data = Buffer.from('DSSEv1 28 application/vnd.in-toto+json 2 {}');
const pemOf = (k: KeyObject) => k.export({ format: 'pem', type: 'spki' }) as string;
const isCode = (code: string, re: RegExp) => (e: unknown) => e instanceof SignetError && e.code === code && re.test(e.message);

const ec384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
const ec521 = generateKeyPairSync('ec', { namedCurve: 'secp521r1' });
const rsa2048 = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsa3072 = generateKeyPairSync('rsa', { modulusLength: 3072 });

test('P-384, P-521 and RSA 2048/3072 public keys load with their algorithm and a canonical SPKI', () => {
  for (const [pair, alg] of [[ec384, 'ecdsa-p384'], [ec521, 'ecdsa-p521'], [rsa2048, 'rsa'], [rsa3072, 'rsa']] as const) {
    const key = parsePublicKeyPem(pemOf(pair.publicKey));
    assert.equal(key.algorithm, alg);
    assert.deepEqual(Buffer.from(key.spki), pair.publicKey.export({ format: 'der', type: 'spki' }));
    assert.deepEqual(publicKeyFromSpki(key.spki), key);
  }
});

test('RSA keys outside 2048..4096 bits, RSASSA-PSS-only keys and other curves are KEY_UNSUPPORTED', () => {
  assert.throws(() => parsePublicKeyPem(pemOf(generateKeyPairSync('rsa', { modulusLength: 1536 }).publicKey)), isCode('KEY_UNSUPPORTED', /1536 bits.*2048 to 4096/));
  assert.throws(() => parsePublicKeyPem(pemOf(generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).publicKey)), isCode('KEY_UNSUPPORTED', /RSASSA-PSS/));
  assert.throws(() => parsePublicKeyPem(pemOf(generateKeyPairSync('ec', { namedCurve: 'secp224r1' }).publicKey)), isCode('KEY_UNSUPPORTED', /P-224/));
});

test('Signet still signs only with Ed25519 and ECDSA P-256: P-384, P-521 and RSA private keys are refused', () => {
  for (const pair of [ec384, ec521, rsa2048]) {
    const pkcs8 = new Uint8Array(pair.privateKey.export({ format: 'der', type: 'pkcs8' }));
    assert.throws(() => privateKeyFromPkcs8(pkcs8), isCode('KEY_UNSUPPORTED', /signs/));
  }
});

test('ECDSA P-384 verifies with SHA-384 and P-521 with SHA-512, DER only; another hash or r||s does not', () => {
  for (const [pair, hash, other, scheme] of [[ec384, 'sha384', 'sha256', 'ecdsa-p384-sha384'], [ec521, 'sha512', 'sha384', 'ecdsa-p521-sha512']] as const) {
    const key = parsePublicKeyPem(pemOf(pair.publicKey));
    for (let i = 0; i < 20; i++) {
      const msg = Buffer.concat([data, Buffer.from([i])]);
      const der = nodeSign(hash, msg, { key: pair.privateKey, dsaEncoding: 'der' });
      assert.equal(verifySignature(key, msg, der), scheme);
      assert.equal(signatureEncodingProblem(key.algorithm, der), null, 'a real signature is well formed');
      assert.equal(verifySignature(key, msg, nodeSign(other, msg, { key: pair.privateKey, dsaEncoding: 'der' })), null, `${other} is not the curve's hash`);
      assert.equal(verifySignature(key, msg, nodeSign(hash, msg, { key: pair.privateKey, dsaEncoding: 'ieee-p1363' })), null, 'raw r||s');
      assert.equal(verifySignature(key, Buffer.concat([msg, Buffer.from('x')]), der), null);
    }
  }
});

test('a P-521 signature longer than 127 bytes uses the long DER length form; the short and padded forms are malformed', () => {
  let long: Buffer | undefined;
  for (let i = 0; long === undefined && i < 200; i++) {
    const der = nodeSign('sha512', Buffer.from(`m${i}`), { key: ec521.privateKey, dsaEncoding: 'der' });
    if (der.length > 129) long = der;
  }
  assert.ok(long, 'a long-form signature within 200 tries');
  assert.equal(long[1], 0x81);
  assert.equal(signatureEncodingProblem('ecdsa-p521', long), null);
  // The same body with a non-minimal length (0x82 00 LL) is BER, not DER.
  const ber = Buffer.concat([Buffer.from([0x30, 0x82, 0x00, long[2]!]), long.subarray(3)]);
  assert.match(signatureEncodingProblem('ecdsa-p521', ber)!, /DER form/);
  assert.notEqual(signatureEncodingProblem('ecdsa-p256', long), null, 'too long for P-256');
});

test('the group orders the DER checks use are the curves\' (compared with @noble/curves)', () => {
  const der = (r: bigint, s: bigint) => {
    const int = (v: bigint) => { let h = v.toString(16); if (h.length % 2) h = `0${h}`; if (parseInt(h.slice(0, 2), 16) & 0x80) h = `00${h}`; return Buffer.concat([Buffer.from([2, h.length / 2]), Buffer.from(h, 'hex')]); };
    const body = Buffer.concat([int(r), int(s)]);
    return Buffer.concat([body.length < 0x80 ? Buffer.from([0x30, body.length]) : Buffer.from([0x30, 0x81, body.length]), body]);
  };
  for (const [alg, n] of [['ecdsa-p384', p384.Point.Fn.ORDER], ['ecdsa-p521', p521.Point.Fn.ORDER]] as const) {
    assert.equal(signatureEncodingProblem(alg, der(n - 1n, 1n)), null, `${alg}: n-1 is in range`);
    assert.match(signatureEncodingProblem(alg, der(n, 1n))!, /out of range/, `${alg}: n is not`);
  }
});

test('RSA verifies PKCS#1 v1.5 and PSS (any salt length) over SHA-256, SHA-384 and SHA-512, naming the scheme', () => {
  for (const pair of [rsa2048, rsa3072]) {
    const key = parsePublicKeyPem(pemOf(pair.publicKey));
    for (const hash of ['sha256', 'sha384', 'sha512']) {
      const pkcs1 = nodeSign(hash, data, { key: pair.privateKey, padding: constants.RSA_PKCS1_PADDING });
      assert.equal(verifySignature(key, data, pkcs1), `rsa-pkcs1v15-${hash}`);
      assert.equal(signatureEncodingProblem('rsa', pkcs1), null);
      for (const saltLength of [constants.RSA_PSS_SALTLEN_DIGEST, constants.RSA_PSS_SALTLEN_MAX_SIGN, 0]) {
        const pss = nodeSign(hash, data, { key: pair.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength });
        assert.equal(verifySignature(key, data, pss), `rsa-pss-${hash}`, `PSS ${hash} salt ${saltLength}`);
        assert.equal(verifySignature(key, Buffer.concat([data, Buffer.from('x')]), pss), null);
      }
      for (const i of [0, 100, pkcs1.length - 1]) {
        const flipped = Buffer.from(pkcs1);
        flipped[i] = flipped[i]! ^ 1;
        assert.equal(verifySignature(key, data, flipped), null, `byte ${i} flipped`);
      }
      assert.equal(verifySignature(key, data, pkcs1.subarray(1)), null, 'one byte short');
      assert.equal(verifySignature(key, data, Buffer.concat([Buffer.from([0]), pkcs1])), null, 'a leading zero byte');
    }
  }
  assert.equal(signatureEncodingProblem('rsa', new Uint8Array(64)) !== null, true);
});

test('findSigner picks the right key among all five kinds, and no key for a stranger\'s signature', () => {
  const ed = generatePrivateKey('ed25519').publicKey;
  const p256 = generatePrivateKey('ecdsa-p256').publicKey;
  const keys: PublicKey[] = [ed, p256, ...[ec384, ec521, rsa2048, rsa3072].map((p) => parsePublicKeyPem(pemOf(p.publicKey)))];
  const cases: Array<[KeyObject, string, object, number]> = [
    [ec384.privateKey, 'sha384', { dsaEncoding: 'der' }, 2],
    [ec521.privateKey, 'sha512', { dsaEncoding: 'der' }, 3],
    [rsa2048.privateKey, 'sha256', { padding: constants.RSA_PKCS1_PADDING }, 4],
    [rsa3072.privateKey, 'sha512', { padding: constants.RSA_PKCS1_PSS_PADDING }, 5],
  ];
  for (const [priv, hash, opts, index] of cases) {
    const sig = nodeSign(hash, data, { key: priv, ...opts });
    assert.equal(findSigner(keys, (k) => k, data, sig)?.key, keys[index]);
    assert.equal(findSigner(keys.filter((_, i) => i !== index), (k) => k, data, sig), null);
  }
  // A key labelled with another algorithm than its SPKI holds verifies nothing.
  const mislabelled: PublicKey = { ...keys[4]!, algorithm: 'ecdsa-p384' };
  assert.equal(verifySignature(mislabelled, data, nodeSign('sha256', data, rsa2048.privateKey)), null);
  const mislabelledEc: PublicKey = { ...keys[2]!, algorithm: 'rsa' };
  assert.equal(verifySignature(mislabelledEc, data, nodeSign('sha384', data, { key: ec384.privateKey, dsaEncoding: 'der' })), null);
});

test('trust.json may hold an RSA or P-384 key (verification only); keys.json, the keys Signet signs with, may not', () => {
  for (const pair of [rsa2048, ec384]) {
    const pub = parsePublicKeyPem(pemOf(pair.publicKey));
    const trusted = parseTrustFile({ version: 1, keys: [{ name: 'kms', fingerprint: pub.fingerprint, publicKeyPem: pub.pem, added: '2026-01-01T00:00:00Z' }] });
    assert.equal(trusted[0]!.algorithm, pub.algorithm);
    assert.throws(() => parseKeysFile({ version: 1, keys: [{ id: '0123456789abcdef', name: 'kms', fingerprint: pub.fingerprint, publicKeyPem: pub.pem, created: '2026-01-01T00:00:00Z' }] }), /does not sign with/);
  }
});
