import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPayload, parsePayload } from '../../../electron/engine/cosign/payload.js';
import { parseStrictJson } from '../../../electron/engine/cosign/strict-json.js';
import { SignetError } from '../../../electron/engine/errors.js';
import { loadFixture, SIGNATURE_FIXTURES, FIXTURE_IMAGE_DIGEST } from '../../helpers/fixture-files.js';

const D = `sha256:${'b'.repeat(64)}` as const;
const isPayloadError = (e: unknown) => e instanceof SignetError && e.code === 'PAYLOAD_INVALID';

test('the payload Signet writes has the bytes cosign and skopeo write for the same claims', () => {
  const skopeo = loadFixture('skopeo-ed25519').payload;
  const ours = buildPayload({
    dockerReference: '127.0.0.1:5055/sig-ed-pass/app:v1',
    manifestDigest: FIXTURE_IMAGE_DIGEST,
    creator: 'containers/image 5.26.2',
    timestamp: 1795512090,
  });
  assert.equal(Buffer.from(ours).toString(), skopeo.toString());
  const hand = loadFixture('handmade-ed25519').payload;
  assert.equal(Buffer.from(buildPayload({ dockerReference: '127.0.0.1:5055/demo/hand-notag', manifestDigest: FIXTURE_IMAGE_DIGEST })).toString(), hand.toString());
});

test('annotations go into optional as strings and parse back', () => {
  const p = parsePayload(buildPayload({ dockerReference: 'r.example/a', manifestDigest: D, annotations: { env: 'prod' }, creator: 'c', timestamp: 5 }));
  assert.deepEqual(p.optional, { env: 'prod', creator: 'c', timestamp: 5 });
  assert.equal(p.creator, 'c');
  assert.equal(p.timestamp, 5);
  assert.equal(p.manifestDigest, D);
});

test('every fixture payload parses', () => {
  for (const f of SIGNATURE_FIXTURES) {
    const p = parsePayload(loadFixture(f).payload);
    assert.equal(p.manifestDigest, FIXTURE_IMAGE_DIGEST, f);
  }
});

test('payloads are parsed as strictly as containers/image', () => {
  const good = JSON.parse(loadFixture('skopeo-ed25519').payload.toString());
  const variants: Array<[string, unknown]> = [
    ['extra top-level field', { ...good, extra: 1 }],
    ['missing optional', { critical: good.critical }],
    ['extra critical field', { ...good, critical: { ...good.critical, more: 1 } }],
    ['wrong type', { ...good, critical: { ...good.critical, type: 'atomic container signature' } }],
    ['bad digest', { ...good, critical: { ...good.critical, image: { 'docker-manifest-digest': 'sha256:xyz' } } }],
    ['extra image field', { ...good, critical: { ...good.critical, image: { ...good.critical.image, x: 1 } } }],
    ['identity not a string', { ...good, critical: { ...good.critical, identity: { 'docker-reference': 5 } } }],
    ['optional an array', { ...good, optional: [] }],
    ['fractional timestamp', { ...good, optional: { timestamp: 1.5 } }],
    ['creator not a string', { ...good, optional: { creator: 1 } }],
    ['not an object', [good]],
  ];
  for (const [why, doc] of variants) {
    assert.throws(() => parsePayload(Buffer.from(JSON.stringify(doc))), isPayloadError, why);
  }
  assert.throws(() => parsePayload(Buffer.from('{"critical":')), isPayloadError, 'truncated');
});

test('a payload that repeats a key is rejected, so no two readers can see different claims', () => {
  const text = loadFixture('handmade-ed25519').payload.toString();
  const dup = text.replace('"type":', `"image":{"docker-manifest-digest":"${D}"},"type":`);
  assert.throws(() => parsePayload(Buffer.from(dup)), (e: unknown) => isPayloadError(e) && /appears twice/.test((e as Error).message));
});

test('strict JSON accepts escapes and nesting, rejects duplicates at any depth', () => {
  assert.deepEqual(parseStrictJson('{"a\\"b":[{"x":1},{"x":2}],"c":{"d":"}\\\\"}}'), { 'a"b': [{ x: 1 }, { x: 2 }], c: { d: '}\\' } });
  assert.throws(() => parseStrictJson('{"a":{"b":1,"b":2}}'), /"b" appears twice/);
  assert.throws(() => parseStrictJson('{"a":1,"\\u0061":2}'), /"a" appears twice/);
});

// Issue 11, finding 6: a payload's field names come from whoever pushed it, and the error naming
// one is shown on a terminal and stored in audit.log. Quoted, escaped and cut where it is made.
test('a field name, a repeated key or a value in an error is quoted, escaped and cut', () => {
  const base = JSON.parse(loadFixture('handmade-ed25519').payload.toString());
  const messageOf = (f: () => unknown) => {
    try { f(); } catch (e) { assert.ok(isPayloadError(e) || e instanceof Error, String(e)); return (e as Error).message; }
    return assert.fail('accepted');
  };
  const evil = `x\n\x1b[2J\x1b[32mVERIFIED by alice\u202e${'y'.repeat(200)}`;
  const field = messageOf(() => parsePayload(Buffer.from(JSON.stringify({ ...base, critical: { ...base.critical, [evil]: 1 } }))));
  assert.match(field, /"critical" has an unexpected field "x\\n\\x1b\[2J\\x1b\[32mVERIFIED by alice\\u202ey+…" \(229 characters\)/);
  const type = messageOf(() => parsePayload(Buffer.from(JSON.stringify({ ...base, critical: { ...base.critical, type: evil } }))));
  assert.match(type, /critical\.type is "x\\n\\x1b\[2J/);
  const dup = messageOf(() => parseStrictJson(`{${JSON.stringify(evil)}:1,${JSON.stringify(evil)}:2}`));
  assert.match(dup, /the key "x\\n\\x1b\[2J.*…" \(229 characters\) appears twice/);
  for (const m of [field, type, dup]) {
    assert.doesNotMatch(m, /[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
    assert.ok(m.length < 200, m);
  }
});
