// Signet's bundle signature against the shapes cosign v3 writes (pkg/oci/remote/write.go,
// cmd/cosign/cli/sign/sign.go, internal/key/svkeypair.go), byte for byte where Go's output is
// deterministic: Go's encoding/json writes struct fields in declaration order and sorts map keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { buildBundleSignature } from '../../../../electron/engine/formats/sigstore-bundle/build-bundle-signature.js';
import { readBundleEvidence } from '../../../../electron/engine/formats/sigstore-bundle/read-evidence.js';
import { privateKeyFromPkcs8, generatePrivateKey } from '../../../../electron/engine/keys/private-key.js';
import { signerFromPrivateKey } from '../../../../electron/engine/keys/signer.js';
import { sha256Digest, type Digest } from '../../../../electron/engine/content/digest.js';

// A fixed Ed25519 key (PKCS#8 of the seed 0x01..0x20): pure Ed25519 is deterministic, so every byte is known.
const PKCS8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(Array.from({ length: 32 }, (_, i) => i + 1))]);
const priv = privateKeyFromPkcs8(PKCS8);
const IMAGE = `sha256:${'0f'.repeat(32)}` as Digest;
const SUBJECT = { digest: IMAGE, mediaType: 'application/vnd.oci.image.index.v1+json', size: 1609 };
const CREATED = new Date('2026-05-01T12:34:56.789Z');

test('the bundle: v0.3, the cosign key hint, DSSE without keyid, payloadType in-toto, the PAE signed', async () => {
  const out = await buildBundleSignature({ signer: signerFromPrivateKey(priv), subject: SUBJECT, repository: 'registry.example/team/app', annotations: { env: 'prod' }, created: CREATED });
  const statement = `{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"registry.example/team/app","digest":{"sha256":"${'0f'.repeat(32)}"},"annotations":{"env":"prod"}}],"predicateType":"https://sigstore.dev/cosign/sign/v1","predicate":{}}`;
  assert.equal(Buffer.from(out.statement).toString(), statement);
  const pae = Buffer.concat([Buffer.from(`DSSEv1 28 application/vnd.in-toto+json ${statement.length} `), Buffer.from(statement)]);
  const key = createPrivateKey({ key: PKCS8, format: 'der', type: 'pkcs8' });
  const sig = nodeSign(null, pae, key).toString('base64'); // OpenSSL's Ed25519, independent of Signet's signer
  // cosign's hint: base64(sha256(x509.MarshalPKIXPublicKey(pub))).
  const hint = createHash('sha256').update(createPublicKey(key).export({ format: 'der', type: 'spki' })).digest('base64');
  assert.equal(Buffer.from(out.bundle).toString(),
    `{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"publicKey":{"hint":"${hint}"}},"dsseEnvelope":{"payload":"${Buffer.from(statement).toString('base64')}","payloadType":"application/vnd.in-toto+json","signatures":[{"sig":"${sig}"}]}}`);
  assert.deepEqual(out.bundleDescriptor, { mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', digest: sha256Digest(out.bundle), size: out.bundle.length });
});

test('the referrer manifest is cosign v3\'s WriteReferrer output, field for field and in Go\'s order', async () => {
  const out = await buildBundleSignature({ signer: signerFromPrivateKey(priv), subject: SUBJECT, repository: 'registry.example/team/app', created: CREATED });
  const bundle = { digest: sha256Digest(out.bundle), size: out.bundle.length };
  // v1.Manifest{SchemaVersion, MediaType, Config, Layers, Annotations, Subject} + referrerManifest.ArtifactType;
  // v1.Descriptor{MediaType, Size, Digest, ..., ArtifactType}; the config carries ArtifactType (write.go WriteReferrer).
  const expected = '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",'
    + '"config":{"mediaType":"application/vnd.oci.empty.v1+json","size":2,"digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","artifactType":"application/vnd.dev.sigstore.bundle.v0.3+json"},'
    + `"layers":[{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","size":${bundle.size},"digest":"${bundle.digest}"}],`
    + '"annotations":{"dev.sigstore.bundle.content":"dsse-envelope","dev.sigstore.bundle.predicateType":"https://sigstore.dev/cosign/sign/v1","org.opencontainers.image.created":"2026-05-01T12:34:56Z"},'
    + `"subject":{"mediaType":"application/vnd.oci.image.index.v1+json","size":1609,"digest":"${IMAGE}"},`
    + '"artifactType":"application/vnd.dev.sigstore.bundle.v0.3+json"}';
  assert.equal(Buffer.from(out.manifest).toString(), expected);
  assert.equal(out.manifestDigest, sha256Digest(out.manifest));
  assert.deepEqual(Buffer.from(out.config), Buffer.from('{}'));
  assert.equal(sha256Digest(out.config), out.configDescriptor.digest);
  // The fallback index entry (OCI distribution spec, "Pushing Manifests with Subject"): the manifest's
  // artifactType and all of its annotations.
  assert.deepEqual(out.indexDescriptor, {
    mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: out.manifestDigest, size: out.manifest.length,
    annotations: { 'dev.sigstore.bundle.content': 'dsse-envelope', 'dev.sigstore.bundle.predicateType': 'https://sigstore.dev/cosign/sign/v1', 'org.opencontainers.image.created': '2026-05-01T12:34:56Z' },
    artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
  });
});

test('what Signet writes, Signet reads: an ECDSA P-256 bundle\'s evidence is its own statement and signature', async () => {
  const p256 = generatePrivateKey('ecdsa-p256');
  const out = await buildBundleSignature({ signer: signerFromPrivateKey(p256), subject: SUBJECT, repository: 'registry.example/team/app' });
  const r = readBundleEvidence({ manifest: out.manifest, bundleBytes: out.bundle });
  assert.ok(r.ok);
  assert.equal(r.evidence.kind, 'signature');
  assert.equal(r.evidence.referrer.subject.digest, IMAGE);
  assert.deepEqual(Buffer.from(r.evidence.bundle.payload), Buffer.from(out.statement));
  assert.equal(r.evidence.bundle.keyid, undefined);
  assert.deepEqual(r.evidence.bundle.keyMaterial, { kind: 'public-key', hint: Buffer.from(p256.publicKey.fingerprint.slice(7), 'hex').toString('base64'), hintFingerprint: p256.publicKey.fingerprint });
  assert.ok(nodeVerify('sha256', r.evidence.bundle.signedBytes, { key: createPublicKey({ key: Buffer.from(p256.publicKey.spki), format: 'der', type: 'spki' }), dsaEncoding: 'der' }, r.evidence.bundle.signature));
});
