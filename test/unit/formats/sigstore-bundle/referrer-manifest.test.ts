import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bundleReferrerOf, looksLikeBundleReferrer } from '../../../../electron/engine/formats/sigstore-bundle/referrer-manifest.js';
import { readBundleEvidence } from '../../../../electron/engine/formats/sigstore-bundle/read-evidence.js';
import { parseManifest, type ImageManifest } from '../../../../electron/engine/content/manifest.js';
import { sha256Digest, type Digest } from '../../../../electron/engine/content/digest.js';
import { MAX_BUNDLE_BYTES, MAX_REFERRER_MANIFEST_BYTES } from '../../../../electron/engine/formats/sigstore-bundle/media-types.js';
import { generatePrivateKey } from '../../../../electron/engine/keys/private-key.js';
import { bundleBytes, referrerManifestFor, signPae, statementBytes } from '../../../helpers/bundle.js';

const IMAGE = `sha256:${'12'.repeat(32)}` as Digest;
const priv = generatePrivateKey('ed25519');
const payload = statementBytes([{ sha256: IMAGE.slice(7) }]);
const bundle = bundleBytes({ payload, signature: await signPae(priv, payload), hintKey: priv });
const manifest = referrerManifestFor(bundle, IMAGE);
const edited = (change: (m: any) => void) => { const m = JSON.parse(manifest.toString()); change(m); return Buffer.from(JSON.stringify(m)); };

test('the bundle layer, subject and artifactType of a referrer manifest, from bytes or parsed', () => {
  const r = bundleReferrerOf(manifest);
  assert.ok(r.ok);
  assert.equal(r.value.manifestDigest, sha256Digest(manifest));
  assert.equal(r.value.subject.digest, IMAGE);
  assert.equal(r.value.layer.digest, sha256Digest(bundle));
  assert.equal(r.value.artifactType, 'application/vnd.dev.sigstore.bundle.v0.3+json');
  const parsed = parseManifest(manifest) as ImageManifest;
  assert.ok(looksLikeBundleReferrer(parsed));
  const again = bundleReferrerOf(parsed);
  assert.ok(again.ok && again.value.manifestDigest === undefined && again.value.layer.digest === r.value.layer.digest);
});

test('artifactType is not required: absent, the empty type (cosign v3.0.x) or another value all read', () => {
  for (const at of [undefined, 'application/vnd.oci.empty.v1+json', 'application/vnd.example+json']) {
    const r = readBundleEvidence({ manifest: edited((m) => { if (at === undefined) delete m.artifactType; else m.artifactType = at; }), bundleBytes: bundle });
    assert.ok(r.ok, String(at));
  }
});

test('not a sound bundle referrer: no subject, no or several layers, another layer type, an index, Docker media type', () => {
  const cases: Array<[Buffer, RegExp]> = [
    [edited((m) => { delete m.subject; }), /names no subject/],
    [edited((m) => { m.layers = []; }), /exactly one layer.*holds 0/],
    [edited((m) => { m.layers.push(m.layers[0]); }), /exactly one layer.*holds 2/],
    [edited((m) => { m.layers[0].mediaType = 'application/vnd.dev.cosign.simplesigning.v1+json'; }), /exactly one layer.*simplesigning/],
    [edited((m) => { m.mediaType = 'application/vnd.docker.distribution.manifest.v2+json'; }), /not an OCI image manifest/],
    [Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] })), /is an index/],
    [edited((m) => { m.artifactType = 7; }), /artifactType must be a non-empty string/],
    [Buffer.from(manifest.toString().replace('"schemaVersion":2,', '"schemaVersion":2,"schemaVersion":2,')), /appears twice/],
  ];
  for (const [bytes, reason] of cases) {
    const r = bundleReferrerOf(bytes);
    assert.ok(!r.ok && r.problem.status === 'invalid', reason.source);
    assert.match(r.problem.reason, reason);
  }
  const huge = bundleReferrerOf(edited((m) => { m.layers[0].size = MAX_BUNDLE_BYTES + 1; }));
  assert.ok(!huge.ok && huge.problem.status === 'error');
  const long = bundleReferrerOf(Buffer.alloc(MAX_REFERRER_MANIFEST_BYTES + 1, 0x20));
  assert.ok(!long.ok && long.problem.status === 'error');
});

test('bundle bytes that are not the layer the manifest names are invalid (a registry serving other bytes)', () => {
  const other = Buffer.from(bundle.toString().replace('"mediaType"', ' "mediaType"'));
  const r = readBundleEvidence({ manifest, bundleBytes: other });
  assert.ok(!r.ok && r.problem.status === 'invalid' && /are not the layer its manifest names/.test(r.problem.reason));
});

test('bundle bytes past the bound are could-not-check, and are not hashed whole', () => {
  const huge = Buffer.alloc(MAX_BUNDLE_BYTES + 10, 0x20);
  const r = readBundleEvidence({ manifest, bundleBytes: huge });
  assert.ok(!r.ok && r.problem.status === 'error' && /more than the/.test(r.problem.reason));
  assert.equal(r.bundleDigest, sha256Digest(bundle), 'named by the layer digest its manifest gives');
});
