import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scryptSync } from 'node:crypto';
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import { decryptCosignKey, encryptCosignKey } from '../../../electron/engine/keys/cosign-key-file.js';
import { generatePrivateKey, privateKeyFromPkcs8, type PrivateKey } from '../../../electron/engine/keys/private-key.js';
import { parsePublicKeyPem } from '../../../electron/engine/keys/public-key.js';
import { SignetError, type ErrorCode } from '../../../electron/engine/errors.js';
import { fixtureText, PASSWORD, pemBodyBytes } from './key-fixtures.js';

function isCode(code: ErrorCode, msg?: RegExp) {
  return (e: unknown) => e instanceof SignetError && e.code === code && (msg === undefined || msg.test(e.message));
}

const KEYS = [
  ['skopeo-ed25519', 'cosign.key', 'cosign.pub', 'ed25519'],
  ['skopeo-ecdsa-p256', 'cosign.key', 'cosign.pub', 'ecdsa-p256'],
  ['handmade-ed25519', 'cosign.key', 'cosign.pub', 'ed25519'],
  ['skopeo-generated-key', 'up.private', 'up.pub', 'ecdsa-p256'], // older label ENCRYPTED COSIGN PRIVATE KEY
] as const;

test('upstream key files decrypt with the fixture password; the public half equals the .pub file', async () => {
  assert.equal(PASSWORD, 'secret');
  for (const [dir, keyFile, pubFile, alg] of KEYS) {
    const k = await decryptCosignKey(fixtureText(dir, keyFile), PASSWORD);
    const pubText = fixtureText(dir, pubFile);
    assert.equal(k.algorithm, alg, dir);
    assert.deepEqual(k.publicKey.spki, pemBodyBytes(pubText), `${dir}: SPKI bytes`);
    assert.equal(k.publicKey.fingerprint, parsePublicKeyPem(pubText).fingerprint, `${dir}: fingerprint`);
  }
});

test('a wrong password is KEY_PASSWORD_WRONG', async () => {
  const pem = fixtureText('skopeo-ecdsa-p256', 'cosign.key');
  for (const pw of ['Secret', '', 'secret\n', 'secret ']) {
    await assert.rejects(decryptCosignKey(pem, pw), isCode('KEY_PASSWORD_WRONG', /^The password for this key is wrong/), JSON.stringify(pw));
  }
});

/** The fixture's JSON, edited, wrapped back into PEM. */
function edited(edit: (doc: any) => void, label = 'ENCRYPTED SIGSTORE PRIVATE KEY'): string {
  const doc = JSON.parse(Buffer.from(pemBodyBytes(fixtureText('skopeo-ed25519', 'cosign.key'))).toString('utf8'));
  edit(doc);
  return pemOf(label, Buffer.from(JSON.stringify(doc)));
}

function pemOf(label: string, body: Uint8Array): string {
  const b64 = Buffer.from(body).toString('base64').match(/.{1,64}/g)!.join('\n');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

test('a damaged ciphertext cannot be told from a wrong password, and is reported as the password', async () => {
  const pem = edited((d) => {
    const c = Buffer.from(d.ciphertext, 'base64');
    c[c.length - 1] = (c[c.length - 1] as number) ^ 1;
    d.ciphertext = c.toString('base64');
  });
  await assert.rejects(decryptCosignKey(pem, PASSWORD), isCode('KEY_PASSWORD_WRONG', /damaged/));
});

test('malformed key files are KEY_INVALID, naming what is wrong', async () => {
  const cases: Array<[string, string, RegExp]> = [
    ['empty', '', /not in PEM format/],
    ['public key given', fixtureText('skopeo-ed25519', 'cosign.pub'), /PUBLIC KEY.*public key/],
    ['plain PKCS#8', pemOf('PRIVATE KEY', generatePrivateKey('ed25519').pkcs8), /not one encrypted the way cosign does/],
    ['truncated', fixtureText('skopeo-ed25519', 'cosign.key').slice(0, 150), /missing/],
    ['bad base64', fixtureText('skopeo-ed25519', 'cosign.key').replace('eyJr', 'ey$r'), /base64/],
    ['not JSON', pemOf('ENCRYPTED SIGSTORE PRIVATE KEY', Buffer.from('{"kdf":')), /not the JSON/],
    ['JSON array', pemOf('ENCRYPTED SIGSTORE PRIVATE KEY', Buffer.from('[]')), /not a JSON object/],
    ['no kdf', edited((d) => delete d.kdf), /"kdf"/],
    ['kdf name', edited((d) => (d.kdf.name = 'pbkdf2')), /pbkdf2.*scrypt/],
    ['cipher name', edited((d) => (d.cipher.name = 'aes-gcm')), /aes-gcm.*nacl\/secretbox/],
    ['no params', edited((d) => delete d.kdf.params), /kdf\.params/],
    ['N as string', edited((d) => (d.kdf.params.N = '32768')), /whole numbers/],
    ['N fractional', edited((d) => (d.kdf.params.N = 32768.5)), /whole numbers/],
    ['N not power of two', edited((d) => (d.kdf.params.N = 30000)), /power of two/],
    ['N absurd (DoS)', edited((d) => (d.kdf.params.N = 2 ** 30)), /N is 1073741824/],
    ['N 2^21', edited((d) => (d.kdf.params.N = 2 ** 21)), /2\^20/],
    ['N one', edited((d) => (d.kdf.params.N = 1)), /power of two/],
    ['r zero', edited((d) => (d.kdf.params.r = 0)), /scrypt r is 0/],
    ['r absurd', edited((d) => (d.kdf.params.r = 100_000)), /scrypt r/],
    ['p absurd', edited((d) => (d.kdf.params.p = 1_000_000)), /scrypt p/],
    ['too much memory', edited((d) => Object.assign(d.kdf.params, { N: 2 ** 20, r: 32 })), /unreasonable/],
    ['salt not base64', edited((d) => (d.kdf.salt = 'not base64!')), /kdf\.salt.*base64/],
    ['salt missing', edited((d) => delete d.kdf.salt), /kdf\.salt/],
    ['nonce short', edited((d) => (d.cipher.nonce = Buffer.alloc(23).toString('base64'))), /nonce.*23 bytes/],
    ['nonce missing', edited((d) => delete d.cipher.nonce), /nonce/],
    ['ciphertext missing', edited((d) => delete d.ciphertext), /"ciphertext"/],
    ['ciphertext tiny', edited((d) => (d.ciphertext = Buffer.alloc(8).toString('base64'))), /too short/],
  ];
  for (const [name, pem, reason] of cases) {
    const started = Date.now();
    await assert.rejects(decryptCosignKey(pem, PASSWORD), isCode('KEY_INVALID', reason), name);
    assert.ok(Date.now() - started < 2000, `${name}: rejected before doing expensive scrypt work`);
  }
});

test('an encrypted key holding an unsupported key (RSA) is KEY_UNSUPPORTED after decrypting', async () => {
  const { generateKeyPairSync } = await import('node:crypto');
  const rsa = new Uint8Array(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'der', type: 'pkcs8' }));
  const fake = { ...generatePrivateKey('ed25519'), pkcs8: rsa } as PrivateKey;
  const pem = await encryptCosignKey(fake, 'pw');
  await assert.rejects(decryptCosignKey(pem, 'pw'), isCode('KEY_UNSUPPORTED', /RSA/));
});

test('encrypt then decrypt gives the same key back, for both algorithms and any password', async () => {
  for (const [alg, pw] of [['ed25519', 'pässwörd ✓'], ['ecdsa-p256', '']] as const) {
    const k = generatePrivateKey(alg);
    const pem = await encryptCosignKey(k, pw);
    const back = await decryptCosignKey(pem, pw);
    assert.equal(back.algorithm, alg);
    assert.deepEqual(back.pkcs8, k.pkcs8);
    assert.deepEqual(back.publicKey, k.publicKey);
    await assert.rejects(decryptCosignKey(pem, `${pw}x`), isCode('KEY_PASSWORD_WRONG'));
  }
});

test('the key file Signet writes is exactly cosign\'s format (fields, scrypt N=32768 r=8 p=1, sizes)', async () => {
  const k = generatePrivateKey('ecdsa-p256');
  const pem = await encryptCosignKey(k, 'pw');
  const lines = pem.split('\n');
  assert.equal(lines[0], '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----');
  assert.equal(lines.at(-2), '-----END ENCRYPTED SIGSTORE PRIVATE KEY-----');
  assert.equal(lines.at(-1), '', 'ends with a newline');
  assert.ok(lines.slice(1, -2).every((l) => l.length > 0 && l.length <= 64), 'base64 in lines of at most 64');

  const json = Buffer.from(pemBodyBytes(pem)).toString('utf8');
  const doc = JSON.parse(json);
  assert.deepEqual(Object.keys(doc), ['kdf', 'cipher', 'ciphertext']);
  assert.deepEqual(Object.keys(doc.kdf), ['name', 'params', 'salt']);
  assert.equal(doc.kdf.name, 'scrypt');
  assert.deepEqual(doc.kdf.params, { N: 32768, r: 8, p: 1 });
  assert.deepEqual(Object.keys(doc.kdf.params), ['N', 'r', 'p']);
  assert.deepEqual(Object.keys(doc.cipher), ['name', 'nonce']);
  assert.equal(doc.cipher.name, 'nacl/secretbox');
  const salt = Buffer.from(doc.kdf.salt, 'base64');
  const nonce = Buffer.from(doc.cipher.nonce, 'base64');
  const ct = Buffer.from(doc.ciphertext, 'base64');
  assert.equal(salt.length, 32);
  assert.equal(nonce.length, 24);
  assert.equal(ct.length, k.pkcs8.length + 16, 'secretbox adds a 16-byte tag');
  // Same shape as the upstream fixture's JSON, byte for byte apart from the random values.
  const upstream = Buffer.from(pemBodyBytes(fixtureText('skopeo-ecdsa-p256', 'cosign.key'))).toString('utf8');
  const shape = (s: string) => s.replace(/"[A-Za-z0-9+/]{20,}={0,2}"/g, '"…"');
  assert.equal(shape(json), shape(upstream));

  // Decrypt by hand, independently of decryptCosignKey.
  const key = scryptSync('pw', salt, 32, { N: 32768, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
  const pkcs8 = xsalsa20poly1305(key, nonce).decrypt(ct);
  assert.deepEqual(pkcs8, k.pkcs8);
  assert.deepEqual(privateKeyFromPkcs8(pkcs8).publicKey, k.publicKey);

  const again = await encryptCosignKey(k, 'pw');
  assert.notEqual(again, pem, 'salt and nonce are fresh each time');
});
