import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { signerFromPrivateKey } from '../../../electron/engine/keys/signer.js';
import { generatePrivateKey } from '../../../electron/engine/keys/private-key.js';
import { decryptCosignKey } from '../../../electron/engine/keys/cosign-key-file.js';
import { verifySignature } from '../../../electron/engine/keys/verify-signature.js';
import { SignetError } from '../../../electron/engine/errors.js';
import { fixtureText, PASSWORD, payloadOf, signatureOf } from './key-fixtures.js';

const DATA = new TextEncoder().encode('{"critical":{"identity":{"docker-reference":"example.com/app"}}}');

test('a generated Ed25519 key signs pure Ed25519 that node:crypto (OpenSSL) verifies', async () => {
  const k = generatePrivateKey('ed25519');
  const signer = signerFromPrivateKey(k);
  assert.deepEqual(signer.publicKey, k.publicKey);
  const sig = await signer.sign(DATA);
  assert.equal(sig.length, 64);
  const pub = createPublicKey({ key: k.publicKey.pem, format: 'pem' });
  assert.ok(nodeVerify(null, DATA, pub, sig), 'OpenSSL accepts the noble signature');
  assert.ok(!nodeVerify(null, DATA.subarray(1), pub, sig));
  assert.equal(verifySignature(k.publicKey, DATA, sig), 'ed25519');
  assert.deepEqual(await signer.sign(DATA), sig, 'Ed25519 is deterministic');
});

test('a generated ECDSA P-256 key signs SHA-256 DER signatures that node:crypto verifies', async () => {
  const k = generatePrivateKey('ecdsa-p256');
  const signer = signerFromPrivateKey(k);
  const sig = await signer.sign(DATA);
  assert.equal(sig[0], 0x30, 'an ASN.1 SEQUENCE, i.e. DER, not raw r||s');
  const pub = createPublicKey({ key: k.publicKey.pem, format: 'pem' });
  assert.ok(nodeVerify('sha256', DATA, { key: pub, dsaEncoding: 'der' }, sig));
  assert.ok(!nodeVerify('sha256', DATA.subarray(1), { key: pub, dsaEncoding: 'der' }, sig));
  assert.equal(verifySignature(k.publicKey, DATA, sig), 'ecdsa-p256-sha256');
});

test('the fixture Ed25519 key re-creates the upstream skopeo signature byte for byte', async () => {
  const k = await decryptCosignKey(fixtureText('skopeo-ed25519', 'cosign.key'), PASSWORD);
  const signer = signerFromPrivateKey(k);
  for (const folder of ['skopeo-ed25519', 'handmade-ed25519'] as const) {
    assert.deepEqual(await signer.sign(payloadOf(folder)), signatureOf(folder), folder);
  }
});

test('the fixture ECDSA key signs what its cosign.pub verifies', async () => {
  const k = await decryptCosignKey(fixtureText('skopeo-ecdsa-p256', 'cosign.key'), PASSWORD);
  const sig = await signerFromPrivateKey(k).sign(payloadOf('skopeo-ecdsa-p256'));
  const pub = createPublicKey({ key: fixtureText('skopeo-ecdsa-p256', 'cosign.pub'), format: 'pem' });
  assert.ok(nodeVerify('sha256', payloadOf('skopeo-ecdsa-p256'), pub, sig));
});

test('a PrivateKey whose label disagrees with its bytes is refused, not signed with', () => {
  const ec = generatePrivateKey('ecdsa-p256');
  assert.throws(() => signerFromPrivateKey({ ...ec, algorithm: 'ed25519' }), (e: unknown) => e instanceof SignetError && e.code === 'KEY_INVALID');
  assert.throws(() => signerFromPrivateKey({ ...ec, pkcs8: new Uint8Array(5) }), (e: unknown) => e instanceof SignetError && e.code === 'KEY_INVALID');
});
