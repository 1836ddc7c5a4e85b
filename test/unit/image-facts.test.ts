// Platforms and creation time from an image config or an index (electron/engine/image-facts.ts):
// what each looks like when present, and a plain error naming the field when it is malformed.
// The engine's record of an image (its inspect answer) is read through the same checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { configFacts, engineFactsReader, factsReader, platformFacts, readConfigBlob, summarizeManifest, MAX_CONFIG_BYTES } from '../../electron/engine/image-facts.js';
import type { EngineImage } from '../../electron/engine/sources/docker-engine.js';
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

test('the same fields from an engine record are checked the same way; an empty os is not an os', () => {
  assert.deepEqual(platformFacts({ os: 'linux', architecture: 'arm64', variant: 'v8', created: '2024-03-05T06:07:08Z' }, 'The engine\'s record'), { platforms: ['linux/arm64/v8'], created: '2024-03-05T06:07:08Z' });
  assert.deepEqual(platformFacts({ os: 'linux', architecture: 'amd64', variant: '' }, 'X'), { platforms: ['linux/amd64'] }, 'an empty variant is no variant');
  assert.throws(() => platformFacts({ os: '', architecture: 'amd64' }, 'The engine\'s record'), /^SignetError: The engine's record does not name its os and architecture/);
  assert.throws(() => platformFacts({ os: 'linux', architecture: 'amd64', created: 1700000000 }, 'The engine\'s record'), /The engine's record's created is 1700000000, not a date and time/);
});

test('engine facts: one inspect per image id, Go\'s zero time is "not recorded", a failed inspect is a reason', async () => {
  const asked: string[] = [];
  const records: Record<string, Partial<EngineImage>> = {
    a: { Os: 'linux', Architecture: 'amd64', Created: '2024-01-02T03:04:05.123456789Z' },
    zero: { Os: 'linux', Architecture: 'arm', Variant: 'v7', Created: '0001-01-01T00:00:00Z' },
    odd: { Os: 'linux' },
  };
  const facts = engineFactsReader({
    inspect: async (id: string) => {
      asked.push(id);
      const r = records[id];
      if (r === undefined) throw new SignetError('MANIFEST_UNKNOWN', `The engine has no image "${id}".`);
      return { Id: id, RepoTags: [], RepoDigests: [], ...r };
    },
  });
  assert.deepEqual(await Promise.all([facts('a'), facts('a')]), [{ platforms: ['linux/amd64'], created: '2024-01-02T03:04:05.123456789Z' }, { platforms: ['linux/amd64'], created: '2024-01-02T03:04:05.123456789Z' }]);
  assert.deepEqual(asked, ['a'], 'two tags of one image: one request');
  assert.deepEqual(await facts('zero'), { platforms: ['linux/arm/v7'] });
  assert.deepEqual(await facts('odd'), { factsError: 'The engine\'s record of the image could not be read: The engine\'s record does not name its os and architecture as strings.' });
  assert.deepEqual(await facts('gone'), { factsError: 'The engine\'s record of the image could not be read: The engine has no image "gone".' });
});

test('a config read through a source is refused unread when it declares more than the limit, and checked by the source\'s stream', async () => {
  let opened = 0;
  const source = { blob: async () => { opened++; return Readable.from([Buffer.from('{"os":'), Buffer.from('"linux"}')]); } };
  const d = { mediaType: 'application/vnd.oci.image.config.v1+json', digest: DIGEST as `sha256:${string}`, size: 14 };
  assert.equal(Buffer.from(await readConfigBlob(source, d)).toString(), '{"os":"linux"}');
  await assert.rejects(readConfigBlob(source, { ...d, size: MAX_CONFIG_BYTES + 1 }), (e: unknown) => e instanceof SignetError && e.code === 'SIZE_MISMATCH' && /more than the 4194304/.test(e.message));
  assert.equal(opened, 1, 'the oversized config was never opened');
  const failing = { blob: async () => Readable.from((async function* () { yield Buffer.from('{'); throw new SignetError('DIGEST_MISMATCH', 'The config does not match its digest.'); })()) };
  await assert.rejects(readConfigBlob(failing, d), (e: unknown) => e instanceof SignetError && e.code === 'DIGEST_MISMATCH');
});
