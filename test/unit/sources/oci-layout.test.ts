import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { OciLayoutSource } from '../../../electron/engine/sources/oci-layout.js';
import { buildPayload } from '../../../electron/engine/cosign/payload.js';
import { newSignatureLayer } from '../../../electron/engine/cosign/signature-manifest.js';
import { makeTempDir } from '../../helpers/tmp.js';
import { blobPath, nameImage, writeImage, writeIndexImage } from '../../helpers/layout.js';

async function layout() {
  const dir = await makeTempDir('signet-layout-');
  const img = writeImage(dir, { layers: 2 });
  nameImage(dir, 'v1', img);
  const idx = writeIndexImage(dir);
  nameImage(dir, '127.0.0.1:5000/team/multi:v2', idx);
  return { dir, img, idx, src: new OciLayoutSource(dir) };
}

function signature(digest: string, n: number) {
  const payload = buildPayload({ dockerReference: '127.0.0.1:5000/team/app:v1', manifestDigest: digest as any, creator: 't', timestamp: n });
  return { payload, layer: newSignatureLayer(payload, Buffer.from(`sig-${n}`)) };
}

test('lists the images by ref name, resolves names and digests, and streams verified blobs', async () => {
  const { dir, img, idx, src } = await layout();
  const list = await src.list();
  assert.deepEqual(list.map((i) => i.name), ['v1', '127.0.0.1:5000/team/multi:v2']);
  const m = await src.resolve('v1');
  assert.equal(m.digest, img.digest);
  assert.equal(m.mediaType, 'application/vnd.oci.image.manifest.v1+json');
  assert.equal((await src.resolve(img.digest)).digest, img.digest);
  assert.equal((await src.resolve('127.0.0.1:5000/team/multi:v2')).mediaType, 'application/vnd.oci.image.index.v1+json');
  assert.equal((await src.manifest(idx.children[0]!.digest as any)).digest, idx.children[0]!.digest);
  await assert.rejects(src.resolve(), /holds 2 images; name one/);
  await assert.rejects(src.resolve('nope'), (e: any) => e.code === 'MANIFEST_UNKNOWN' && e.message.includes(join(dir, 'index.json')) && /has: v1/.test(e.message));
  const body = await text(await src.blob(img.layerDigests[0] as any));
  assert.ok(body.length > 0);
});

test('an altered blob fails its stream; a missing index.json or blob is a plain error naming the file', async () => {
  const { dir, img, src } = await layout();
  const path = blobPath(dir, img.layerDigests[0]!);
  const bytes = readFileSync(path);
  bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1); // same size, other content
  writeFileSync(path, bytes);
  await assert.rejects(text(await src.blob(img.layerDigests[0] as any, bytes.length)), (e: any) => e.code === 'DIGEST_MISMATCH' && e.message.includes(path));
  rmSync(path);
  await assert.rejects(src.checkBlob(img.layerDigests[0] as any), (e: any) => e.code === 'BLOB_UNKNOWN' && e.message.includes(path));
  const manifestPath = blobPath(dir, img.digest);
  writeFileSync(manifestPath, readFileSync(manifestPath, 'utf8').replace('"schemaVersion":2', '"schemaVersion":2 '));
  await assert.rejects(src.resolve('v1'), (e: any) => /SIZE_MISMATCH|DIGEST_MISMATCH/.test(e.code) && e.message.includes(manifestPath));
  rmSync(join(dir, 'index.json'));
  await assert.rejects(src.list(), (e: any) => e.code === 'IO' && e.message.includes(join(dir, 'index.json')) && /not an OCI layout/.test(e.message));
  const empty = await makeTempDir();
  await assert.rejects(new OciLayoutSource(join(empty, 'missing')).list(), /does not exist/);
});

test('the signature store appends, keeps existing signatures and names them sha256-<hex>.sig in index.json', async () => {
  const { dir, img, src } = await layout();
  const store = src.signatures();
  assert.deepEqual(await store.read(img.digest as any), { found: false, signatures: [] });
  const a = signature(img.digest, 1);
  const b = signature(img.digest, 2);
  const first = await store.append(img.digest as any, a.payload, a.layer);
  assert.equal(first.alreadyPresent, false);
  assert.match(first.location, /:sha256-[a-f0-9]{64}\.sig$/);
  await store.append(img.digest as any, b.payload, b.layer);
  assert.equal((await store.append(img.digest as any, a.payload, a.layer)).alreadyPresent, true);
  const read = await store.read(img.digest as any);
  assert.equal(read.found, true);
  assert.deepEqual(read.signatures.map((s) => Buffer.from(s.payload!).toString()), [Buffer.from(a.payload).toString(), Buffer.from(b.payload).toString()]);
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
  const names = index.manifests.map((m: any) => m.annotations['org.opencontainers.image.ref.name']);
  assert.deepEqual(names, ['v1', '127.0.0.1:5000/team/multi:v2', `sha256-${img.digest.slice(7)}.sig`], 'one entry per name, images kept');
  assert.deepEqual((await src.list()).map((i) => i.name), ['v1', '127.0.0.1:5000/team/multi:v2'], 'signatures are not listed as images');
  assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('.')), [], 'no temp or lock files left behind');
  // An altered payload is reported per signature (tampering), not as a read failure.
  writeFileSync(blobPath(dir, a.layer.payloadDigest), Buffer.from(a.payload).toString().replace('"t"', '"x"'));
  const again = await store.read(img.digest as any);
  assert.equal(again.signatures[0]!.payloadError?.code, 'DIGEST_MISMATCH');
});

test('concurrent appends from several writers lose no signature', async () => {
  const { img, src } = await layout();
  const sigs = Array.from({ length: 6 }, (_, i) => signature(img.digest, 10 + i));
  await Promise.all(sigs.map((s) => new OciLayoutSource(src.dir).signatures().append(img.digest as any, s.payload, s.layer)));
  assert.equal((await src.signatures().read(img.digest as any)).signatures.length, 6);
});

test('a name given to two different manifests in index.json: listed once without a digest, resolved nowhere, both digests named', async () => {
  const { dir, img, src } = await layout();
  const other = writeImage(dir);
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
  index.manifests.push({ mediaType: other.mediaType, digest: other.digest, size: other.size, annotations: { 'org.opencontainers.image.ref.name': 'v1' } });
  // A ref name that is itself a digest, given to another manifest: `oci:DIR:sha256:…` is ambiguous too.
  index.manifests.push({ mediaType: other.mediaType, digest: other.digest, size: other.size, annotations: { 'org.opencontainers.image.ref.name': img.digest } });
  writeFileSync(join(dir, 'index.json'), JSON.stringify(index));
  assert.deepEqual((await src.list()).map((i) => [i.name, i.digest]), [['v1', undefined], ['127.0.0.1:5000/team/multi:v2', index.manifests[1].digest], [img.digest, other.digest]]);
  for (const name of ['v1', img.digest]) {
    await assert.rejects(src.resolve(name), (e: any) => e.code === 'MANIFEST_INVALID' && e.message.includes(img.digest) && e.message.includes(other.digest) && e.message.includes(join(dir, 'index.json')));
  }
  // Twelve different manifests: the message lists five and counts the rest.
  for (let i = 0; i < 10; i++) {
    const more = writeImage(dir);
    index.manifests.push({ mediaType: more.mediaType, digest: more.digest, size: more.size, annotations: { 'org.opencontainers.image.ref.name': 'v1' } });
  }
  writeFileSync(join(dir, 'index.json'), JSON.stringify(index));
  await assert.rejects(src.resolve('v1'), (e: any) => /to 12 different manifests: (sha256:[a-f0-9]{64}, ){4}sha256:[a-f0-9]{64} and 7 more\./.test(e.message) && e.details.digests.length === 12);
});
