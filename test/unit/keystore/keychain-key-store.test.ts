import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { KeyStore, fingerprintMatches } from '../../../electron/engine/keystore/keychain-key-store.js';
import { keychainError } from '../../../electron/engine/keystore/secret-backend.js';
import { decryptCosignKey } from '../../../electron/engine/keys/cosign-key-file.js';
import { SignetError } from '../../../electron/engine/errors.js';
import { MemoryBackend } from '../../helpers/memory-keychain.js';
import { makeTempDir } from '../../helpers/tmp.js';
import { loadFixture, FIXTURE_PASSWORD } from '../../helpers/fixture-files.js';

async function fresh(): Promise<{ store: KeyStore; backend: MemoryBackend; dir: string }> {
  const dir = await makeTempDir();
  const backend = new MemoryBackend();
  return { store: new KeyStore(dir, backend), backend, dir };
}

const code = (c: string) => (e: unknown) => e instanceof SignetError && e.code === c;

test('generate stores PKCS#8 only in the keychain and public metadata in keys.json', async () => {
  const { store, backend, dir } = await fresh();
  for (const alg of ['ed25519', 'ecdsa-p256'] as const) {
    const meta = await store.generate(`k-${alg}`, alg);
    assert.match(meta.id, /^[0-9a-f]{16}$/);
    assert.equal(meta.algorithm, alg);
    const secret = backend.secrets.get(meta.id)!;
    assert.ok(secret, 'the keychain holds the key under its id');
    const file = await readFile(join(dir, 'keys.json'), 'utf8');
    assert.ok(!file.includes(secret), 'keys.json never holds the private key');
    assert.ok(!file.includes(Buffer.from(secret, 'base64').toString('hex')));
  }
  const list = await store.list();
  assert.deepEqual(list.map((k) => [k.name, k.inKeychain]), [['k-ed25519', true], ['k-ecdsa-p256', true]]);
  assert.equal(((await readFile(join(dir, 'keys.json'))).length > 0), true);
  const mode = (await import('node:fs')).statSync(join(dir, 'keys.json')).mode & 0o777;
  assert.equal(mode, 0o600);
});

test('the signer reads the keychain at sign time and its signatures verify with node:crypto', async () => {
  const { store, backend } = await fresh();
  for (const alg of ['ed25519', 'ecdsa-p256'] as const) {
    const meta = await store.generate(alg, alg);
    const { signer } = await store.signer(alg);
    const data = new TextEncoder().encode(`payload ${alg}`);
    const sig = await signer.sign(data);
    const direct = await store.sign(meta.id, data);
    const pub = createPublicKey(meta.publicKeyPem);
    for (const s of [sig, direct]) assert.ok(alg === 'ed25519' ? cryptoVerify(null, data, pub, s) : cryptoVerify('sha256', data, pub, s));
    // Once the keychain entry is gone, the signer cannot sign: it holds no copy.
    backend.secrets.delete(meta.id);
    await assert.rejects(signer.sign(data), code('KEYCHAIN_UNAVAILABLE'));
  }
});

test('names: unique, resolvable by name or id; rename and delete with the fingerprint typed back', async () => {
  const { store, backend } = await fresh();
  const a = await store.generate('alice');
  await assert.rejects(store.generate('alice'), code('ALREADY_EXISTS'));
  await assert.rejects(store.generate(' spaced'), code('USAGE'));
  await assert.rejects(store.generate('SHA256:abc'), code('USAGE'));
  assert.equal((await store.get(a.id)).name, 'alice');
  await store.generate('bob');
  await assert.rejects(store.rename('alice', 'bob'), code('ALREADY_EXISTS'));
  assert.equal((await store.rename('alice', 'carol')).id, a.id);
  await assert.rejects(store.get('alice'), code('NOT_FOUND'));
  await assert.rejects(store.delete('carol', 'SHA256:00'), code('USAGE'));
  assert.ok(backend.secrets.has(a.id), 'a wrong fingerprint deletes nothing');
  await store.delete('carol', a.fingerprint.slice('SHA256:'.length).toUpperCase());
  assert.ok(!backend.secrets.has(a.id));
  assert.deepEqual((await store.list()).map((k) => k.name), ['bob']);
});

test('fingerprintMatches accepts the fingerprint with or without SHA256:, any case', () => {
  assert.ok(fingerprintMatches('SHA256:abcd', ' sha256:ABCD '));
  assert.ok(fingerprintMatches('SHA256:abcd', 'abcd'));
  assert.ok(!fingerprintMatches('SHA256:abcd', ''));
  assert.ok(!fingerprintMatches('SHA256:abcd', 'abc'));
});

test('import: the cosign fixture keys import with their password; a wrong password writes nothing', async () => {
  const { store, backend, dir } = await fresh();
  const fx = loadFixture('skopeo-ecdsa-p256');
  await assert.rejects(store.importCosignKey(fx.privatePem, 'wrong', 'fx'), code('KEY_PASSWORD_WRONG'));
  assert.equal(backend.secrets.size, 0);
  assert.deepEqual(await readdir(dir), []);
  const meta = await store.importCosignKey(fx.privatePem, FIXTURE_PASSWORD(), 'fx');
  assert.equal(meta.origin, 'imported');
  assert.equal(meta.publicKeyPem, createPublicKey(fx.publicPem).export({ type: 'spki', format: 'pem' }).toString());
  await assert.rejects(store.importCosignKey(fx.privatePem, FIXTURE_PASSWORD(), 'again'), code('ALREADY_EXISTS'));
});

test('export: a cosign-encrypted PEM that decrypts to the same key; short passwords refused', async () => {
  const { store } = await fresh();
  const meta = await store.generate('ci', 'ecdsa-p256');
  await assert.rejects(store.exportCosignKey('ci', 'short'), code('USAGE'));
  const { pem } = await store.exportCosignKey('ci', 'long enough');
  assert.match(pem, /^-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n/);
  assert.equal((await decryptCosignKey(pem, 'long enough')).publicKey.fingerprint, meta.fingerprint);
});

test('keychain errors become one plain KEYCHAIN_UNAVAILABLE sentence', async () => {
  const cases: Array<[string, RegExp]> = [
    ['Cannot autolaunch D-Bus without X11 $DISPLAY', /no D-Bus session/],
    ['The name org.freedesktop.secrets was not provided by any .service files', /no Secret Service on the session D-Bus/],
    ['Object does not exist at path “/org/freedesktop/secrets/collection/login”', /locked/],
    ['Cannot create an item in a locked collection', /locked/],
  ];
  for (const [raw, re] of cases) {
    const e = keychainError(new Error(raw));
    assert.equal(e.code, 'KEYCHAIN_UNAVAILABLE');
    assert.match(e.message, re);
    assert.match(e.message, /--key FILE/);
    assert.equal(e.message.split('\n').length, 1);
  }
  const { store, backend } = await fresh();
  backend.failWith = 'The name org.freedesktop.secrets was not provided by any .service files';
  await assert.rejects(store.generate('x'), code('KEYCHAIN_UNAVAILABLE'));
  await assert.rejects(store.list(), code('KEYCHAIN_UNAVAILABLE'));
  assert.deepEqual(await store.metadata(), [], 'metadata (for verify) needs no keychain');
});

test('a keychain write that fails leaves no metadata behind', async () => {
  const { store, backend, dir } = await fresh();
  backend.failNextSet = true;
  await assert.rejects(store.generate('x'), code('KEYCHAIN_UNAVAILABLE'));
  assert.deepEqual(await store.metadata(), []);
  assert.ok(!(await readdir(dir)).includes('keys.json'));
});

test('a corrupt keys.json is reported and moved aside, never replaced', async () => {
  const { store, dir } = await fresh();
  await writeFile(join(dir, 'keys.json'), '{"version":1,"keys":[{"id":"nothex"');
  await assert.rejects(store.generate('x'), (e: unknown) => e instanceof SignetError && e.code === 'DATA_CORRUPT' && /moved aside/.test(e.message));
  const files = await readdir(dir);
  assert.ok(files.some((f) => f.startsWith('keys.json.corrupt-')), files.join(','));
  assert.ok(!files.includes('keys.json'));
});
