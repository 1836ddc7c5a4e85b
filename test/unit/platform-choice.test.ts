// Which platform manifests of an index are signed along with it (engine/platform-choice.ts): every
// refusal is a USAGE error that names what did not fit, and the index order is kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifest } from '../../electron/engine/content/manifest.js';
import { choosePlatforms, indexPlatforms } from '../../electron/engine/platform-choice.js';
import { SignetError } from '../../electron/engine/errors.js';

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const d = (c: string) => `sha256:${c.repeat(64)}`;
const AMD = d('a');
const ARM = d('b');
const ATT1 = d('c');
const ATT2 = d('e');

const child = (digest: string, platform?: { os: string; architecture: string; variant?: string }) => ({ mediaType: OCI_MANIFEST, digest, size: 100, ...(platform ? { platform } : {}) });
const index = parseManifest(Buffer.from(JSON.stringify({
  schemaVersion: 2,
  mediaType: OCI_INDEX,
  manifests: [
    child(AMD, { os: 'linux', architecture: 'amd64' }),
    child(ARM, { os: 'linux', architecture: 'arm64', variant: 'v8' }),
    // Attestation manifests, as buildx writes them: the same platform string twice.
    child(ATT1, { os: 'unknown', architecture: 'unknown' }),
    child(ATT2, { os: 'unknown', architecture: 'unknown' }),
    child(AMD, { os: 'linux', architecture: 'amd64' }),
  ],
})), OCI_INDEX);
const single = parseManifest(Buffer.from(JSON.stringify({
  schemaVersion: 2,
  mediaType: OCI_MANIFEST,
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: d('f'), size: 2 },
  layers: [],
})), OCI_MANIFEST);

const digests = (r: Array<{ digest: string }>) => r.map((p) => p.digest);

function refusal(f: () => unknown, message: RegExp): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof SignetError, `a SignetError, not ${String(e)}`);
    assert.equal(e.code, 'USAGE');
    assert.match(e.message, message);
    return true;
  });
}

test('every platform manifest of an index, once each, in its order, with its platform string', () => {
  assert.deepEqual(indexPlatforms(index).map((p) => [p.digest, p.platform]), [[AMD, 'linux/amd64'], [ARM, 'linux/arm64/v8'], [ATT1, 'unknown/unknown'], [ATT2, 'unknown/unknown']]);
  assert.deepEqual(indexPlatforms(single), []);
});

test('no choice: every platform (recursive, the default), or none with recursive false', () => {
  assert.deepEqual(digests(choosePlatforms('r/app:v1', index, {})), [AMD, ARM, ATT1, ATT2]);
  assert.deepEqual(digests(choosePlatforms('r/app:v1', index, { recursive: true })), [AMD, ARM, ATT1, ATT2]);
  assert.deepEqual(choosePlatforms('r/app:v1', index, { recursive: false }), []);
  assert.deepEqual(choosePlatforms('r/app:v1', single, {}), []);
});

test('by digest: exactly those chosen, in index order, a repeat counted once; an empty list is the index alone', () => {
  assert.deepEqual(digests(choosePlatforms('r/app:v1', index, { platforms: [ATT1, ARM, ARM] })), [ARM, ATT1]);
  assert.deepEqual(choosePlatforms('r/app:v1', index, { platforms: [] }), []);
  assert.deepEqual(choosePlatforms('r/app:v1', index, { recursive: false, platforms: [] }), []);
});

test('by platform string: every manifest it matches; together with digests, the union', () => {
  assert.deepEqual(digests(choosePlatforms('r/app:v1', index, { platformNames: ['unknown/unknown'] })), [ATT1, ATT2]);
  assert.deepEqual(digests(choosePlatforms('r/app:v1', index, { platformNames: ['linux/arm64/v8'], platforms: [AMD] })), [AMD, ARM]);
});

test('a digest the index does not list is refused, naming it and what the index lists', () => {
  refusal(() => choosePlatforms('r/app:v1', index, { platforms: [AMD, d('9')] }), new RegExp(`${d('9')} is not one of the platform manifests of r/app:v1; the index lists linux/amd64 ${AMD}.*Nothing was signed`));
});

test('something that is not a digest is refused in plain words', () => {
  refusal(() => choosePlatforms('r/app:v1', index, { platforms: ['sha256:ABC'] }), /"sha256:ABC" is not a platform manifest digest/);
});

test('a platform string no manifest has is refused, listing the platforms there are', () => {
  refusal(() => choosePlatforms('r/app:v1', index, { platformNames: ['linux/arm64'] }), /No platform manifest of r\/app:v1 is for linux\/arm64; the index lists .*linux\/arm64\/v8/);
});

test('choosing platforms of a single-platform image is refused in plain words', () => {
  refusal(() => choosePlatforms('r/one:v1', single, { platforms: [AMD] }), /r\/one:v1 is a single-platform image, not a multi-platform index, so it has no platforms to choose from/);
  refusal(() => choosePlatforms('r/one:v1', single, { platformNames: ['linux/amd64'] }), /single-platform image/);
});

test('choosing platforms and signing the index alone contradict each other', () => {
  refusal(() => choosePlatforms('r/app:v1', index, { recursive: false, platforms: [AMD] }), /cannot be combined with signing the index alone \(--no-recursive\)/);
});
