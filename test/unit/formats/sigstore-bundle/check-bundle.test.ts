// The checks of one bundle against an image and the trusted keys: every rule, one case each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import { checkBundle, type BundleCheck, type BundleReport } from '../../../../electron/engine/formats/sigstore-bundle/check-bundle.js';
import { readBundleEvidence } from '../../../../electron/engine/formats/sigstore-bundle/read-evidence.js';
import { buildBundleSignature } from '../../../../electron/engine/formats/sigstore-bundle/build-bundle-signature.js';
import { keyHintOf } from '../../../../electron/engine/formats/sigstore-bundle/bundle.js';
import { preAuthEncoding } from '../../../../electron/engine/formats/sigstore-bundle/pae.js';
import { generatePrivateKey } from '../../../../electron/engine/keys/private-key.js';
import { parsePublicKeyPem } from '../../../../electron/engine/keys/public-key.js';
import { signerFromPrivateKey } from '../../../../electron/engine/keys/signer.js';
import { decideVerdict, type TrustedKey, type VerifyPolicy } from '../../../../electron/engine/cosign/verdict.js';
import type { Digest } from '../../../../electron/engine/content/digest.js';
import { bundleBytes, referrerManifestFor, signPae, statementBytes, type SubjectSpec } from '../../../helpers/bundle.js';

const REPO = '127.0.0.1:5000/team/app';
const IMAGE = `sha256:${'34'.repeat(32)}` as Digest;
const OTHER = `sha256:${'56'.repeat(32)}` as Digest;
const alice = generatePrivateKey('ed25519');
const bob = generatePrivateKey('ecdsa-p256');
const ALICE: TrustedKey = { name: 'alice', publicKey: alice.publicKey };
const BOB: TrustedKey = { name: 'bob', publicKey: bob.publicKey };
const image = { repository: REPO, digest: IMAGE };

async function signed(subjects: SubjectSpec[], opts: { by?: typeof alice; predicateType?: string; hintKey?: typeof alice | null; subject?: Digest } = {}) {
  const by = opts.by ?? alice;
  const payload = statementBytes(subjects, opts.predicateType);
  const bundle = bundleBytes({ payload, signature: await signPae(by, payload), ...(opts.hintKey === null ? {} : { hintKey: opts.hintKey ?? by }) });
  return readBundleEvidence({ manifest: referrerManifestFor(bundle, opts.subject ?? IMAGE), bundleBytes: bundle });
}

function sig(c: BundleCheck): BundleReport {
  assert.equal(c.kind, 'signature');
  return (c as { signature: BundleReport }).signature;
}
const last = (r: BundleReport) => r.reasons[r.reasons.length - 1]!;
const policy = (keys: TrustedKey[], requiredAnnotations?: Record<string, string>): VerifyPolicy => ({ keys, ...(requiredAnnotations ? { requiredAnnotations } : {}) });

test('verified: by a trusted key, naming this digest and this repository, with the required annotation', async () => {
  const r = sig(checkBundle(await signed([{ name: `${REPO}:v1`, sha256: IMAGE.slice(7), annotations: { env: 'prod' } }]), image, policy([BOB, ALICE], { env: 'prod' })));
  assert.equal(r.status, 'verified');
  assert.equal(r.keyName, 'alice');
  assert.equal(r.scheme, 'ed25519');
  assert.equal(r.format, 'sigstore-bundle');
  assert.equal(r.identity, `${REPO}:v1`);
  assert.equal(r.namesRepository, true);
  assert.equal(decideVerdict(true, [r], 'x').verdict, 'verified');
});

test('no subject name (cosign\'s own bundles) verifies, and says it names no repository', async () => {
  const r = sig(checkBundle(await signed([{ sha256: IMAGE.slice(7) }]), image, policy([ALICE])));
  assert.equal(r.status, 'verified');
  assert.equal(r.namesRepository, false);
  assert.ok(r.reasons.some((x) => /names no repository/.test(x)));
});

test('another digest, another repository, a missing or other annotation, a revoked key', async () => {
  const other = sig(checkBundle(await signed([{ name: REPO, sha256: OTHER.slice(7) }]), image, policy([ALICE])));
  assert.equal(other.status, 'invalid');
  assert.match(last(other), /made for another image: the statement names sha256:5656/);
  const repo = sig(checkBundle(await signed([{ name: '127.0.0.1:5000/team/other', sha256: IMAGE.slice(7) }]), image, policy([ALICE])));
  assert.equal(repo.status, 'invalid');
  assert.match(last(repo), /signed for the repository 127\.0\.0\.1:5000\/team\/other, not/);
  const missing = sig(checkBundle(await signed([{ sha256: IMAGE.slice(7) }]), image, policy([ALICE], { env: 'prod' })));
  assert.match(last(missing), /env=prod is missing/);
  const wrong = sig(checkBundle(await signed([{ sha256: IMAGE.slice(7), annotations: { env: 'dev' } }]), image, policy([ALICE], { env: 'prod' })));
  assert.match(last(wrong), /env is "dev", but "prod"/);
  const revoked = sig(checkBundle(await signed([{ sha256: IMAGE.slice(7) }]), image, policy([{ ...ALICE, revokedAt: '2026-01-01T00:00:00Z' }])));
  assert.equal(revoked.status, 'revoked');
});

test('one of several subjects may name the image; naming it twice with different claims is invalid', async () => {
  const two = sig(checkBundle(await signed([{ sha256: OTHER.slice(7) }, { name: REPO, sha256: IMAGE.slice(7) }]), image, policy([ALICE])));
  assert.equal(two.status, 'verified');
  const twice = sig(checkBundle(await signed([{ name: REPO, sha256: IMAGE.slice(7) }, { name: '127.0.0.1:5000/team/other', sha256: IMAGE.slice(7) }]), image, policy([ALICE])));
  assert.equal(twice.status, 'invalid');
  assert.match(last(twice), /more than once/);
});

test('unknown key, a hint claiming a trusted key, no trusted keys, a malformed signature', async () => {
  const stranger = generatePrivateKey('ed25519');
  const unknown = sig(checkBundle(await signed([{ sha256: IMAGE.slice(7) }], { by: stranger }), image, policy([ALICE, BOB])));
  assert.equal(unknown.status, 'unknown-key');
  assert.match(last(unknown), /does not verify with any trusted key \(tried 2: alice, bob\)/);
  const claims = sig(checkBundle(await signed([{ sha256: IMAGE.slice(7) }], { by: stranger, hintKey: alice }), image, policy([ALICE, BOB])));
  assert.equal(claims.status, 'invalid');
  assert.equal(claims.keyClaimed, true);
  assert.match(last(claims), /claims to be signed by alice .*key hint/);
  const none = sig(checkBundle(await signed([{ sha256: IMAGE.slice(7) }]), image, policy([])));
  assert.match(last(none), /no trusted keys/);
  const payload = statementBytes([{ sha256: IMAGE.slice(7) }]);
  const junk = Buffer.alloc(10, 1);
  const b = bundleBytes({ payload, signature: junk });
  const malformed = sig(checkBundle(readBundleEvidence({ manifest: referrerManifestFor(b, IMAGE), bundleBytes: b }), image, policy([ALICE])));
  assert.equal(malformed.status, 'invalid');
  assert.match(last(malformed), /malformed/);
});

test('the DSSE keyid is ignored: any keyid, or none, verifies the same', async () => {
  const payload = statementBytes([{ sha256: IMAGE.slice(7) }]);
  const signature = await signPae(alice, payload);
  for (const keyid of ['', 'bob', keyHintOf(bob.publicKey.spki)]) {
    const b = bundleBytes({ payload, signature, keyid });
    assert.equal(sig(checkBundle(readBundleEvidence({ manifest: referrerManifestFor(b, IMAGE), bundleBytes: b }), image, policy([BOB, ALICE]))).status, 'verified', keyid);
  }
});

test('an attestation (another predicate type) by the trusted key is listed, never a signature', async () => {
  const c = checkBundle(await signed([{ sha256: IMAGE.slice(7) }], { predicateType: 'https://slsa.dev/provenance/v1' }), image, policy([ALICE]));
  assert.equal(c.kind, 'attestation');
  const a = (c as { attestation: BundleReport }).attestation;
  assert.equal(a.status, 'verified');
  assert.equal(a.keyName, 'alice');
  assert.equal(a.predicateType, 'https://slsa.dev/provenance/v1');
  assert.ok(!('signature' in c));
});

test('a referrer whose manifest names another subject is invalid (listed under the wrong image)', async () => {
  const r = sig(checkBundle(await signed([{ sha256: IMAGE.slice(7) }], { subject: OTHER }), image, policy([ALICE])));
  assert.equal(r.status, 'invalid');
  assert.match(last(r), /refers to another image/);
});

test('a malformed statement signed by a trusted key is invalid naming the key; an unreadable bundle keeps its problem\'s status', async () => {
  const payload = Buffer.from('{"_type":"https://in-toto.io/Statement/v1","subject":[],"predicateType":"https://sigstore.dev/cosign/sign/v1"}');
  const b = bundleBytes({ payload, signature: await signPae(alice, payload), hintKey: alice });
  const r = sig(checkBundle(readBundleEvidence({ manifest: referrerManifestFor(b, IMAGE), bundleBytes: b }), image, policy([ALICE])));
  assert.equal(r.status, 'invalid');
  assert.equal(r.keyName, 'alice');
  assert.match(last(r), /verifies with alice .*, but the in-toto statement is malformed/);
  const later = Buffer.from(b.toString().replace('bundle.v0.3+json', 'bundle.v0.9+json'));
  const e = sig(checkBundle(readBundleEvidence({ manifest: referrerManifestFor(later, IMAGE), bundleBytes: later }), image, policy([ALICE])));
  assert.equal(e.status, 'error');
});

test('keyless (certificate) bundles are not signatures by a trusted key, even when that key made them', async () => {
  const payload = statementBytes([{ sha256: IMAGE.slice(7) }]);
  const b = bundleBytes({ payload, signature: await signPae(alice, payload), verificationMaterial: { certificate: { rawBytes: Buffer.from('cert').toString('base64') } } });
  const r = sig(checkBundle(readBundleEvidence({ manifest: referrerManifestFor(b, IMAGE), bundleBytes: b }), image, policy([ALICE])));
  assert.equal(r.status, 'unknown-key');
  assert.match(last(r), /keyless/);
});

test('Signet\'s own bundles verify; RSA (PSS) and P-384 keys cosign accepts verify bundles too', async () => {
  const out = await buildBundleSignature({ signer: signerFromPrivateKey(bob), subject: { digest: IMAGE, mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 1 }, repository: REPO, annotations: { env: 'prod' } });
  assert.equal(sig(checkBundle(readBundleEvidence({ manifest: out.manifest, bundleBytes: out.bundle }), image, policy([ALICE, BOB], { env: 'prod' }))).status, 'verified');
  const payload = statementBytes([{ sha256: IMAGE.slice(7) }]);
  const pae = preAuthEncoding('application/vnd.in-toto+json', payload);
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
  for (const [pair, signature, scheme] of [
    [rsa, nodeSign('sha256', pae, { key: rsa.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING }), 'rsa-pss-sha256'],
    [p384, nodeSign('sha384', pae, { key: p384.privateKey, dsaEncoding: 'der' }), 'ecdsa-p384-sha384'],
  ] as const) {
    const key: TrustedKey = { name: 'kms', publicKey: parsePublicKeyPem(pair.publicKey.export({ format: 'pem', type: 'spki' }) as string) };
    const b = bundleBytes({ payload, signature, hint: keyHintOf(key.publicKey.spki) });
    const r = sig(checkBundle(readBundleEvidence({ manifest: referrerManifestFor(b, IMAGE), bundleBytes: b }), image, policy([ALICE, key])));
    assert.equal(r.status, 'verified');
    assert.equal(r.scheme, scheme);
  }
});
