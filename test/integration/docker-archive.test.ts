// docker-archive tarballs made by Debian skopeo: pushed and signed by Signet, the pushed digest
// cross-checked with skopeo inspect; a truncated archive stops with nothing pushed or signed.
// Listed as the desktop lists them (with facts), each image shows its platform and creation time.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync, truncateSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { getManifest } from '../helpers/push.js';
import { skopeoCopy, skopeoInspect } from '../helpers/skopeo.js';
import { makeTempDir } from '../helpers/tmp.js';
import { jsonLines, runSignet } from '../helpers/cli.js';
import { nameImage, writeImage } from '../helpers/layout.js';
import { writeArchive } from '../helpers/archive.js';
import { Engine } from '../../electron/engine/engine.js';

let reg: TestRegistry;
let dir: string;
let env: NodeJS.ProcessEnv;
let key: string;
let archive: string;
const CREATED = '2025-06-07T08:09:10Z';

before(async () => {
  reg = await startRegistry();
  dir = await makeTempDir();
  env = { COSIGN_PASSWORD: 'pw', SIGNET_HOME: join(dir, 'home') };
  key = join(dir, 'k');
  assert.equal((await runSignet(['keys', 'generate-file', key], { env })).code, 0);
  const lay = join(dir, 'lay');
  nameImage(lay, 'v1', writeImage(lay, { layers: 3, layerBytes: 300_000, arch: 'arm64', variant: 'v8', created: CREATED }));
  archive = join(dir, 'app.tar');
  await skopeoCopy(`oci:${lay}:v1`, `docker-archive:${archive}:demo/app:v1`);
});
after(async () => { await reg?.stop(); });

test('a skopeo-made archive is pushed and signed; the pushed digest is what skopeo inspect reports', async () => {
  const listed = await runSignet(['images', `docker-archive:${archive}`, '--json'], { env });
  const rows = jsonLines(listed.stdout);
  assert.deepEqual(rows.map((r) => [r.image, r.verdict]), [[`docker-archive:${archive}:docker.io/demo/app:v1`, 'unsigned']]);
  assert.match(rows[0].message, /push/);

  const v = await runSignet(['verify', `docker-archive:${archive}`, '--key', `${key}.pub`, '--json'], { env });
  assert.equal(jsonLines(v.stdout)[0].verdict, 'error');
  assert.match(jsonLines(v.stdout)[0].message, /no registry digest.*signet push/);
  const s = await runSignet(['sign', `docker-archive:${archive}`, '--key', `${key}.key`], { env });
  assert.notEqual(s.code, 0);
  assert.match(s.stderr, /push it and sign in one step/);

  const p = await runSignet(['push', `docker-archive:${archive}`, `${reg.host}/demo/app:v1`, '--sign', `${key}.key`, '--json'], { env });
  assert.equal(p.code, 0, p.stderr);
  const r = JSON.parse(p.stdout);
  assert.equal(r.blobs.uploaded, 4);
  assert.equal(r.signature.digest, r.digest);
  assert.equal(r.signature.signatures[0].readBack.verdict, 'verified');
  const inspected = await skopeoInspect(`docker://${reg.host}/demo/app:v1`);
  assert.equal(inspected.Digest, r.digest, 'skopeo sees the digest Signet pushed and signed');
  const raw = await skopeoInspect(`docker://${reg.host}/demo/app:v1`, { raw: true });
  assert.equal(raw.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
  assert.ok(raw.layers.every((l: any) => l.mediaType === 'application/vnd.docker.image.rootfs.diff.tar'), 'layers pushed as stored');
  const vr = await runSignet(['verify', `${reg.host}/demo/app:v1`, '--key', `${key}.pub`, '--json'], { env });
  assert.equal(jsonLines(vr.stdout)[0].verdict, 'verified');
  await skopeoCopy(`docker://${reg.host}/demo/app:v1`, `oci:${join(dir, 'back')}:v1`);

  const again = await runSignet(['push', `docker-archive:${archive}:demo/app:v1`, `${reg.host}/demo/app:v1`, '--json'], { env });
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual([JSON.parse(again.stdout).blobs.uploaded, JSON.parse(again.stdout).blobs.skipped], [0, 4], 'a second push sends nothing');
});

test('a truncated archive is a plain error naming the file; nothing is pushed or signed', async () => {
  const cut = join(dir, 'cut.tar');
  copyFileSync(archive, cut);
  truncateSync(cut, Math.floor(statSync(cut).size * 0.6));
  const p = await runSignet(['push', `docker-archive:${cut}`, `${reg.host}/demo/cut:v1`, '--sign', `${key}.key`], { env });
  assert.equal(p.code, 2, p.stdout + p.stderr);
  assert.match(p.stderr, new RegExp(`${cut.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is truncated`));
  assert.equal((await getManifest(reg, 'demo/cut', 'v1')).status, 404);
  const tags = await runSignet(['images', `${reg.host}/demo/cut`, '--json'], { env });
  assert.equal(jsonLines(tags.stdout).length, 0, 'no tag at all, signature or image');
});

test('listed with facts, each archive image shows the platform and creation time its config records; a bad config only blanks them', async () => {
  const engine = new Engine();
  try {
    const [made] = await engine.images(`docker-archive:${archive}`, { keys: [] }, {}, { facts: true });
    assert.deepEqual([made!.verdict, made!.platforms, made!.created], ['unsigned', ['linux/arm64/v8'], CREATED], 'as skopeo wrote the config');

    const two = join(dir, 'two.tar');
    await writeArchive(two, [
      { tags: ['demo/win:1'], config: { os: 'windows', architecture: 'amd64', created: '2020-01-01T00:00:00Z' } },
      { tags: ['demo/odd:1', 'demo/odd:2'], config: { os: undefined } },
    ]);
    const facts: string[] = [];
    const rows = await engine.images(`docker-archive:${two}`, { keys: [] }, {}, { facts: true, onFacts: (r) => facts.push(r.image) });
    assert.deepEqual(rows.map((r) => [r.image.split(':').slice(-2).join(':'), r.verdict, r.platforms, r.created]), [
      ['demo/win:1', 'unsigned', ['windows/amd64'], '2020-01-01T00:00:00Z'],
      ['demo/odd:1', 'unsigned', undefined, undefined],
      ['demo/odd:2', 'unsigned', undefined, undefined],
    ]);
    assert.match(rows[1]!.factsError ?? '', /^The image config could not be read: The image config does not name its os and architecture/);
    assert.deepEqual(facts.sort(), rows.map((r) => r.image).sort(), 'every row delivered once with its facts');

    const plain = await engine.images(`docker-archive:${two}`, { keys: [] });
    assert.ok(plain.every((r) => !('platforms' in r) && !('factsError' in r)), 'without facts (the CLI) the rows keep their shape');
  } finally {
    await engine.close();
  }
});
