// Platforms and creation time from an image config or an index (electron/engine/image-facts.ts):
// what each looks like when present, and a plain error naming the field when it is malformed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configFacts, factsReader, summarizeManifest } from '../../electron/engine/image-facts.js';
import { SignetError } from '../../electron/engine/errors.js';

const json = (v: unknown) => Buffer.from(JSON.stringify(v));
const DIGEST = `sha256:${'a'.repeat(64)}`;

test('a config gives os/architecture[/variant] and created as written', () => {
  assert.deepEqual(configFacts(json({ os: 'linux', architecture: 'arm', variant: 'v7', created: '2024-03-05T06:07:08.123456789Z' })), { platforms: ['linux/arm/v7'], created: '2024-03-05T06:07:08.123456789Z' });
  assert.deepEqual(configFacts(json({ os: 'windows', architecture: 'amd64' })), { platforms: ['windows/amd64'] }, 'created is optional in OCI');
});

test('a malformed config is a MANIFEST_INVALID error that says what is wrong', () => {
  const cases: Array<[Uint8Array, RegExp]> = [
    [Buffer.from('{'), /not valid JSON/],
    [json([1]), /not a JSON object/],
    [json({ architecture: 'amd64' }), /does not name its os and architecture/],
    [json({ os: 'linux', architecture: 'amd64', created: 'yesterday' }), /created is "yesterday", not a date and time/],
    [json({ os: 'linux', architecture: 'amd64', created: 17 }), /created is 17, not a date and time/],
  ];
  for (const [bytes, message] of cases) {
    assert.throws(() => configFacts(bytes), (e: unknown) => e instanceof SignetError && e.code === 'MANIFEST_INVALID' && message.test(e.message));
  }
});

test('an index summary lists its platforms; a manifest that does not parse says why', () => {
  const index = json({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [
    { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: DIGEST, size: 1, platform: { os: 'linux', architecture: 'amd64' } },
    { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: DIGEST, size: 1 },
  ] });
  assert.deepEqual(summarizeManifest({ bytes: index, mediaType: 'application/vnd.oci.image.index.v1+json' }), { kind: 'index', platforms: ['linux/amd64', 'unknown'] });
  const bad = summarizeManifest({ bytes: json({ schemaVersion: 1 }), mediaType: '' });
  assert.equal(bad.kind, 'unreadable');
  assert.match(bad.kind === 'unreadable' ? bad.why : '', /schemaVersion must be 2/);
});

test('a config shared by several images is read once; a failed read is a reason, not an exception', async () => {
  const reads: string[] = [];
  const facts = factsReader(async (d) => {
    reads.push(d.digest);
    if (d.size === 0) throw new SignetError('BLOB_UNKNOWN', 'The blob is not in the registry.');
    return json({ os: 'linux', architecture: 'amd64' });
  });
  const image = { kind: 'image' as const, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: DIGEST as `sha256:${string}`, size: 10 } };
  assert.deepEqual(await Promise.all([facts(image), facts(image)]), [{ platforms: ['linux/amd64'] }, { platforms: ['linux/amd64'] }]);
  assert.equal(reads.length, 1);
  const missing = await facts({ kind: 'image', config: { ...image.config, digest: `sha256:${'b'.repeat(64)}`, size: 0 } });
  assert.deepEqual(missing, { factsError: 'The image config could not be read: The blob is not in the registry.' });
  assert.match((await facts(undefined)).factsError ?? '', /manifest could not be read/);
});
