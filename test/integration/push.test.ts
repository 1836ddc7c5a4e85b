// signet push against a real registry: every platform of an index, progress on stderr, skipped
// blobs, an interrupted push that a second run finishes without re-sending what is there, and
// the monolithic upload a registry that refuses PATCH gets.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { getManifest } from '../helpers/push.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { skopeoCopy, skopeoInspect } from '../helpers/skopeo.js';
import { makeTempDir } from '../helpers/tmp.js';
import { jsonLines, runSignet } from '../helpers/cli.js';
import { nameImage, writeImage, writeIndexImage } from '../helpers/layout.js';

let reg: TestRegistry;
let proxy: FaultProxy;
let dir: string;
let env: NodeJS.ProcessEnv;
let key: string;

before(async () => {
  reg = await startRegistry();
  proxy = await startFaultProxy(reg.url);
  dir = await makeTempDir();
  env = { COSIGN_PASSWORD: 'pw', SIGNET_HOME: join(dir, 'home') };
  key = join(dir, 'k');
  assert.equal((await runSignet(['keys', 'generate-file', key], { env })).code, 0);
});
after(async () => {
  await proxy?.stop();
  await reg?.stop();
});

test('an index is pushed with every platform, signed recursively, and skopeo copies all of it', async () => {
  const lay = join(dir, 'idx');
  const idx = writeIndexImage(lay);
  nameImage(lay, 'multi', idx);
  const p = await runSignet(['push', `oci:${lay}:multi`, `${reg.host}/team/multi:v1`, '--sign', `${key}.key`, '--json'], { env });
  assert.equal(p.code, 0, p.stderr);
  const r = JSON.parse(p.stdout);
  assert.equal(r.digest, idx.digest);
  assert.equal(r.manifests, 3);
  assert.deepEqual(r.signature.signatures.map((s: any) => s.digest).sort(), [idx.digest, ...idx.children.map((c) => c.digest)].sort());
  for (const c of idx.children) {
    const v = await runSignet(['verify', `${reg.host}/team/multi@${c.digest}`, '--key', `${key}.pub`, '--json'], { env });
    assert.equal(jsonLines(v.stdout)[0].verdict, 'verified', 'each platform manifest is signed');
  }
  await skopeoCopy(`docker://${reg.host}/team/multi:v1`, `oci:${join(dir, 'idx-copy')}:v1`, { extraArgs: ['--all'] });
  // Registry to registry works too, and the destination is signed for its own name.
  const rr = await runSignet(['push', `${reg.host}/team/multi:v1`, `${reg.host}/team/multi2:v1`, '--sign', `${key}.key`, '--json'], { env });
  assert.equal(rr.code, 0, rr.stderr);
  assert.equal(JSON.parse(rr.stdout).signature.identity, `${reg.host}/team/multi2:v1`);
});

test('an interrupted push is finished by a second run without re-sending blobs that arrived; progress is on stderr', async () => {
  const lay = join(dir, 'big');
  const img = writeImage(lay, { layerBytes: [3 << 20, 2 << 20, 1 << 20, 4 << 20] });
  nameImage(lay, 'v1', img);
  // Reset the connection of one layer's upload (known by its length) on every attempt: the first run fails.
  const victimSize = String(img.layerSizes[2]);
  let armed = true;
  proxy.setHandler((req) => (armed && req.method === 'PATCH' && req.headers['content-length'] === victimSize ? { kind: 'reset' } : { kind: 'pass' }));
  const first = await runSignet(['push', `oci:${lay}:v1`, `${proxy.host}/team/big:v1`, '--json'], { env });
  assert.notEqual(first.code, 0, 'the first push fails');
  assert.match(first.stderr, /Could not reach|closed unexpectedly/);
  assert.equal((await getManifest(reg, 'team/big', 'v1')).status, 404);
  armed = false;
  const second = await runSignet(['push', `oci:${lay}:v1`, `${proxy.host}/team/big:v1`, '--json'], { env });
  assert.equal(second.code, 0, second.stderr);
  const r = JSON.parse(second.stdout);
  assert.equal(r.blobs.uploaded, 1, 'only the blob that did not arrive is sent again');
  assert.equal(r.blobs.skipped, 4);
  assert.equal((await skopeoInspect(`docker://${reg.host}/team/big:v1`)).Digest, img.digest);
  proxy.setHandler(() => ({ kind: 'pass' }));
});

test('a registry that refuses PATCH gets a monolithic streamed PUT', async () => {
  const lay = join(dir, 'mono');
  const img = writeImage(lay, { layers: 2, layerBytes: 1 << 20 });
  nameImage(lay, 'v1', img);
  const seen: string[] = [];
  proxy.setHandler((req) => {
    seen.push(req.method);
    return req.method === 'PATCH' ? { kind: 'status', status: 405, body: '{"errors":[{"code":"UNSUPPORTED","message":"chunked uploads are not supported"}]}' } : { kind: 'pass' };
  });
  const p = await runSignet(['push', `oci:${lay}:v1`, `${proxy.host}/team/mono:v1`, '--sign', `${key}.key`, '--json'], { env });
  proxy.setHandler(() => ({ kind: 'pass' }));
  assert.equal(p.code, 0, p.stderr);
  assert.equal(JSON.parse(p.stdout).blobs.uploaded, 3);
  assert.ok(seen.filter((m) => m === 'PATCH').length <= 3, 'PATCH is tried by the first uploads only (3 at once), then not again');
  assert.equal((await skopeoInspect(`docker://${reg.host}/team/mono:v1`)).Digest, img.digest);
});

test('progress (bytes and layers) goes to stderr, the JSON result to stdout', async () => {
  const lay = join(dir, 'prog');
  nameImage(lay, 'v1', writeImage(lay, { layers: 2, layerBytes: 1 << 20 }));
  // Slow the uploads down so the progress line (shown after 1 s) appears.
  proxy.setHandler((req) => (req.method === 'PATCH' ? { kind: 'stall', ms: 1500 } : { kind: 'pass' }));
  const p = await runSignet(['push', `oci:${lay}:v1`, `${proxy.host}/team/prog:v1`, '--json'], { env });
  proxy.setHandler(() => ({ kind: 'pass' }));
  assert.equal(p.code, 0, p.stderr);
  assert.match(p.stderr, /uploading: [\d.]+ MiB of [\d.]+ MiB, \d of 3 blobs|writing manifests/);
  assert.doesNotThrow(() => JSON.parse(p.stdout));
});
