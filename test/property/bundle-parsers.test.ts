// Property tests for the Sigstore bundle format's readers: the in-toto statement, the bundle, the
// referrer manifest, the referrers list (API page or fallback index), and the whole read and
// check of a bundle. Each runs RUNS cases (10,000 by default) of arbitrary bytes, arbitrary JSON,
// generated valid documents and valid documents mutated at the byte level. These readers never
// throw: every input gives a result or a typed problem (status invalid or could-not-check, a
// sentence), each within 1 s.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseStatement } from '../../electron/engine/formats/sigstore-bundle/statement.js';
import { parseBundle } from '../../electron/engine/formats/sigstore-bundle/bundle.js';
import { preAuthEncoding } from '../../electron/engine/formats/sigstore-bundle/pae.js';
import { bundleReferrerOf } from '../../electron/engine/formats/sigstore-bundle/referrer-manifest.js';
import { bundleCandidate, parseReferrersIndex } from '../../electron/engine/formats/sigstore-bundle/referrers-index.js';
import { readBundleEvidence } from '../../electron/engine/formats/sigstore-bundle/read-evidence.js';
import { checkBundle } from '../../electron/engine/formats/sigstore-bundle/check-bundle.js';
import { buildBundleSignature } from '../../electron/engine/formats/sigstore-bundle/build-bundle-signature.js';
import type { Read } from '../../electron/engine/formats/sigstore-bundle/problem.js';
import { generatePrivateKey } from '../../electron/engine/keys/private-key.js';
import { signerFromPrivateKey } from '../../electron/engine/keys/signer.js';
import { sha256Digest, type Digest } from '../../electron/engine/content/digest.js';
import { bundleDoc, referrerManifestFor } from '../helpers/bundle.js';
import { edits, mutate, params, RUNS } from './fuzz.js';

const SIGN = 'https://sigstore.dev/cosign/sign/v1';
const hex = fc.stringMatching(/^[0-9a-f]{64}$/);
const IMAGE = sha256Digest('property image');

/** Runs `fn` and asserts it answers within 1 s with a result or a typed problem. */
function answers<T>(fn: () => Read<T>): Read<T> {
  const start = performance.now();
  const r = fn();
  const ms = performance.now() - start;
  assert.ok(ms < 1000, `answered in ${ms.toFixed(0)} ms`);
  assert.equal(typeof r.ok, 'boolean');
  if (!r.ok) {
    assert.ok(r.problem.status === 'invalid' || r.problem.status === 'error', `status ${String(r.problem.status)}`);
    assert.equal(typeof r.problem.reason, 'string');
    assert.ok(r.problem.reason.length > 0 && r.problem.reason.length < 2000, 'a sentence of sane length');
  }
  return r;
}

const anyBytes = fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b));
const anyJson = fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? 'null'));

const subject = fc.record({
  name: fc.option(fc.oneof(fc.constant('127.0.0.1:5000/team/app'), fc.string({ maxLength: 30 })), { nil: undefined }),
  digest: fc.tuple(fc.option(hex, { nil: undefined }), fc.dictionary(fc.constantFrom('sha512', 'gitCommit', 'sha1'), fc.string({ maxLength: 10 }), { maxKeys: 2 }))
    .map(([sha256, others]) => ({ ...others, ...(sha256 !== undefined ? { sha256 } : {}) })),
  annotations: fc.option(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }), { nil: undefined }),
}, { requiredKeys: ['digest'] });
const statementDoc = fc.record({
  _type: fc.constantFrom('https://in-toto.io/Statement/v1', 'https://in-toto.io/Statement/v0.1', 'https://in-toto.io/Statement/v2'),
  subject: fc.array(subject, { maxLength: 3 }),
  predicateType: fc.constantFrom(SIGN, 'https://slsa.dev/provenance/v1', ''),
  predicate: fc.option(fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }), { nil: undefined }),
}, { requiredKeys: ['_type', 'subject', 'predicateType'] });
const statementBytes = statementDoc.map((d) => Buffer.from(JSON.stringify(d)));

test('statements: arbitrary and mutated bytes give a statement or a typed problem within 1 s; generated ones read back', () => {
  const input = fc.oneof(anyBytes, anyJson, statementBytes, fc.tuple(statementBytes, edits).map(([b, e]) => mutate(b, e)));
  fc.assert(fc.property(input, (bytes) => {
    const r = answers(() => parseStatement(bytes));
    if (r.ok) {
      assert.ok(r.value.subjects.some((s) => s.sha256 !== undefined), 'a statement Signet reads names a sha256');
      assert.equal(r.value.kind, r.value.predicateType === SIGN ? 'signature' : 'attestation');
    }
  }), params());
  fc.assert(fc.property(statementDoc, (doc) => {
    const r = parseStatement(Buffer.from(JSON.stringify(doc)));
    const readable = doc._type !== 'https://in-toto.io/Statement/v2' && doc.predicateType !== '' && doc.subject.some((s) => s.digest.sha256 !== undefined);
    assert.equal(r.ok, readable, JSON.stringify(doc));
    if (r.ok) assert.deepEqual(r.value.subjects.map((s) => s.sha256), doc.subject.map((s) => (s.digest.sha256 !== undefined ? `sha256:${s.digest.sha256}` : undefined)));
  }), params());
});

const material = fc.oneof(
  fc.option(fc.oneof(fc.base64String({ minLength: 44, maxLength: 44 }), fc.string({ maxLength: 20 })), { nil: undefined }).map((hint) => ({ publicKey: hint !== undefined ? { hint } : {} })),
  fc.uint8Array({ minLength: 1, maxLength: 40 }).map((b) => ({ certificate: { rawBytes: Buffer.from(b).toString('base64') } })),
);
const bundleBytes = fc.record({
  statement: statementBytes,
  signature: fc.uint8Array({ minLength: 1, maxLength: 80 }),
  mediaType: fc.constantFrom('application/vnd.dev.sigstore.bundle.v0.3+json', 'application/vnd.dev.sigstore.bundle+json;version=0.1', 'application/vnd.dev.sigstore.bundle+json;version=0.2', 'application/vnd.dev.sigstore.bundle.v0.4+json'),
  material,
  keyid: fc.option(fc.string({ maxLength: 10 }), { nil: undefined }),
}).map((b) => Buffer.from(JSON.stringify(bundleDoc({ payload: b.statement, signature: b.signature, mediaType: b.mediaType, verificationMaterial: b.material, ...(b.keyid !== undefined ? { keyid: b.keyid } : {}) }))));

test('bundles: arbitrary and mutated bytes give a bundle or a typed problem within 1 s; what is read signs the PAE of its payload', () => {
  const input = fc.oneof(anyBytes, anyJson, bundleBytes, fc.tuple(bundleBytes, edits).map(([b, e]) => mutate(b, e)));
  fc.assert(fc.property(input, (bytes) => {
    const r = answers(() => parseBundle(bytes));
    if (r.ok) {
      assert.equal(r.value.payloadType, 'application/vnd.in-toto+json');
      assert.deepEqual(Buffer.from(r.value.signedBytes), Buffer.from(preAuthEncoding(r.value.payloadType, r.value.payload)));
      assert.ok(r.value.signature.length > 0);
    }
  }), params());
});

const descriptor = fc.record({
  mediaType: fc.constantFrom('application/vnd.oci.image.manifest.v1+json', 'application/vnd.oci.image.index.v1+json', 'x'),
  digest: hex.map((h) => `sha256:${h}`),
  size: fc.nat(),
  artifactType: fc.option(fc.constantFrom('application/vnd.dev.sigstore.bundle.v0.3+json', 'application/vnd.oci.empty.v1+json', 'application/spdx+json'), { nil: undefined }),
  annotations: fc.option(fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 2 }), { nil: undefined }),
}, { requiredKeys: ['mediaType', 'digest', 'size'] });
const indexBytes = fc.record({
  schemaVersion: fc.constant(2),
  mediaType: fc.constantFrom('application/vnd.oci.image.index.v1+json', 'application/vnd.oci.image.manifest.v1+json'),
  manifests: fc.array(descriptor, { maxLength: 5 }),
}).map((d) => Buffer.from(JSON.stringify(d)));

test('referrers lists: arbitrary and mutated bytes give the entries or a typed problem within 1 s; entries are distinct and classified', () => {
  const input = fc.oneof(anyBytes, anyJson, indexBytes, fc.tuple(indexBytes, edits).map(([b, e]) => mutate(b, e)));
  const headerType = fc.option(fc.constantFrom('application/vnd.oci.image.index.v1+json', 'application/json', 'text/plain'), { nil: undefined });
  fc.assert(fc.property(input, headerType, (bytes, h) => {
    const r = answers(() => parseReferrersIndex(bytes, h));
    if (r.ok) {
      assert.equal(new Set(r.value.manifests.map((m) => m.digest)).size, r.value.manifests.length);
      for (const m of r.value.manifests) assert.ok(['bundle', 'maybe-bundle', 'other'].includes(bundleCandidate(m)));
    }
  }), params());
});

// A real signature, so the whole read and check can also verify (and must verify only unmutated).
const key = generatePrivateKey('ecdsa-p256');
const trusted = { name: 'release', publicKey: key.publicKey };
const real = await buildBundleSignature({ signer: signerFromPrivateKey(key), subject: { digest: IMAGE as Digest, mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 10 }, repository: '127.0.0.1:5000/team/app' });

test('a bundle read and checked end to end: any referrer manifest and bundle bytes give a report within 1 s; verified only with the layer Signet signed', () => {
  const manifestAndBundle = fc.oneof(
    fc.tuple(fc.constant(Buffer.from(real.manifest)), fc.constant(Buffer.from(real.bundle))),
    fc.tuple(fc.constant(Buffer.from(real.manifest)), fc.tuple(fc.constant(Buffer.from(real.bundle)), edits).map(([b, e]) => mutate(b, e))),
    fc.tuple(fc.tuple(fc.constant(Buffer.from(real.manifest)), edits).map(([b, e]) => mutate(b, e)), fc.constant(Buffer.from(real.bundle))),
    bundleBytes.map((b) => [referrerManifestFor(b, IMAGE), b] as [Buffer, Buffer]),
    fc.tuple(bundleBytes, edits).map(([b, e]) => { const m = mutate(b, e); return [referrerManifestFor(m, IMAGE), m] as [Buffer, Buffer]; }),
    fc.tuple(anyBytes, anyBytes),
  );
  fc.assert(fc.property(manifestAndBundle, ([manifest, bundle]) => {
    answers(() => bundleReferrerOf(manifest));
    const start = performance.now();
    const read = readBundleEvidence({ manifest, bundleBytes: bundle });
    const check = checkBundle(read, { repository: '127.0.0.1:5000/team/app', digest: IMAGE }, { keys: [trusted] });
    assert.ok(performance.now() - start < 1000);
    const report = check.kind === 'signature' ? check.signature : check.attestation;
    assert.ok(report.reasons.length > 0);
    if (check.kind === 'signature' && report.status === 'verified') {
      assert.ok(Buffer.from(bundle).equals(Buffer.from(real.bundle)) || (read.ok && Buffer.from(read.evidence.bundle.signedBytes).equals(Buffer.from(preAuthEncoding('application/vnd.in-toto+json', real.statement)))), 'verified only over what the key signed');
    }
  }), params(Math.max(1, Math.floor(RUNS / 2))));
});
