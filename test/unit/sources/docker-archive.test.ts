import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createWriteStream, readFileSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { MAX_CONFIG_BYTES } from '../../../electron/engine/image-facts.js';
import { DockerArchiveSource } from '../../../electron/engine/sources/docker-archive.js';
import { makeTempDir } from '../../helpers/tmp.js';
import { randomLayer, writeArchive } from '../../helpers/archive.js';

const sha = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

test('computes the Docker v2 manifest that a push creates: config and layers as stored, uncompressed', async () => {
  const dir = await makeTempDir();
  const file = join(dir, 'a.tar');
  const [img] = await writeArchive(file, [{ tags: ['127.0.0.1:5000/demo/app:v1'], layers: [randomLayer(4000), randomLayer(10)], viaSymlink: true }]);
  const src = new DockerArchiveSource(file);
  assert.deepEqual((await src.list()).map((i) => i.name), ['127.0.0.1:5000/demo/app:v1']);
  const m = await src.resolve();
  assert.equal(m.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
  assert.equal(m.digest, sha(m.bytes));
  const doc = JSON.parse(Buffer.from(m.bytes).toString());
  assert.deepEqual(Object.keys(doc), ['schemaVersion', 'mediaType', 'config', 'layers']);
  assert.deepEqual(doc.config, { mediaType: 'application/vnd.docker.container.image.v1+json', size: img!.config.length, digest: sha(img!.config) });
  assert.deepEqual(doc.layers, img!.layers.map((l) => ({ mediaType: 'application/vnd.docker.image.rootfs.diff.tar', size: l.length, digest: sha(l) })));
  // Blobs stream from their byte range in the file, verified.
  assert.deepEqual(await buffer(await src.blob(sha(img!.layers[0]!) as any, img!.layers[0]!.length)), img!.layers[0]);
  assert.deepEqual(await buffer(await src.blob(sha(img!.config) as any)), img!.config);
  assert.equal((await src.resolve('127.0.0.1:5000/demo/app:v1')).digest, m.digest);
  assert.equal((await src.manifest(m.digest)).digest, m.digest);
});

test('names are matched the way docker normalises them; several images need a name', async () => {
  const dir = await makeTempDir();
  const file = join(dir, 'two.tar');
  await writeArchive(file, [{ tags: ['docker.io/library/alpine:3'] }, { tags: ['demo/b:v1'] }]);
  const src = new DockerArchiveSource(file);
  await assert.rejects(src.resolve(), (e: any) => e.code === 'USAGE' && /holds 2 images/.test(e.message));
  assert.ok((await src.resolve('alpine:3')).digest);
  assert.ok((await src.resolve('docker.io/demo/b:v1')).digest);
  await assert.rejects(src.resolve('demo/c:v1'), (e: any) => e.code === 'MANIFEST_UNKNOWN' && e.message.includes(file));
});

test('a compressed layer (not what docker writes) is hashed for its digest and typed gzip', async () => {
  const dir = await makeTempDir();
  const file = join(dir, 'gz.tar');
  const gz = gzipSync(randomLayer());
  await writeArchive(file, [{ tags: ['demo/gz:v1'], layers: [gz] }]);
  const doc = JSON.parse(Buffer.from((await new DockerArchiveSource(file).resolve()).bytes).toString());
  assert.equal(doc.layers[0].mediaType, 'application/vnd.docker.image.rootfs.diff.tar.gzip');
  assert.equal(doc.layers[0].digest, sha(gz));
});

test('a truncated archive, a missing layer, a missing manifest.json, a file that is no tar: each a plain error naming the file', async () => {
  const dir = await makeTempDir();
  const truncated = join(dir, 'cut.tar');
  await writeArchive(truncated, [{ tags: ['demo/a:v1'], layers: [randomLayer(100_000)] }]);
  truncateSync(truncated, Math.floor(statSync(truncated).size / 2));
  await assert.rejects(new DockerArchiveSource(truncated).resolve(), (e: any) => e.code === 'IO' && e.message.includes(truncated) && /truncated/.test(e.message));

  const omitted = join(dir, 'omitted.tar');
  const layer = randomLayer();
  await writeArchive(omitted, [{ tags: ['demo/a:v1'], layers: [layer] }], { omit: [`${sha(layer).slice(7)}.tar`] });
  await assert.rejects(new DockerArchiveSource(omitted).resolve(), (e: any) => e.code === 'BLOB_UNKNOWN' && e.message.includes(omitted) && /names the layer .* not in the archive/.test(e.message));

  const noManifest = join(dir, 'nomanifest.tar');
  await writeArchive(noManifest, [{ tags: ['demo/a:v1'] }], { skipManifest: true });
  await assert.rejects(new DockerArchiveSource(noManifest).list(), (e: any) => e.message.includes(noManifest) && /no manifest\.json/.test(e.message));

  const garbage = join(dir, 'garbage.tar');
  (await import('node:fs')).writeFileSync(garbage, Buffer.alloc(2048, 0x41));
  await assert.rejects(new DockerArchiveSource(garbage).list(), (e: any) => e.code === 'IO' && e.message.includes(garbage));
  await assert.rejects(new DockerArchiveSource(join(dir, 'none.tar')).list(), (e: any) => e.code === 'IO' && /does not exist/.test(e.message));
});

test('a layer altered after indexing fails its stream with DIGEST_MISMATCH', async () => {
  const dir = await makeTempDir();
  const file = join(dir, 'alter.tar');
  const layer = randomLayer(5000);
  await writeArchive(file, [{ tags: ['demo/a:v1'], layers: [layer] }]);
  const src = new DockerArchiveSource(file);
  await src.resolve();
  const bytes = readFileSync(file);
  const at = bytes.indexOf(layer.subarray(600, 640));
  bytes.writeUInt8(bytes.readUInt8(at) ^ 1, at);
  (await import('node:fs')).writeFileSync(file, bytes);
  await assert.rejects(buffer(await src.blob(sha(layer) as any, layer.length)), (e: any) => e.code === 'DIGEST_MISMATCH' && e.message.includes(file));
});

test('JSON is read by byte range within bounds: a config over MAX_CONFIG_BYTES, configs over the per-archive total, too many entries, too long names', async () => {
  const dir = await makeTempDir();
  const big = join(dir, 'bigconfig.tar');
  await writeArchive(big, [{ tags: ['demo/big:v1'], config: { pad: 'x'.repeat(MAX_CONFIG_BYTES) } }]);
  await assert.rejects(new DockerArchiveSource(big).list(), (e: any) => e.code === 'SIZE_MISMATCH' && e.message.includes(big) && new RegExp(`the config \\S+ is \\d+ bytes, more than the ${MAX_CONFIG_BYTES} bytes`).test(e.message));

  // 17 images with configs just under the bound each: over the 64 MiB read per archive.
  const many = join(dir, 'manyconfigs.tar');
  const pad = 'x'.repeat(MAX_CONFIG_BYTES - 4096);
  await writeArchive(many, Array.from({ length: 17 }, (_, i) => ({ tags: [`demo/m${i}:v1`], config: { pad } })));
  await assert.rejects(new DockerArchiveSource(many).list(), (e: any) => e.code === 'SIZE_MISMATCH' && e.message.includes(many) && /add up to more than the 67108864 bytes Signet reads from one archive/.test(e.message));
  const fewer = join(dir, 'fewerconfigs.tar');
  await writeArchive(fewer, Array.from({ length: 15 }, (_, i) => ({ tags: [`demo/m${i}:v1`], config: { pad } })));
  assert.equal((await new DockerArchiveSource(fewer).list()).length, 15, 'just under the total: read');

  const entries = join(dir, 'entries.tar');
  const pack = tar.pack();
  const done = pipeline(pack, createWriteStream(entries));
  for (let i = 0; i <= 100_000; i++) pack.entry({ name: `e${i}`, size: 0 }, Buffer.alloc(0));
  pack.finalize();
  await done;
  await assert.rejects(new DockerArchiveSource(entries).list(), (e: any) => e.code === 'MANIFEST_INVALID' && /more than 100000 entries/.test(e.message));

  // Pax headers make names megabytes long (tar-stream takes up to 4 MiB each): five of them pass the 16 Mi characters kept per archive.
  const names = join(dir, 'names.tar');
  const longPack = tar.pack();
  const longDone = pipeline(longPack, createWriteStream(names));
  for (let i = 0; i < 5; i++) longPack.entry({ name: `${i}/${'n'.repeat(3_900_000)}`, size: 0 }, Buffer.alloc(0));
  longPack.finalize();
  await longDone;
  await assert.rejects(new DockerArchiveSource(names).list(), (e: any) => e.code === 'MANIFEST_INVALID' && /entry names add up to more than 16777216 characters/.test(e.message));
});

test('a name given to two different images in manifest.json is an error naming both, not the first', async () => {
  const dir = await makeTempDir();
  const file = join(dir, 'dup.tar');
  await writeArchive(file, [{ tags: ['demo/a:v1'] }, { tags: ['demo/b:v1', 'demo/a:v1'] }]);
  const src = new DockerArchiveSource(file);
  await assert.rejects(src.resolve('demo/a:v1'), (e: any) => e.code === 'MANIFEST_INVALID' && /gives the name "demo\/a:v1" to 2 different images/.test(e.message) && e.details.digests.length === 2);
  assert.ok((await src.resolve('demo/b:v1')).digest, 'the other names still resolve');
});

test('an archive naming its config blobs/sha256/<hex> (Docker 25+ docker save) is read: configs are found by entry, not by a .json name', async () => {
  const dir = await makeTempDir();
  const file = join(dir, 'blobs.tar');
  const [img] = await writeArchive(file, [{ tags: ['demo/new:v1'], blobNames: true }]);
  const doc = JSON.parse(Buffer.from((await new DockerArchiveSource(file).resolve()).bytes).toString());
  assert.equal(doc.config.digest, sha(img!.config));
  assert.equal(doc.layers[0].digest, sha(img!.layers[0]!));
});
