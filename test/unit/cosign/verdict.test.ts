import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideVerdict, evaluateSignature, keysInTryOrder, KEY_HINT_ANNOTATION, type TrustedKey } from '../../../electron/engine/cosign/verdict.js';
import { parseSignatureManifest } from '../../../electron/engine/cosign/signature-manifest.js';
import type { StoredSignature } from '../../../electron/engine/cosign/signature-store.js';
import { parsePublicKeyPem } from '../../../electron/engine/keys/public-key.js';
import { generatePrivateKey } from '../../../electron/engine/keys/private-key.js';
import { SignetError } from '../../../electron/engine/errors.js';
import { parseReference, repositoryName } from '../../../electron/engine/content/reference.js';
import { sha256Digest, type Digest } from '../../../electron/engine/content/digest.js';
import { loadFixture, SIGNATURE_FIXTURES, FIXTURE_IMAGE_DIGEST, type SignatureFixture } from '../../helpers/fixture-files.js';

const IMAGE = FIXTURE_IMAGE_DIGEST as Digest;

function stored(name: SignatureFixture, mutate?: { payload?: Buffer; signatureB64?: string; annotations?: Record<string, string> }): StoredSignature {
  const fx = loadFixture(name);
  const layer = parseSignatureManifest(fx.sigManifest)[0]!;
  const payload = mutate?.payload ?? fx.payload;
  if (mutate?.payload) { layer.payloadDigest = sha256Digest(payload); layer.payloadSize = payload.length; }
  if (mutate?.signatureB64) layer.signatureB64 = mutate.signatureB64;
  if (mutate?.annotations) Object.assign(layer.annotations, mutate.annotations);
  return { layer, payload };
}

function fixtureKey(name: SignatureFixture, revokedAt?: string): TrustedKey {
  return { name: `${name}.pub`, publicKey: parsePublicKeyPem(loadFixture(name).publicPem), ...(revokedAt ? { revokedAt } : {}) };
}

const otherKey: TrustedKey = { name: 'other', publicKey: generatePrivateKey('ed25519').publicKey };
const repoOf = (name: SignatureFixture) => repositoryName(parseReference(loadFixture(name).identity));

function flipByte(b64: string, index: number): string {
  const bytes = Buffer.from(b64, 'base64');
  bytes[index] = bytes[index]! ^ 0x01;
  return bytes.toString('base64');
}

test('every fixture verifies with its key under the repository it was signed for', () => {
  for (const f of SIGNATURE_FIXTURES) {
    const r = evaluateSignature({ repository: repoOf(f), digest: IMAGE }, stored(f), { keys: [fixtureKey(f)] });
    assert.equal(r.status, 'verified', `${f}: ${r.reasons.join(' | ')}`);
    assert.equal(r.ok, true);
    assert.equal(r.keyName, `${f}.pub`);
    assert.equal(r.keyClaimed, undefined, 'a key that verified is not a mere claim');
    assert.equal(r.scheme, f.includes('ecdsa') ? 'ecdsa-p256-sha256' : 'ed25519');
  }
});

test('the same signature under another repository is invalid, naming the repository it was signed for', () => {
  for (const f of SIGNATURE_FIXTURES) {
    const r = evaluateSignature({ repository: '127.0.0.1:5055/other/repo', digest: IMAGE }, stored(f), { keys: [fixtureKey(f)] });
    assert.equal(r.status, 'invalid', f);
    assert.match(r.reasons.at(-1)!, new RegExp(`signed for the repository ${repoOf(f).replace(/[.]/g, '\\.')}, not 127\\.0\\.0\\.1:5055/other/repo`));
  }
});

test('the tag in the identity does not matter (matchRepository)', () => {
  const r = evaluateSignature({ repository: '127.0.0.1:5055/sig-ed-pass/app', digest: IMAGE }, stored('skopeo-ed25519'), { keys: [fixtureKey('skopeo-ed25519')] });
  assert.equal(r.identity, '127.0.0.1:5055/sig-ed-pass/app:v1');
  assert.equal(r.status, 'verified');
});

test('with another key the fixtures are signed by an unknown key', () => {
  for (const f of SIGNATURE_FIXTURES) {
    const r = evaluateSignature({ repository: repoOf(f), digest: IMAGE }, stored(f), { keys: [otherKey] });
    assert.equal(r.status, 'unknown-key', f);
    assert.match(r.reasons.at(-1)!, /does not verify with any trusted key \(tried 1: other\)/);
  }
});

test('a payload whose bytes do not match its digest is INVALID (the store reports the mismatch)', () => {
  const s = stored('skopeo-ed25519');
  const sig: StoredSignature = { layer: s.layer, payloadError: new SignetError('DIGEST_MISMATCH', 'expected a, got b') };
  const r = evaluateSignature({ repository: repoOf('skopeo-ed25519'), digest: IMAGE }, sig, { keys: [fixtureKey('skopeo-ed25519')] });
  assert.equal(r.status, 'invalid');
  assert.match(r.reasons[0]!, /altered/);
});

test('a payload read that failed on the network is could-not-check, not invalid', () => {
  const s = stored('skopeo-ed25519');
  const r = evaluateSignature({ repository: repoOf('skopeo-ed25519'), digest: IMAGE }, { layer: s.layer, payloadError: new SignetError('NETWORK', 'reset') }, { keys: [fixtureKey('skopeo-ed25519')] });
  assert.equal(r.status, 'error');
});

test('a signature that claims a trusted key (Signet key hint) but fails is INVALID, for every byte flipped', () => {
  const f = 'skopeo-ed25519';
  const key = fixtureKey(f);
  const sigLen = Buffer.from(loadFixture(f).signatureB64, 'base64').length;
  for (let i = 0; i < sigLen; i++) {
    const s = stored(f, { signatureB64: flipByte(loadFixture(f).signatureB64, i), annotations: { [KEY_HINT_ANNOTATION]: key.publicKey.fingerprint } });
    const r = evaluateSignature({ repository: repoOf(f), digest: IMAGE }, s, { keys: [key] });
    assert.equal(r.status, 'invalid', `byte ${i}`);
    assert.match(r.reasons.at(-1)!, /claims to be signed by skopeo-ed25519\.pub/);
    // The name is only the claim: hosts must not present it as the signer.
    assert.equal(r.keyName, 'skopeo-ed25519.pub');
    assert.equal(r.keyClaimed, true, `byte ${i}`);
  }
});

test('a changed payload re-hashed into the manifest never verifies', () => {
  for (const f of SIGNATURE_FIXTURES) {
    const payload = Buffer.from(loadFixture(f).payload);
    payload[payload.length - 3] = payload[payload.length - 3]! ^ 0x01;
    const r = evaluateSignature({ repository: repoOf(f), digest: IMAGE }, stored(f, { payload }), { keys: [fixtureKey(f)] });
    assert.notEqual(r.status, 'verified', f);
  }
});

test('a signature by a trusted key for another digest is INVALID', () => {
  const other = `sha256:${'c'.repeat(64)}` as Digest;
  const r = evaluateSignature({ repository: repoOf('skopeo-ecdsa-p256'), digest: other }, stored('skopeo-ecdsa-p256'), { keys: [fixtureKey('skopeo-ecdsa-p256')] });
  assert.equal(r.status, 'invalid');
  assert.match(r.reasons.at(-1)!, /made for another image/);
});

test('a revoked key gives revoked; required annotations are enforced', () => {
  const f = 'skopeo-ed25519';
  const revoked = evaluateSignature({ repository: repoOf(f), digest: IMAGE }, stored(f), { keys: [fixtureKey(f, '2026-01-01T00:00:00Z')] });
  assert.equal(revoked.status, 'revoked');
  const present = evaluateSignature({ repository: repoOf(f), digest: IMAGE }, stored(f), { keys: [fixtureKey(f)], requiredAnnotations: { creator: 'containers/image 5.26.2' } });
  assert.equal(present.status, 'verified');
  const missing = evaluateSignature({ repository: repoOf(f), digest: IMAGE }, stored(f), { keys: [fixtureKey(f)], requiredAnnotations: { env: 'prod' } });
  assert.equal(missing.status, 'invalid');
  assert.match(missing.reasons.at(-1)!, /env=prod is missing/);
});

test('a missing or non-base64 signature annotation is invalid', () => {
  const f = 'handmade-ed25519';
  const s = stored(f);
  delete s.layer.signatureB64;
  assert.equal(evaluateSignature({ repository: repoOf(f), digest: IMAGE }, s, { keys: [fixtureKey(f)] }).status, 'invalid');
  assert.equal(evaluateSignature({ repository: repoOf(f), digest: IMAGE }, stored(f, { signatureB64: 'not base64!' }), { keys: [fixtureKey(f)] }).status, 'invalid');
});

test('verdicts fold as the design says', () => {
  const f = 'skopeo-ed25519';
  const img = { repository: repoOf(f), digest: IMAGE };
  const good = evaluateSignature(img, stored(f), { keys: [fixtureKey(f)] });
  const bad = evaluateSignature(img, stored(f, { signatureB64: flipByte(loadFixture(f).signatureB64, 3), annotations: { [KEY_HINT_ANNOTATION]: fixtureKey(f).publicKey.fingerprint } }), { keys: [fixtureKey(f)] });
  const unknown = evaluateSignature(img, stored(f), { keys: [otherKey] });
  const revoked = evaluateSignature(img, stored(f), { keys: [fixtureKey(f, '2026-01-01')] });
  const err = evaluateSignature(img, { layer: stored(f).layer, payloadError: new SignetError('NETWORK', 'x') }, { keys: [] });
  assert.equal(decideVerdict(false, [], 'x').verdict, 'unsigned');
  const both = decideVerdict(true, [good, bad], 'x');
  assert.equal(both.verdict, 'verified');
  assert.match(both.message, /verified by skopeo-ed25519\.pub \(SHA256:[0-9a-f]{16}…\); 1 other signature is INVALID/);
  assert.equal(decideVerdict(true, [bad, revoked, unknown], 'x').verdict, 'invalid');
  assert.equal(decideVerdict(true, [revoked, unknown], 'x').verdict, 'revoked');
  assert.equal(decideVerdict(true, [unknown, err], 'x').verdict, 'error');
  assert.equal(decideVerdict(true, [unknown], 'x').verdict, 'unknown-key');
});

test('a structurally malformed signature is INVALID even without a key hint', () => {
  const ed = 'skopeo-ed25519';
  const edSig = Buffer.from(loadFixture(ed).signatureB64, 'base64');
  const highS = Buffer.from(edSig);
  highS[63] = 0xff; // S >= L: no Ed25519 signer produces it
  const r1 = evaluateSignature({ repository: repoOf(ed), digest: IMAGE }, stored(ed, { signatureB64: highS.toString('base64') }), { keys: [fixtureKey(ed)] });
  assert.equal(r1.status, 'invalid');
  assert.match(r1.reasons.at(-1)!, /malformed: its S value/);
  const ec = 'skopeo-ecdsa-p256';
  const der = Buffer.from(loadFixture(ec).signatureB64, 'base64');
  for (const i of [0, 1, 2, 3]) { // SEQUENCE tag and length, first INTEGER tag and length
    const broken = Buffer.from(der);
    broken[i] = broken[i]! ^ 0x01;
    const r = evaluateSignature({ repository: repoOf(ec), digest: IMAGE }, stored(ec, { signatureB64: broken.toString('base64') }), { keys: [fixtureKey(ec)] });
    assert.equal(r.status, 'invalid', `byte ${i}`);
  }
  // A well-formed signature that simply is not by a trusted key stays "unknown key".
  const r2 = evaluateSignature({ repository: repoOf(ec), digest: IMAGE }, stored(ec), { keys: [otherKey] });
  assert.equal(r2.status, 'unknown-key');
});

test('the key a hint names is tried first (every entry holding it, in their order); without a hint, or with one naming no trusted key, the order is kept', () => {
  const [a, b, c] = ['a', 'b', 'c'].map((name): TrustedKey => ({ name, publicKey: generatePrivateKey('ed25519').publicKey }));
  const cAgain: TrustedKey = { name: 'c as a teammate too', publicKey: c!.publicKey };
  const keys = [a!, c!, b!, otherKey, cAgain];
  assert.deepEqual(keysInTryOrder(keys, c!.publicKey.fingerprint).map((k) => k.name), ['c', 'c as a teammate too', 'a', 'b', 'other']);
  assert.deepEqual(keysInTryOrder(keys, undefined), keys);
  assert.deepEqual(keysInTryOrder(keys, 'SHA256:not-a-trusted-key'), keys);
});

test('the hint orders the keys but credits none: a signature is credited to the key it verifies with, whatever the hint says', () => {
  const stranger: TrustedKey = { name: 'stranger', publicKey: generatePrivateKey('ecdsa-p256').publicKey };
  for (const f of SIGNATURE_FIXTURES) {
    const signer = fixtureKey(f);
    const keys = [otherKey, stranger, signer];
    const plain = evaluateSignature({ repository: repoOf(f), digest: IMAGE }, stored(f), { keys });
    assert.equal(plain.keyName, signer.name);
    for (const hint of [signer.publicKey.fingerprint, otherKey.publicKey.fingerprint, stranger.publicKey.fingerprint]) {
      const hinted = evaluateSignature({ repository: repoOf(f), digest: IMAGE }, stored(f, { annotations: { [KEY_HINT_ANNOTATION]: hint } }), { keys });
      assert.equal(hinted.status, 'verified', `${f} with a hint naming ${hint}`);
      assert.equal(hinted.keyName, signer.name, `${f}: credited to its real signer, not to the hinted key`);
      assert.deepEqual({ ...hinted, annotations: undefined }, { ...plain, annotations: undefined }, `${f}: the same report with or without the hint`);
    }
  }
});

test('each report names the digest its payload signs; a replayed signature names the other image\'s', () => {
  const other = sha256Digest(Buffer.from('another image')) as Digest;
  for (const f of SIGNATURE_FIXTURES) {
    const own = evaluateSignature({ repository: repoOf(f), digest: IMAGE }, stored(f), { keys: [fixtureKey(f)] });
    assert.equal(own.signedDigest, IMAGE, f);
    // The same signature found under another digest: made for IMAGE, copied here.
    for (const keys of [[fixtureKey(f)], [otherKey]]) {
      const copied = evaluateSignature({ repository: repoOf(f), digest: other }, stored(f), { keys });
      assert.equal(copied.status, 'invalid', f);
      assert.equal(copied.signedDigest, IMAGE, `${f}: the digest it was made for, with ${keys[0]!.name}`);
    }
  }
});

test('an unknown signer\'s key hint is passed on as a claim only when it is a fingerprint and names no trusted key', () => {
  const stranger = generatePrivateKey('ecdsa-p256').publicKey.fingerprint;
  for (const f of SIGNATURE_FIXTURES) {
    const hinted = (hint: string, keys: TrustedKey[]) => evaluateSignature({ repository: repoOf(f), digest: IMAGE }, stored(f, { annotations: { [KEY_HINT_ANNOTATION]: hint } }), { keys });
    const unknown = hinted(stranger, [otherKey]);
    assert.equal(unknown.status, 'unknown-key', f);
    assert.equal(unknown.keyHint, stranger);
    assert.equal(unknown.keyName, undefined, 'a claim never becomes a name');
    assert.equal(hinted(`${stranger}\u001b[2J`, [otherKey]).keyHint, undefined, 'not a fingerprint: not passed on');
    assert.equal(hinted('SHA256:ABC', [otherKey]).keyHint, undefined);
    assert.equal(hinted(fixtureKey(f).publicKey.fingerprint, [fixtureKey(f)]).keyHint, undefined, 'a verified signature needs no claim');
    assert.equal(evaluateSignature({ repository: repoOf(f), digest: IMAGE }, stored(f), { keys: [otherKey] }).keyHint, undefined, 'no hint, no claim');
  }
});
