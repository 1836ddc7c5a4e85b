// OCI layouts end to end: signed and verified in place with no registry, pushed by Signet with
// their signatures, verified in a real registry, copied back out by Debian skopeo; damaged
// layouts stop with a plain error and nothing pushed or signed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { getManifest } from '../helpers/push.js';
import { skopeoCopy, skopeoInspect } from '../helpers/skopeo.js';
import { makeTempDir } from '../helpers/tmp.js';
import { jsonLines, runSignet } from '../helpers/cli.js';
import { fixturesDir } from '../helpers/paths.js';
import { blobPath, nameImage, writeImage } from '../helpers/layout.js';

let reg: TestRegistry;
let dir: string;
let env: NodeJS.ProcessEnv;
let key: string;

before(async () => {
  reg = await startRegistry();
  dir = await makeTempDir();
  env = { COSIGN_PASSWORD: 'pw', SIGNET_HOME: join(dir, 'home') };
  key = join(dir, 'k');
  assert.equal((await runSignet(['keys', 'generate-file', key, '--alg', 'ecdsa-p256'], { env })).code, 0);
});
after(async () => { await reg?.stop(); });

function copyFixture(name: string): string {
  const d = join(dir, name);
  cpSync(join(fixturesDir, 'image-oci'), d, { recursive: true });
  return d;
}

test('a layout signed by Signet verifies from the layout with no registry, then in the registry after push, and skopeo copies it out', async () => {
  const lay = copyFixture('lay');
  const identity = `${reg.host}/team/app:v1`;
  const noId = await runSignet(['sign', `oci:${lay}:v1`, '--key', `${key}.key`], { env });
  assert.equal(noId.code, 64, 'a bare layout name says nothing about the repository: a usage error');
  assert.match(noId.stderr, /--identity/);

  const s = await runSignet(['sign', `oci:${lay}:v1`, '--key', `${key}.key`, '--identity', identity, '--json'], { env });
  assert.equal(s.code, 0, s.stderr);
  const signed = JSON.parse(s.stdout);
  assert.equal(signed.identity, identity);
  assert.equal(signed.signatures[0].readBack.verdict, 'verified');
  const index = JSON.parse(readFileSync(join(lay, 'index.json'), 'utf8'));
  assert.ok(index.manifests.some((m: any) => m.annotations['org.opencontainers.image.ref.name'] === `sha256-${signed.digest.slice(7)}.sig`));

  // Verify in place: no registry is involved (the registry is named only in the identity).
  const v = await runSignet(['verify', `oci:${lay}:v1`, '--key', `${key}.pub`, '--identity', `${reg.host}/team/app`, '--json'], { env });
  assert.equal(v.code, 0, v.stdout + v.stderr);
  assert.equal(jsonLines(v.stdout)[0].verdict, 'verified');
  const other = await runSignet(['verify', `oci:${lay}:v1`, '--key', `${key}.pub`, '--identity', `${reg.host}/other/app`, '--json'], { env });
  assert.equal(jsonLines(other.stdout)[0].verdict, 'invalid', 'matchRepository: another repository is not verified');
  const imgs = await runSignet(['images', `oci:${lay}`, '--key', `${key}.pub`, '--identity', `${reg.host}/team/app`, '--json'], { env });
  assert.deepEqual(jsonLines(imgs.stdout).map((r) => [r.image, r.verdict]), [[`oci:${lay}:v1`, 'verified']]);

  // Push: the layout's signature travels with the image and verifies in the registry.
  const p = await runSignet(['push', `oci:${lay}:v1`, `${reg.host}/team/app:v1`, '--json'], { env });
  assert.equal(p.code, 0, p.stderr);
  const pushed = JSON.parse(p.stdout);
  assert.equal(pushed.digest, signed.digest);
  assert.equal(pushed.signaturesCopied, 1);
  const rv = await runSignet(['verify', `${reg.host}/team/app:v1`, '--key', `${key}.pub`, '--json'], { env });
  assert.equal(jsonLines(rv.stdout)[0].verdict, 'verified', rv.stdout);
  assert.equal((await skopeoInspect(`docker://${reg.host}/team/app:v1`)).Digest, signed.digest);
  await skopeoCopy(`docker://${reg.host}/team/app:v1`, `oci:${join(dir, 'copied')}:v1`);
  assert.equal(JSON.parse(readFileSync(join(dir, 'copied', 'index.json'), 'utf8')).manifests[0].digest, signed.digest);
});

test('skopeo copy of each layout name (image and sha256-<hex>.sig) keeps the signature verifiable too', async () => {
  const lay = join(dir, 'multi');
  const img = writeImage(lay, { layers: 2 });
  const name = `${reg.host}/team/skopeo:v3`;
  nameImage(lay, name, img);
  // The name is a full reference: it is the identity, no --identity needed.
  const s = await runSignet(['sign', `oci:${lay}:${name}`, '--key', `${key}.key`, '--json'], { env });
  assert.equal(s.code, 0, s.stderr);
  assert.equal(JSON.parse(s.stdout).identity, name);
  const sigName = `sha256-${img.digest.slice(7)}.sig`;
  await skopeoCopy(`oci:${lay}:${name}`, `docker://${reg.host}/team/skopeo:v3`);
  await skopeoCopy(`oci:${lay}:${sigName}`, `docker://${reg.host}/team/skopeo:${sigName}`);
  const v = await runSignet(['verify', `${reg.host}/team/skopeo:v3`, '--key', `${key}.pub`, '--json'], { env });
  assert.equal(jsonLines(v.stdout)[0].verdict, 'verified', v.stdout);
});

test('damaged layouts: an altered blob, a missing index.json, a manifest naming a missing blob; each a plain error, nothing pushed or signed', async () => {
  const cases: Array<[string, (lay: string, img: ReturnType<typeof writeImage>) => void, RegExp]> = [
    ['altered', (lay, img) => {
      const p = blobPath(lay, img.layerDigests[0]!);
      const b = readFileSync(p);
      b.writeUInt8(b.readUInt8(b.length - 1) ^ 0xff, b.length - 1);
      writeFileSync(p, b);
    }, /does not match its digest/],
    ['noindex', (lay) => rmSync(join(lay, 'index.json')), /index\.json does not exist/],
    ['noblob', (lay, img) => rmSync(blobPath(lay, img.layerDigests[1]!)), /is missing: .* does not exist/],
  ];
  for (const [label, damage, why] of cases) {
    const lay = join(dir, `bad-${label}`);
    const img = writeImage(lay, { layers: 2, layerBytes: 200_000 });
    nameImage(lay, 'v1', img);
    damage(lay, img);
    const p = await runSignet(['push', `oci:${lay}:v1`, `${reg.host}/bad/${label}:v1`, '--sign', `${key}.key`], { env });
    assert.equal(p.code, 2, `${label}: ${p.stdout}${p.stderr}`);
    assert.match(p.stderr, why, label);
    assert.ok(p.stderr.includes(lay), `${label}: the message names the file: ${p.stderr}`);
    assert.doesNotMatch(p.stderr, /at .*\.js:\d+/, 'no stack trace');
    assert.equal((await getManifest(reg, `bad/${label}`, 'v1')).status, 404, `${label}: no manifest pushed`);
    assert.equal((await getManifest(reg, `bad/${label}`, `sha256-${img.digest.slice(7)}.sig`)).status, 404, `${label}: nothing signed`);
    if (label !== 'noindex' && label !== 'altered') {
      const s = await runSignet(['sign', `oci:${lay}:v1`, '--key', `${key}.key`, '--identity', `${reg.host}/bad/${label}`], { env });
      assert.equal(s.code, 2, 'an incomplete layout image is not signed');
      assert.match(s.stderr, why);
    }
  }
});
