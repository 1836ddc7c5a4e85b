// Property tests for key material read from outside: public key PEMs (and the DER inside them)
// and cosign encrypted private key files. Each may only load or throw a typed SignetError.
// Key files are generated with small scrypt costs (N <= 1024) so 10,000 cases stay fast; the
// parameter limits that stop a hostile file from demanding 1 GiB are checked separately.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, scryptSync } from 'node:crypto';
import fc from 'fast-check';
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import { parsePublicKeyPem, publicKeyFromSpki } from '../../electron/engine/keys/public-key.js';
import { decryptCosignKey, COSIGN_KEY_LABEL } from '../../electron/engine/keys/cosign-key-file.js';
import { encodePem } from '../../electron/engine/keys/pem.js';
import { generatePrivateKey } from '../../electron/engine/keys/private-key.js';
import { SignetError } from '../../electron/engine/errors.js';
import { edits, mutate, mutateText, onlySignetErrors, onlySignetErrorsAsync, params } from './fuzz.js';

const KEYS = [generatePrivateKey('ed25519'), generatePrivateKey('ecdsa-p256')];
const PEMS = KEYS.map((k) => k.publicKey.pem);
const pemLabel = fc.constantFrom('PUBLIC KEY', 'RSA PUBLIC KEY', 'PRIVATE KEY', 'CERTIFICATE', 'EC PRIVATE KEY', 'X');

test('public key PEMs: arbitrary, re-labelled and mutated PEMs load or give KEY_INVALID / KEY_UNSUPPORTED', () => {
  const input = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.tuple(pemLabel, fc.uint8Array({ maxLength: 120 })).map(([l, b]) => encodePem(l, b)),
    fc.tuple(fc.constantFrom(...PEMS), edits).map(([p, e]) => mutateText(p, e)),
    fc.tuple(fc.constantFrom(...KEYS), edits).map(([k, e]) => encodePem('PUBLIC KEY', mutate(k.publicKey.spki, e))),
  );
  fc.assert(fc.property(input, (pem) => {
    const k = onlySignetErrors(() => parsePublicKeyPem(pem), ['KEY_INVALID', 'KEY_UNSUPPORTED']);
    if (k) {
      assert.ok(k.algorithm === 'ed25519' || k.algorithm === 'ecdsa-p256');
      assert.match(k.fingerprint, /^SHA256:[0-9a-f]{64}$/);
      assert.deepEqual(parsePublicKeyPem(k.pem), k, 'a loaded key re-reads as itself');
    }
  }), params());
  fc.assert(fc.property(fc.uint8Array({ maxLength: 120 }), (der) => { onlySignetErrors(() => publicKeyFromSpki(der), ['KEY_INVALID', 'KEY_UNSUPPORTED']); }), params());
});

interface KeyFileSpec { N: number; r: number; p: number; salt: Buffer; nonce: Buffer; inner: Buffer; rightPassword: boolean }

function keyFile(s: KeyFileSpec): string {
  const key = scryptSync(Buffer.from('pw'), s.salt, 32, { N: s.N, r: s.r, p: s.p });
  const ct = xsalsa20poly1305(new Uint8Array(key), new Uint8Array(s.nonce)).encrypt(new Uint8Array(s.inner));
  const json = JSON.stringify({ kdf: { name: 'scrypt', params: { N: s.N, r: s.r, p: s.p }, salt: s.salt.toString('base64') }, cipher: { name: 'nacl/secretbox', nonce: s.nonce.toString('base64') }, ciphertext: Buffer.from(ct).toString('base64') });
  return encodePem(COSIGN_KEY_LABEL, Buffer.from(json));
}

const spec = fc.record({
  N: fc.constantFrom(2, 4, 16, 64, 256, 1024),
  r: fc.integer({ min: 1, max: 4 }),
  p: fc.integer({ min: 1, max: 2 }),
  salt: fc.uint8Array({ minLength: 1, maxLength: 40 }).map((b) => Buffer.from(b)),
  nonce: fc.constant(null).map(() => randomBytes(24)),
  inner: fc.oneof(fc.constantFrom(...KEYS.map((k) => Buffer.from(k.pkcs8))), fc.uint8Array({ maxLength: 80 }).map((b) => Buffer.from(b))),
  rightPassword: fc.boolean(),
});

test('cosign key files: arbitrary and mutated files (small scrypt cost) decrypt or give a typed error, never hang', async () => {
  const files = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 300 }).map((t) => ({ text: t, password: 'pw' })),
    spec.map((s) => ({ text: keyFile(s), password: s.rightPassword ? 'pw' : 'wrong' })),
    fc.tuple(spec, edits).map(([s, e]) => ({ text: mutateText(keyFile(s), e), password: 'pw' })),
  );
  await fc.assert(fc.asyncProperty(files, async ({ text, password }) => {
    const k = await onlySignetErrorsAsync(() => decryptCosignKey(text, password), ['KEY_INVALID', 'KEY_UNSUPPORTED', 'KEY_PASSWORD_WRONG']);
    if (k) assert.ok(KEYS.some((x) => Buffer.from(x.pkcs8).equals(Buffer.from(k.pkcs8))), 'only a real key comes out');
  }), params());
});

test('cosign key files demanding unreasonable scrypt work are refused before any work', async () => {
  for (const [N, r, p] of [[2 ** 21, 8, 1], [2 ** 20, 16, 1], [2 ** 20, 8, 16], [3, 1, 1], [0, 1, 1], [2 ** 14, 0, 1], [2 ** 14, 1, 0], [1e300, 1, 1]] as const) {
    const json = JSON.stringify({ kdf: { name: 'scrypt', params: { N, r, p }, salt: 'AAAA' }, cipher: { name: 'nacl/secretbox', nonce: Buffer.alloc(24).toString('base64') }, ciphertext: Buffer.alloc(64).toString('base64') });
    const started = Date.now();
    await assert.rejects(decryptCosignKey(encodePem(COSIGN_KEY_LABEL, Buffer.from(json)), 'pw'), (e: unknown) => e instanceof SignetError && e.code === 'KEY_INVALID');
    assert.ok(Date.now() - started < 1000, `N=${N} r=${r} p=${p} refused at once`);
  }
});
