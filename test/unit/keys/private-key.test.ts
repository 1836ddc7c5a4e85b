import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { inspect } from 'node:util';
import { generatePrivateKey, privateKeyFromPkcs8, type PrivateKey } from '../../../electron/engine/keys/private-key.js';
import { decryptCosignKey } from '../../../electron/engine/keys/cosign-key-file.js';
import { SignetError, type ErrorCode } from '../../../electron/engine/errors.js';
import type { KeyAlgorithm } from '../../../electron/engine/keys/algorithms.js';
import { fixtureText, PASSWORD } from './key-fixtures.js';

function isCode(code: ErrorCode, msg?: RegExp) {
  return (e: unknown) => e instanceof SignetError && e.code === code && (msg === undefined || msg.test(e.message));
}

const ALGS: readonly KeyAlgorithm[] = ['ed25519', 'ecdsa-p256'];

test('generated keys have the asked algorithm and a public half that node:crypto derives identically', () => {
  for (const alg of ALGS) {
    const k = generatePrivateKey(alg);
    assert.equal(k.algorithm, alg);
    assert.equal(k.publicKey.algorithm, alg);
    const node = createPrivateKey({ key: Buffer.from(k.pkcs8), format: 'der', type: 'pkcs8' });
    assert.equal(node.asymmetricKeyType, alg === 'ed25519' ? 'ed25519' : 'ec');
    assert.deepEqual(new Uint8Array(createPublicKey(node).export({ format: 'der', type: 'spki' })), k.publicKey.spki);
  }
  assert.notDeepEqual(generatePrivateKey('ed25519').pkcs8, generatePrivateKey('ed25519').pkcs8, 'keys are random');
});

test('privateKeyFromPkcs8 reads back what it was given', () => {
  for (const alg of ALGS) {
    const k = generatePrivateKey(alg);
    const again = privateKeyFromPkcs8(k.pkcs8);
    assert.equal(again.algorithm, alg);
    assert.deepEqual(again.pkcs8, k.pkcs8);
    assert.deepEqual(again.publicKey, k.publicKey);
  }
});

test('privateKeyFromPkcs8: garbage is KEY_INVALID; RSA and other curves are KEY_UNSUPPORTED', () => {
  assert.throws(() => privateKeyFromPkcs8(new Uint8Array(0)), isCode('KEY_INVALID', /PKCS#8/));
  assert.throws(() => privateKeyFromPkcs8(new TextEncoder().encode('not a key')), isCode('KEY_INVALID', /PKCS#8/));
  const truncated = generatePrivateKey('ecdsa-p256').pkcs8.subarray(0, 40);
  assert.throws(() => privateKeyFromPkcs8(truncated), isCode('KEY_INVALID'));
  const der = (k: ReturnType<typeof generateKeyPairSync>['privateKey']) => new Uint8Array(k.export({ format: 'der', type: 'pkcs8' }));
  assert.throws(() => privateKeyFromPkcs8(der(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey)), isCode('KEY_UNSUPPORTED', /RSA/));
  assert.throws(() => privateKeyFromPkcs8(der(generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey)), isCode('KEY_UNSUPPORTED', /P-384/));
});

/** Every way the key bytes could show up in text. */
function leakForms(k: PrivateKey): string[] {
  const forms = [Buffer.from(k.pkcs8).toString('base64'), Buffer.from(k.pkcs8).toString('hex'), Array.from(k.pkcs8).join(',')];
  const jwk = createPrivateKey({ key: Buffer.from(k.pkcs8), format: 'der', type: 'pkcs8' }).export({ format: 'jwk' });
  forms.push(jwk.d as string, Buffer.from(jwk.d as string, 'base64url').toString('hex'), Buffer.from(jwk.d as string, 'base64url').toString('base64'));
  return forms;
}

test('a private key never shows its bytes in JSON.stringify, String() or util.inspect', async () => {
  const keys = [generatePrivateKey('ed25519'), generatePrivateKey('ecdsa-p256'), await decryptCosignKey(fixtureText('skopeo-ed25519', 'cosign.key'), PASSWORD)];
  for (const k of keys) {
    const json = JSON.stringify(k);
    const nested = JSON.stringify({ wrapper: [k] });
    const texts = [json, nested, String(k), `${k}`, inspect(k), inspect({ k }, { depth: 10 })];
    for (const text of texts) {
      for (const form of leakForms(k)) assert.ok(!text.includes(form), `leaked in: ${text.slice(0, 80)}`);
    }
    assert.deepEqual(JSON.parse(json), { algorithm: k.algorithm, fingerprint: k.publicKey.fingerprint, pkcs8: '[redacted]' });
    assert.match(String(k), /SHA256:[0-9a-f]{64}/, 'the redacted form still says which key it is');
  }
});
