import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bundleCandidate, parseReferrersIndex } from '../../../../electron/engine/formats/sigstore-bundle/referrers-index.js';
import { MAX_REFERRERS_INDEX_BYTES } from '../../../../electron/engine/formats/sigstore-bundle/media-types.js';

const M = 'application/vnd.oci.image.manifest.v1+json';
const d = (n: number, extra: Record<string, unknown> = {}) => ({ mediaType: M, digest: `sha256:${n.toString(16).padStart(64, '0')}`, size: 500 + n, ...extra });
const index = (manifests: unknown[], extra: Record<string, unknown> = {}) => Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests, ...extra }));

test('a fallback index as cosign v3.0.x, current go-containerregistry and @sigstore/oci write it: which entries may be bundles', () => {
  const r = parseReferrersIndex(index([
    d(1, { artifactType: 'application/vnd.oci.empty.v1+json' }), // cosign v3.0.x (the config's media type)
    d(2, { artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json', annotations: { 'dev.sigstore.bundle.content': 'dsse-envelope' } }),
    d(3),
    d(4, { artifactType: 'application/spdx+json' }),
    d(5, { mediaType: 'application/vnd.oci.image.index.v1+json' }),
  ]));
  assert.ok(r.ok);
  assert.deepEqual(r.value.manifests.map(bundleCandidate), ['maybe-bundle', 'bundle', 'maybe-bundle', 'other', 'other']);
});

test('a digest listed twice is kept once, the first; entries keep their order', () => {
  const r = parseReferrersIndex(index([d(2), d(1), d(2, { artifactType: 'x/y' })]));
  assert.ok(r.ok);
  assert.deepEqual(r.value.manifests.map((m) => m.size), [502, 501]);
  assert.equal(r.value.duplicates, 1);
});

test('not a referrers list: malformed JSON, repeated keys, a manifest, a Docker list, bad descriptors; too big is could-not-check', () => {
  const cases: Array<[Buffer, RegExp]> = [
    [Buffer.from('{"schemaVersion":2,'), /not valid JSON/],
    [Buffer.from(index([d(1)]).toString().replace('"schemaVersion":2', '"schemaVersion":2,"schemaVersion":2')), /appears twice/],
    [Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: M, config: d(1), layers: [] })), /not an OCI image index/],
    [index([], { mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json' }), /not an OCI image index/],
    [index([{ mediaType: M, digest: 'sha256:xyz', size: 1 }]), /digest/],
    [index([d(1, { artifactType: 5 })]), /artifactType/],
  ];
  for (const [bytes, reason] of cases) {
    const r = parseReferrersIndex(bytes);
    assert.ok(!r.ok && r.problem.status === 'invalid', reason.source);
    assert.match(r.problem.reason, reason);
  }
  const many = parseReferrersIndex(index(Array.from({ length: 10_001 }, (_, i) => d(i))));
  assert.ok(!many.ok && many.problem.status === 'error' && /10001 artifacts/.test(many.problem.reason));
  const big = parseReferrersIndex(Buffer.alloc(MAX_REFERRERS_INDEX_BYTES + 1, 0x20));
  assert.ok(!big.ok && big.problem.status === 'error');
});
