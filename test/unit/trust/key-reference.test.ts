// The one rule for --key / --sign values (engine/trust/key-reference.ts), case by case, with the
// files of the working directory given as a set so each case says exactly what exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveKeyReference, type KeyReferenceScope } from '../../../electron/engine/trust/key-reference.js';
import { generatePrivateKey } from '../../../electron/engine/keys/private-key.js';
import { SignetError } from '../../../electron/engine/errors.js';
import type { KeyMetadata } from '../../../electron/engine/keystore/key-metadata.js';
import type { TrustEntry } from '../../../electron/engine/trust/trust-store.js';

function own(name: string, id: string): KeyMetadata {
  const p = generatePrivateKey('ed25519').publicKey;
  return { id, name, algorithm: 'ed25519', fingerprint: p.fingerprint, publicKeyPem: p.pem, created: '2026-01-01T00:00:00Z', origin: 'generated' };
}
function trusted(name: string): TrustEntry {
  const p = generatePrivateKey('ecdsa-p256').publicKey;
  return { name, algorithm: 'ecdsa-p256', fingerprint: p.fingerprint, publicKeyPem: p.pem, added: '2026-01-01T00:00:00Z' };
}

const release = own('release', '0123456789abcdef');
const alice = trusted('alice');
const cosignPub = trusted('cosign.pub');
/** Files in the working directory: the attacker's `alice` and `release`, and `cosign.pub`, `other.pub`, `stray`. */
const here = new Set(['alice', 'release', 'cosign.pub', 'other.pub', 'stray']);
const cli = (what = 'public key file'): KeyReferenceScope => ({ flag: '--key', own: [release], trusted: [alice, cosignPub], files: { what, exists: (p) => here.has(p) } });
const resolve = (v: string, scope = cli()) => resolveKeyReference(v, scope);
const usage = (pattern: RegExp) => (e: unknown) => e instanceof SignetError && e.code === 'USAGE' && pattern.test(e.message);

test('a value with a / is a file, only ever a file', () => {
  for (const v of ['./alice', '../k.pub', '/abs/k.pub', 'dir/k.pub', './release']) assert.deepEqual(resolve(v), { kind: 'file', path: v });
});

test('a bare name is the key, even when a file of that name is here', () => {
  assert.deepEqual(resolve('alice'), { kind: 'trusted', key: alice });
  assert.deepEqual(resolve('ALICE'), { kind: 'trusted', key: alice }, 'names match case-insensitively after an exact match');
  assert.deepEqual(resolve('release'), { kind: 'own', key: release });
  assert.deepEqual(resolve('0123456789abcdef'), { kind: 'own', key: release }, 'an own key by id');
});

test('a full fingerprint names the own or trusted key, in any case; a partial or unknown one is refused, never a file', () => {
  assert.deepEqual(resolve(alice.fingerprint), { kind: 'trusted', key: alice });
  assert.deepEqual(resolve(release.fingerprint.toUpperCase()), { kind: 'own', key: release });
  assert.throws(() => resolve(alice.fingerprint.slice(0, 30)), usage(/64 hex digits/));
  assert.throws(() => resolve(`SHA256:${'0'.repeat(64)}`), usage(/no own or trusted key has this fingerprint/));
});

test('a bare .pub/.key/.pem name that names no key is the file here; both a key and a file is refused, saying how to write each', () => {
  assert.deepEqual(resolve('other.pub'), { kind: 'file', path: 'other.pub' });
  assert.throws(() => resolve('missing.pem'), usage(/no own or trusted key by that name, and no file of that name/));
  assert.throws(() => resolve('cosign.pub'), usage(new RegExp(`ambiguous.*--key \\./cosign\\.pub for the file, or --key ${cosignPub.fingerprint} for the key`)));
  const noFile = { ...cli(), files: { what: 'public key file', exists: () => false } };
  assert.deepEqual(resolve('cosign.pub', noFile), { kind: 'trusted', key: cosignPub }, 'no such file: the key');
  assert.throws(() => resolve('.pub'), usage(/no own or trusted key by that name \(keys: [^)]*\); a public key file is given by its path/), 'an ending alone is not a file name');
});

test('a bare name without those endings never reads a file: with a file of that name here, the error says ./NAME', () => {
  assert.throws(() => resolve('stray'), usage(/no key is named "stray".*--key \.\/stray/));
  assert.throws(() => resolve('nobody'), usage(/no own or trusted key by that name \(keys: "release", "alice", "cosign\.pub"\)/));
  assert.throws(() => resolve(''), usage(/needs a key/));
});

test('signing: own keys only, a cosign key file by path; --sign in the messages', () => {
  const sign: KeyReferenceScope = { flag: '--sign', own: [release], files: { what: 'cosign private key file', exists: (p) => here.has(p) } };
  assert.deepEqual(resolveKeyReference('release', sign), { kind: 'own', key: release });
  assert.deepEqual(resolveKeyReference('./release', sign), { kind: 'file', path: './release' });
  assert.throws(() => resolveKeyReference('alice', sign), usage(/--sign "alice": no key is named "alice".*cosign private key file, write --sign \.\/alice/));
  assert.throws(() => resolveKeyReference(alice.fingerprint, sign), usage(/no keychain key has this fingerprint/), 'a trusted key cannot sign');
});

test('without files (the desktop hosts): every value is a key reference, a path included', () => {
  const host: KeyReferenceScope = { flag: '--key', own: [release], trusted: [alice] };
  assert.deepEqual(resolveKeyReference('alice', host), { kind: 'trusted', key: alice });
  assert.throws(() => resolveKeyReference('./alice', host), usage(/no own or trusted key by that name/));
});
