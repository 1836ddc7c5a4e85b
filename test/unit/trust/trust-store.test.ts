import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TrustStore, defaultTrustedKeys } from '../../../electron/engine/trust/trust-store.js';
import { KeyStore } from '../../../electron/engine/keystore/keychain-key-store.js';
import { generatePrivateKey } from '../../../electron/engine/keys/private-key.js';
import { SignetError } from '../../../electron/engine/errors.js';
import { MemoryBackend } from '../../helpers/memory-keychain.js';
import { makeTempDir } from '../../helpers/tmp.js';

const code = (c: string) => (e: unknown) => e instanceof SignetError && e.code === c;

test('add shows the fingerprint, refuses duplicates by name and by key, and persists atomically', async () => {
  const dir = await makeTempDir();
  const store = new TrustStore(dir);
  const alice = generatePrivateKey('ed25519').publicKey;
  const bob = generatePrivateKey('ecdsa-p256').publicKey;
  const e = await store.add(alice.pem, 'Alice');
  assert.equal(e.fingerprint, alice.fingerprint);
  assert.equal(e.algorithm, 'ed25519');
  await assert.rejects(store.add(bob.pem, 'Alice'), code('ALREADY_EXISTS'));
  await assert.rejects(store.add(alice.pem, 'Alice2'), code('ALREADY_EXISTS'));
  await assert.rejects(store.add('not a key', 'X'), code('KEY_INVALID'));
  await store.add(bob.pem, 'Bob');
  assert.deepEqual((await store.list()).map((x) => x.name), ['Alice', 'Bob']);
  const files = await readdir(dir);
  assert.deepEqual(files.filter((f) => f.includes('.tmp-') || f.endsWith('.lock')), [], 'no temp or lock file left');
  assert.equal(JSON.parse(await readFile(join(dir, 'trust.json'), 'utf8')).version, 1);
});

test('revoke keeps the key with the time; verify gets it with revokedAt; remove forgets it', async () => {
  const dir = await makeTempDir();
  const store = new TrustStore(dir);
  const alice = generatePrivateKey('ed25519').publicKey;
  await store.add(alice.pem, 'Alice');
  const when = new Date('2026-01-02T03:04:05Z');
  const r = await store.revoke('alice', when);
  assert.equal(r.already, false);
  assert.equal(r.entry.revokedAt, when.toISOString());
  assert.equal((await store.revoke(alice.fingerprint)).already, true, 'by fingerprint; the first time is kept');
  const keys = await defaultTrustedKeys(dir);
  assert.equal(keys[0]!.revokedAt, when.toISOString());
  await store.remove('Alice');
  assert.deepEqual(await store.list(), []);
  await assert.rejects(store.remove('Alice'), code('NOT_FOUND'));
});

test('own keys count as trusted, and cannot be added to the trust store again', async () => {
  const dir = await makeTempDir();
  const ks = new KeyStore(dir, new MemoryBackend());
  const mine = await ks.generate('me');
  const store = new TrustStore(dir);
  await assert.rejects(store.add(mine.publicKeyPem, 'Me'), code('ALREADY_EXISTS'));
  const other = generatePrivateKey('ed25519').publicKey;
  await store.add(other.pem, 'Other');
  const keys = await defaultTrustedKeys(dir);
  assert.deepEqual(keys.map((k) => [k.name, k.publicKey.fingerprint]), [['me', mine.fingerprint], ['Other', other.fingerprint]]);
});

test('a corrupt trust.json is moved aside and reported', async () => {
  const dir = await makeTempDir();
  await writeFile(join(dir, 'trust.json'), '{"version":1,"keys":[{"name":"x"}]}');
  await assert.rejects(new TrustStore(dir).list(), (e: unknown) => e instanceof SignetError && e.code === 'DATA_CORRUPT' && /trusted key 1 has no "publicKeyPem"/.test(e.message));
  assert.ok((await readdir(dir)).some((f) => f.startsWith('trust.json.corrupt-')));
});

test('concurrent adds do not lose one another', async () => {
  const dir = await makeTempDir();
  const store = new TrustStore(dir);
  const keys = Array.from({ length: 8 }, () => generatePrivateKey('ed25519').publicKey);
  await Promise.all(keys.map((k, i) => new TrustStore(dir).add(k.pem, `k${i}`)));
  assert.equal((await store.list()).length, 8);
});

test('restore takes a revocation back: the key verifies again, its added time kept; restoring an unrevoked key changes nothing', async () => {
  const dir = await makeTempDir();
  const store = new TrustStore(dir);
  const alice = generatePrivateKey('ed25519').publicKey;
  const added = await store.add(alice.pem, 'Alice', new Date('2026-01-01T00:00:00Z'));
  await store.revoke('Alice');
  const r = await store.restore(alice.fingerprint);
  assert.equal(r.already, false);
  assert.deepEqual(r.entry, added, 'as it was added: no revokedAt, the same added time');
  assert.deepEqual(await store.list(), [added]);
  assert.equal((await defaultTrustedKeys(dir))[0]!.revokedAt, undefined, 'verify trusts it again');
  const before = await readFile(join(dir, 'trust.json'), 'utf8');
  assert.equal((await store.restore('alice')).already, true);
  assert.equal(await readFile(join(dir, 'trust.json'), 'utf8'), before, 'nothing written');
  await assert.rejects(store.restore('Bob'), code('NOT_FOUND'));
});
