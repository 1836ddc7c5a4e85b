// Property tests for the pure parsers of outside bytes: image references, manifests and indexes,
// signature manifests, simple-signing payloads (and the strict JSON under them), WWW-Authenticate
// headers. Each property runs RUNS cases (10,000 by default; SIGNET_FUZZ_RUNS raises it) of
// arbitrary input and of valid input mutated at the byte level, and may only succeed or throw a
// typed SignetError.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatReference, parseReference } from '../../electron/engine/content/reference.js';
import { parseManifest } from '../../electron/engine/content/manifest.js';
import { buildSignatureManifest, newSignatureLayer, parseSignatureManifest } from '../../electron/engine/cosign/signature-manifest.js';
import { buildPayload, parsePayload } from '../../electron/engine/cosign/payload.js';
import { parseStrictJson, StrictJsonError } from '../../electron/engine/cosign/strict-json.js';
import { parseWwwAuthenticate } from '../../electron/engine/registry/www-authenticate.js';
import { edits, mutate, mutateText, onlySignetErrors, params } from './fuzz.js';

const hex = fc.stringMatching(/^[0-9a-f]{64}$/);
const digest = hex.map((h) => `sha256:${h}`);
const component = fc.stringMatching(/^[a-z0-9]+(?:[._-][a-z0-9]+){0,2}$/).filter((s) => s.length <= 30);
const validRef = fc.record({
  host: fc.constantFrom('127.0.0.1:5000', 'registry.example.com', 'localhost', 'docker.io', 'quay.io:443', '[::1]:5000', ''),
  path: fc.array(component, { minLength: 1, maxLength: 3 }),
  tag: fc.option(fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/), { nil: undefined }),
  digest: fc.option(digest, { nil: undefined }),
}).map((r) => ({ ...r, host: r.host === '' && /[.:]/.test(r.path[0]!) && r.path.length > 1 ? 'docker.io' : r.host }))
  .map((r) => `${r.host ? `${r.host}/` : ''}${r.path.join('/')}${r.tag ? `:${r.tag}` : ''}${r.digest ? `@${r.digest}` : ''}`);

test(`references: arbitrary and mutated input gives a reference or REFERENCE_INVALID; valid ones round-trip`, () => {
  fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), validRef, fc.tuple(validRef, edits).map(([r, e]) => mutateText(r, e))), (s) => {
    const ref = onlySignetErrors(() => parseReference(s), ['REFERENCE_INVALID']);
    if (ref) assert.deepEqual(parseReference(formatReference(ref)), ref, 'the canonical form reads back as the same reference');
  }), params());
  fc.assert(fc.property(validRef, (s) => {
    const ref = parseReference(s);
    assert.deepEqual(parseReference(formatReference(ref)), ref);
  }), params());
});

const descriptor = fc.record({
  mediaType: fc.constantFrom('application/vnd.oci.image.layer.v1.tar+gzip', 'application/vnd.oci.image.manifest.v1+json', 'x'),
  digest,
  size: fc.nat(),
  annotations: fc.option(fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }), { maxKeys: 3 }), { nil: undefined }),
  platform: fc.option(fc.record({ architecture: fc.constantFrom('amd64', 'arm64'), os: fc.constant('linux') }), { nil: undefined }),
});
const manifestDoc = fc.oneof(
  fc.record({ schemaVersion: fc.constant(2), mediaType: fc.constantFrom('application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json'), config: descriptor, layers: fc.array(descriptor, { maxLength: 4 }) }),
  fc.record({ schemaVersion: fc.constant(2), mediaType: fc.constantFrom('application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json'), manifests: fc.array(descriptor, { maxLength: 4 }) }),
).map((d) => Buffer.from(JSON.stringify(d)));
const headerType = fc.option(fc.constantFrom('application/vnd.oci.image.manifest.v1+json', 'application/vnd.oci.image.index.v1+json', 'application/json', 'text/plain; charset=utf-8'), { nil: undefined });

test('manifests and indexes: arbitrary JSON, bytes and mutated manifests give a manifest or MANIFEST_INVALID', () => {
  const input = fc.oneof(
    fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)),
    fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
    manifestDoc,
    fc.tuple(manifestDoc, edits).map(([m, e]) => mutate(m, e)),
  );
  fc.assert(fc.property(input, headerType, (bytes, h) => {
    const m = onlySignetErrors(() => parseManifest(bytes, h), ['MANIFEST_INVALID']);
    if (m?.kind === 'manifest') for (const l of m.layers) assert.match(l.digest, /^sha256:[0-9a-f]{64}$/);
  }), params());
  fc.assert(fc.property(manifestDoc, (bytes) => { assert.ok(parseManifest(bytes)); }), params());
});

const payloadBytes = fc.record({
  ref: validRef,
  digest,
  annotations: fc.dictionary(fc.string({ maxLength: 8 }).filter((k) => k !== 'creator' && k !== 'timestamp'), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
  creator: fc.option(fc.string({ maxLength: 10 }), { nil: undefined }),
  timestamp: fc.option(fc.nat(), { nil: undefined }),
}).map((p) => Buffer.from(buildPayload({ dockerReference: p.ref, manifestDigest: p.digest as `sha256:${string}`, annotations: p.annotations, ...(p.creator !== undefined ? { creator: p.creator } : {}), ...(p.timestamp !== undefined ? { timestamp: p.timestamp } : {}) })));

test('signature manifests: arbitrary and mutated input gives layers or SIGNATURE_MANIFEST_INVALID', () => {
  const sigManifest = fc.tuple(fc.array(payloadBytes, { minLength: 1, maxLength: 3 }), fc.uint8Array({ minLength: 64, maxLength: 72 }))
    .map(([ps, sig]) => Buffer.from(buildSignatureManifest(ps.map((p) => newSignatureLayer(p, sig, { 'dev.signet/key-fingerprint': 'SHA256:00' }))).manifest));
  const input = fc.oneof(fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)), fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? 'null')), manifestDoc, sigManifest, fc.tuple(sigManifest, edits).map(([m, e]) => mutate(m, e)));
  fc.assert(fc.property(input, headerType, (bytes, h) => {
    const layers = onlySignetErrors(() => parseSignatureManifest(bytes, h), ['SIGNATURE_MANIFEST_INVALID']);
    for (const l of layers ?? []) {
      assert.match(l.payloadDigest, /^sha256:[0-9a-f]{64}$/);
      assert.ok(l.signatureB64 === undefined || typeof l.signatureB64 === 'string');
    }
  }), params());
});

test('simple-signing payloads: arbitrary and mutated bytes give a payload or PAYLOAD_INVALID; valid ones parse to what was built', () => {
  const input = fc.oneof(fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)), fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? 'null')), payloadBytes, fc.tuple(payloadBytes, edits).map(([p, e]) => mutate(p, e)));
  fc.assert(fc.property(input, (bytes) => {
    const p = onlySignetErrors(() => parsePayload(bytes), ['PAYLOAD_INVALID']);
    if (p) {
      assert.match(p.manifestDigest, /^sha256:[0-9a-f]{64}$/);
      assert.equal(typeof p.dockerReference, 'string');
    }
  }), params());
  fc.assert(fc.property(payloadBytes, (bytes) => {
    const doc = JSON.parse(bytes.toString()) as { critical: { identity: { 'docker-reference': string }; image: { 'docker-manifest-digest': string } } };
    const p = parsePayload(bytes);
    assert.equal(p.dockerReference, doc.critical.identity['docker-reference']);
    assert.equal(p.manifestDigest, doc.critical.image['docker-manifest-digest']);
  }), params());
});

test('strict JSON: agrees with JSON.parse on JSON without repeated keys, and rejects every repeated key', () => {
  fc.assert(fc.property(fc.jsonValue(), (v) => {
    const text = JSON.stringify(v) ?? 'null';
    assert.deepEqual(parseStrictJson(text), JSON.parse(text));
  }), params());
  // A key repeated in an object nested anywhere, written plainly or with \u escapes: always refused.
  const obj = fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { minKeys: 1, maxKeys: 5 });
  fc.assert(fc.property(obj, fc.nat(), fc.boolean(), fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }), (o, n, escaped, around) => {
    const keys = Object.keys(o);
    const k = keys[n % keys.length]!;
    const written = escaped ? `"${[...k].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"` : JSON.stringify(k);
    const inner = `{${written}:0,${JSON.stringify(o).slice(1)}`;
    const text = `[${[...around.map((a) => JSON.stringify(a)), inner].join(',')}]`;
    assert.throws(() => parseStrictJson(text), StrictJsonError);
  }), params());
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
    try { parseStrictJson(s); } catch (e) { assert.ok(e instanceof StrictJsonError, String(e)); }
  }), params());
});

const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}$/);
const quoted = fc.string({ maxLength: 20 }).map((s) => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`);
const challenge = fc.tuple(fc.constantFrom('Bearer', 'Basic', 'bearer', 'Negotiate'), fc.array(fc.tuple(token, fc.oneof(token, quoted)), { maxLength: 4 }))
  .map(([s, ps]) => `${s}${ps.length ? ` ${ps.map(([k, v]) => `${k}=${v}`).join(', ')}` : ''}`);
const header = fc.array(challenge, { minLength: 1, maxLength: 3 }).map((cs) => cs.join(', '));

test('WWW-Authenticate: arbitrary and mutated headers give challenges or AUTH_FAILED; well-formed ones parse', () => {
  const input = fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), header, fc.tuple(header, edits).map(([h, e]) => mutateText(h, e)));
  fc.assert(fc.property(input, (h) => {
    const cs = onlySignetErrors(() => parseWwwAuthenticate(h), ['AUTH_FAILED']);
    for (const c of cs ?? []) {
      assert.equal(c.scheme, c.scheme.toLowerCase());
      for (const v of Object.values(c.params)) assert.equal(typeof v, 'string');
    }
  }), params());
  fc.assert(fc.property(header, (h) => { assert.ok(parseWwwAuthenticate(h).length >= 1); }), params());
});
