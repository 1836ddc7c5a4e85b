// The engine source against a real Podman API service (podman system service), set up exactly as
// ../shared/env-notes.md §4 does: vfs storage in a temp dir via CONTAINERS_STORAGE_CONF, the
// Docker-compatible API on a unix socket. Skipped, saying why, where podman cannot run.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { skopeoCopy, skopeoInspect } from '../helpers/skopeo.js';
import { makeTempDir } from '../helpers/tmp.js';
import { registerChild, stopChild } from '../helpers/cleanup.js';
import { jsonLines, runSignet } from '../helpers/cli.js';
import { nameImage, writeImage } from '../helpers/layout.js';
import { Engine } from '../../electron/engine/engine.js';
import { dispatch, type HostContext } from '../../electron/host/api-handlers.js';
import { MemoryBackend } from '../helpers/memory-keychain.js';
import { getManifest } from '../helpers/push.js';

const execFileP = promisify(execFile);

function call(sock: string, method: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: sock, method, path }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function podmanUsable(): Promise<string | undefined> {
  try {
    await execFileP('podman', ['--version']);
  } catch {
    return 'podman is not installed (apt-get install podman)';
  }
  if (process.getuid?.() !== 0) return 'this test runs podman as root with vfs storage (env-notes §4); not root here';
  return undefined;
}

const why = await podmanUsable();
const CREATED = '2025-02-03T04:05:06Z';

describe('docker-daemon: a real Podman engine over its Docker-compatible API', { skip: why ?? false }, () => {
  let reg: TestRegistry;
  let dir: string;
  let sock: string;
  let service: ChildProcess;
  let env: NodeJS.ProcessEnv;
  let podmanEnv: NodeJS.ProcessEnv;
  let key: string;

  before(async () => {
    reg = await startRegistry();
    dir = await makeTempDir('signet-podman-');
    writeFileSync(join(dir, 'storage.conf'), `[storage]\ndriver = "vfs"\ngraphroot = "${dir}/root"\nrunroot = "${dir}/run"\n`);
    podmanEnv = { ...process.env, CONTAINERS_STORAGE_CONF: join(dir, 'storage.conf') };
    const lay = join(dir, 'lay');
    nameImage(lay, 'v1', writeImage(lay, { layers: 2, layerBytes: 100_000, created: CREATED }));
    await skopeoCopy(`oci:${lay}:v1`, `docker-archive:${join(dir, 'tiny.tar')}:localhost/demo/tiny:v1`);
    await execFileP('podman', ['load', '-i', join(dir, 'tiny.tar')], { env: podmanEnv });
    sock = join(dir, 'podman.sock');
    service = spawn('podman', ['system', 'service', '--time=0', `unix://${sock}`], { env: podmanEnv, stdio: 'ignore' });
    registerChild(service);
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        if ((await call(sock, 'GET', '/_ping')).status === 200) break;
      } catch { /* not up yet */ }
      if (Date.now() > deadline) throw new Error('podman system service did not answer /_ping within 15 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    key = join(dir, 'k');
    env = { COSIGN_PASSWORD: 'pw', SIGNET_HOME: join(dir, 'home'), DOCKER_HOST: `unix://${sock}` };
    assert.equal((await runSignet(['keys', 'generate-file', key], { env })).code, 0);
  });
  after(async () => {
    if (service) await stopChild(service, 5000);
    await reg?.stop();
  });

  test('a locally loaded image is listed, cannot be signed in place, and is pushed (exported, streamed) and signed', async () => {
    const listed = await runSignet(['images', 'docker-daemon:', '--json'], { env });
    const rows = jsonLines(listed.stdout);
    assert.ok(rows.some((r) => r.image === 'docker-daemon:localhost/demo/tiny:v1'), listed.stdout + listed.stderr);

    const p = await runSignet(['push', 'docker-daemon:localhost/demo/tiny:v1', `${reg.host}/demo/tiny:v1`, '--sign', `${key}.key`, '--json'], { env });
    assert.equal(p.code, 0, p.stderr);
    const r = JSON.parse(p.stdout);
    assert.equal(r.signature.signatures[0].readBack.verdict, 'verified');
    assert.equal((await skopeoInspect(`docker://${reg.host}/demo/tiny:v1`)).Digest, r.digest);
    const v = await runSignet(['verify', `${reg.host}/demo/tiny:v1`, '--key', `${key}.pub`, '--json'], { env });
    assert.equal(jsonLines(v.stdout)[0].verdict, 'verified');
  });

  test('listed with facts, an engine image shows the platform and creation time podman records for it', async () => {
    const [inspected] = JSON.parse((await execFileP('podman', ['image', 'inspect', 'localhost/demo/tiny:v1'], { env: podmanEnv })).stdout);
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = `unix://${sock}`;
    const engine = new Engine();
    try {
      const rows = await engine.images('docker-daemon:', { keys: [] }, {}, { facts: true });
      const row = rows.find((r) => r.image === 'docker-daemon:localhost/demo/tiny:v1');
      assert.ok(row, JSON.stringify(rows));
      assert.deepEqual(row.platforms, [`${inspected.Os}/${inspected.Architecture}`]);
      assert.deepEqual(row.platforms, ['linux/amd64'], 'as the config says');
      assert.equal(Date.parse(row.created ?? ''), Date.parse(CREATED), `created ${row.created}`);
      assert.equal(row.factsError, undefined);
    } finally {
      await engine.close();
      if (saved === undefined) delete process.env.DOCKER_HOST; else process.env.DOCKER_HOST = saved;
    }
  });

  test('an image pulled from a registry is signed and verified at its RepoDigest', async () => {
    const pulled = await call(sock, 'POST', `/v4.0.0/libpod/images/pull?reference=${encodeURIComponent(`${reg.host}/demo/tiny:v1`)}&tlsVerify=false`);
    assert.equal(pulled.status, 200, pulled.body);
    const name = `docker-daemon:${reg.host}/demo/tiny:v1`;
    const s = await runSignet(['sign', name, '--key', `${key}.key`, '--json'], { env });
    assert.equal(s.code, 0, s.stderr);
    const signed = JSON.parse(s.stdout);
    assert.equal(signed.identity, `${reg.host}/demo/tiny:v1`);
    assert.equal(signed.digest, (await skopeoInspect(`docker://${reg.host}/demo/tiny:v1`)).Digest);
    const v = await runSignet(['verify', name, '--key', `${key}.pub`, '--json'], { env });
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.equal(jsonLines(v.stdout)[0].image, name);
    const listed = jsonLines((await runSignet(['images', 'docker-daemon:', '--key', `${key}.pub`, '--json'], { env })).stdout);
    assert.equal(listed.find((x) => x.image === name)?.verdict, 'verified');
    const missing = await runSignet(['push', 'docker-daemon:localhost/nope:v9', `${reg.host}/demo/nope:v9`], { env });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /has no image "localhost\/nope:v9"/);
  });

  test('push-and-sign from the desktop holds to the image ID reviewed: retagged since, nothing is pushed; as reviewed, signed', async () => {
    // A second image, tagged with the name the first one had at review time.
    const lay = join(dir, 'lay2');
    nameImage(lay, 'v2', writeImage(lay, { layers: 1, layerBytes: 5000 }));
    await skopeoCopy(`oci:${lay}:v2`, `docker-archive:${join(dir, 'other.tar')}:localhost/demo/other:v1`);
    await execFileP('podman', ['load', '-i', join(dir, 'other.tar')], { env: podmanEnv });
    await execFileP('podman', ['tag', 'localhost/demo/tiny:v1', 'localhost/demo/moving:v1'], { env: podmanEnv });
    const idOf = async (name: string) => `sha256:${(await execFileP('podman', ['image', 'inspect', '--format', '{{.Id}}', name], { env: podmanEnv })).stdout.trim()}`;

    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = `unix://${sock}`;
    const ctx: HostContext = { dataDir: join(dir, 'desktop'), progress: () => undefined, keyBackend: new MemoryBackend(), registryBackend: new MemoryBackend() };
    const call = async (name: string, args: unknown): Promise<any> => dispatch(name, args, ctx);
    try {
      assert.equal((await call('keys.generate', { name: 'Release', algorithm: 'ed25519' })).ok, true);
      const image = 'docker-daemon:localhost/demo/moving:v1';
      const plan = await call('sign.plan', { image });
      assert.equal(plan.ok, true, JSON.stringify(plan));
      assert.equal(plan.result.needsPush, true);
      assert.equal(plan.result.digest, '', 'an engine image\'s manifest digest is not known before its export');
      assert.equal(plan.result.imageId, await idOf('localhost/demo/tiny:v1'), 'the review names the image by the ID podman gives it');

      await execFileP('podman', ['tag', 'localhost/demo/other:v1', 'localhost/demo/moving:v1'], { env: podmanEnv });
      const dest = `${reg.host}/demo/moving:v1`;
      const refused = await call('sign.run', { image, key: 'Release', annotations: {}, recursive: true, pushTo: dest, expectedImageId: plan.result.imageId });
      assert.equal(refused.ok, false, JSON.stringify(refused));
      assert.equal(refused.error.code, 'IMAGE_CHANGED');
      assert.match(refused.error.message, new RegExp(`not the image ${plan.result.imageId} that was reviewed.*Nothing was pushed or signed`));
      assert.equal((await getManifest(reg, 'demo/moving', 'v1')).status, 404, 'nothing was pushed');

      const again = await call('sign.plan', { image });
      assert.equal(again.ok, true, JSON.stringify(again));
      assert.equal(again.result.imageId, await idOf('localhost/demo/other:v1'));
      const signed = await call('sign.run', { image, key: 'Release', annotations: {}, recursive: true, pushTo: dest, expectedImageId: again.result.imageId });
      assert.equal(signed.ok, true, JSON.stringify(signed));
      assert.equal(signed.result.signatures[0].readBack.verdict, 'verified');
      const served = await getManifest(reg, 'demo/moving', 'v1');
      assert.equal(JSON.parse(served.body.toString()).config.digest, again.result.imageId, 'the pushed image carries the reviewed ID as its config');
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST; else process.env.DOCKER_HOST = saved;
    }
  });
});
