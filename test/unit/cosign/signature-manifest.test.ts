import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSignatureManifest, newSignatureLayer, parseSignatureManifest, signatureTag } from '../../../electron/engine/cosign/signature-manifest.js';
import { sha256Digest } from '../../../electron/engine/content/digest.js';
import { SignetError } from '../../../electron/engine/errors.js';
import { loadFixture, SIGNATURE_FIXTURES, FIXTURE_IMAGE_DIGEST } from '../../helpers/fixture-files.js';

test('the signature tag is sha256-<hex>.sig', () => {
  assert.equal(signatureTag(FIXTURE_IMAGE_DIGEST), 'sha256-5c9b4c05446d5c71fbf295a3212856ae5aa59d6660e53934bb80897097a853d3.sig');
});

test('re-serialising a fixture signature manifest gives the same bytes skopeo wrote (manifest and config)', () => {
  for (const f of SIGNATURE_FIXTURES) {
    const fx = loadFixture(f);
    const layers = parseSignatureManifest(fx.sigManifest);
    assert.equal(layers.length, 1);
    assert.equal(layers[0]!.signatureB64, fx.signatureB64);
    assert.equal(layers[0]!.payloadDigest, sha256Digest(fx.payload));
    const rebuilt = buildSignatureManifest(layers);
    assert.equal(Buffer.from(rebuilt.manifest).toString(), fx.sigManifest.toString(), f);
    assert.equal(Buffer.from(rebuilt.config).toString(), fx.sigConfig.toString(), f);
  }
});

test('appending keeps the existing layers, their annotations, and lists every payload in the config', () => {
  const fx = loadFixture('skopeo-ed25519');
  const existing = parseSignatureManifest(fx.sigManifest);
  existing[0]!.annotations['dev.sigstore.cosign/bundle'] = '{"kept":true}';
  const added = newSignatureLayer(Buffer.from('payload-2'), Buffer.from([1, 2, 3]), { 'dev.signet/key-fingerprint': 'SHA256:00' });
  const built = buildSignatureManifest([...existing, added]);
  const manifest = JSON.parse(Buffer.from(built.manifest).toString());
  assert.equal(manifest.mediaType, 'application/vnd.oci.image.manifest.v1+json');
  assert.equal(manifest.config.mediaType, 'application/vnd.oci.image.config.v1+json');
  assert.equal(manifest.config.digest, built.configDigest);
  assert.equal(manifest.layers.length, 2);
  assert.equal(manifest.layers[0].annotations['dev.sigstore.cosign/bundle'], '{"kept":true}');
  assert.equal(manifest.layers[1].mediaType, 'application/vnd.dev.cosign.simplesigning.v1+json');
  assert.equal(manifest.layers[1].annotations['dev.cosignproject.cosign/signature'], 'AQID');
  const config = JSON.parse(Buffer.from(built.config).toString());
  assert.deepEqual(config.rootfs.diff_ids, [existing[0]!.payloadDigest, sha256Digest(Buffer.from('payload-2'))]);
});

test('a malformed signature manifest is SIGNATURE_MANIFEST_INVALID, not a crash', () => {
  const bad = ['not json', '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[]}',
    '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}',
    '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"x","digest":"sha256:00","size":1},"layers":[]}'];
  for (const b of bad) {
    assert.throws(() => parseSignatureManifest(Buffer.from(b)), (e: unknown) => e instanceof SignetError && e.code === 'SIGNATURE_MANIFEST_INVALID', b);
  }
});

// Issue 11, findings 6 and 7: a signature manifest whose annotation key carries a newline and a
// fake audit entry could not be parsed; the error named the key raw, and it reached the terminal
// and audit.log. The key is quoted, escaped and cut in the message.
test('a malformed signature manifest names a hostile annotation key or media type escaped', () => {
  const fx = loadFixture('skopeo-ed25519');
  const doc = JSON.parse(fx.sigManifest.toString());
  const evil = `x\n2026-12-01T00:00:00Z  root  SIGNED  r.example/app:1\n\x1b[8m${'z'.repeat(100)}`;
  doc.layers[0].annotations[evil] = null;
  const messageOf = (bytes: Buffer) => {
    try { parseSignatureManifest(bytes); } catch (e) { assert.ok(e instanceof SignetError && e.code === 'SIGNATURE_MANIFEST_INVALID', String(e)); return e.message; }
    return assert.fail('accepted');
  };
  const key = messageOf(Buffer.from(JSON.stringify(doc)));
  assert.match(key, /layers\[0\]\.annotations\["x\\n2026-12-01T00:00:00Z  root  SIGNED  r\.example\/app:1\\n\\x1b\[8m…" \(158 characters\)\] must be a string, got null/);
  const index = messageOf(Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] })));
  assert.match(index, /has the media type "application\/vnd\.oci\.image\.index\.v1\+json", not an image manifest's/);
  for (const m of [key, index]) assert.doesNotMatch(m, /[\u0000-\u001f\u007f-\u009f]/);
});
