// Self-test of the integration-test harness (test/helpers): registries in all three auth modes,
// raw pushes, skopeo against them, the fixture signatures, and the fault proxy.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fixturesDir } from '../helpers/paths.js';
import { startRegistry, type AuthMode, type TestRegistry } from '../helpers/registry.js';
import { getManifest, pushFixtureSignature, pushRandomImage, rawRequest, sha256Digest } from '../helpers/push.js';
import { skopeoCopy, skopeoInspect } from '../helpers/skopeo.js';
import { startFaultProxy, startRecordingServer, type FaultProxy, type RecordingServer } from '../helpers/fault-proxy.js';

const FIXTURE_DIGEST = 'sha256:5c9b4c05446d5c71fbf295a3212856ae5aa59d6660e53934bb80897097a853d3';

const registries: Partial<Record<AuthMode, TestRegistry>> = {};
const reg = (mode: AuthMode): TestRegistry => {
  const r = registries[mode];
  if (!r) throw new Error(`registry ${mode} not started`);
  return r;
};

before(async () => {
  const [none, htpasswd, token] = await Promise.all([
    startRegistry({ auth: 'none' }), startRegistry({ auth: 'htpasswd' }), startRegistry({ auth: 'token' }),
  ]);
  Object.assign(registries, { none, htpasswd, token });
});
after(async () => {
  await Promise.all(Object.values(registries).map((r) => r.stop()));
});

describe('registry', () => {
  for (const mode of ['none', 'htpasswd', 'token'] as const) {
    test(`${mode}: starts on 127.0.0.1, challenges correctly, accepts a raw push`, async () => {
      const r = reg(mode);
      assert.match(r.host, /^127\.0\.0\.1:\d+$/);
      assert.equal(r.url, `http://${r.host}`);
      const anon = await fetch(`${r.url}/v2/`);
      await anon.arrayBuffer();
      if (mode === 'none') {
        assert.equal(anon.status, 200);
      } else {
        assert.equal(anon.status, 401);
        const challenge = anon.headers.get('www-authenticate') ?? '';
        if (mode === 'htpasswd') assert.match(challenge, /^Basic realm="test-realm"/);
        else assert.match(challenge, new RegExp(`^Bearer realm="${r.tokenUrl}",service="${r.tokenService}"`));
      }
      assert.equal((await rawRequest(r, 'GET', '/v2/')).status, 200);

      const { digest, manifest } = await pushRandomImage(r, 'harness/random', 'v1');
      assert.equal(digest, sha256Digest(manifest));
      const got = await getManifest(r, 'harness/random', 'v1');
      assert.equal(got.status, 200);
      assert.equal(got.digest, digest);
      assert.deepEqual(got.body, manifest);
      // Every push is unique.
      const second = await pushRandomImage(r, 'harness/random', 'v2', { layerBytes: 10_000 });
      assert.notEqual(second.digest, digest);
      const tags = await rawRequest(r, 'GET', '/v2/harness/random/tags/list');
      assert.deepEqual(JSON.parse(tags.body.toString()).tags.sort(), ['v1', 'v2']);
    });
  }

  test('wrong credentials are refused', async () => {
    const bad = { ...reg('htpasswd'), password: 'wrong' };
    assert.equal((await rawRequest(bad, 'GET', '/v2/')).status, 401);
    const badTok = { ...reg('token'), password: 'wrong' };
    await assert.rejects(rawRequest(badTok, 'GET', '/v2/harness/x/tags/list'), /token request .* -> 401/);
  });

  test('a second registry on a fixed port refuses cleanly; a parallel one on port 0 gets its own port', async () => {
    const a = await startRegistry();
    try {
      assert.notEqual(a.port, reg('none').port);
      await assert.rejects(startRegistry({ port: a.port, portWaitMs: 0 }), /address already in use/);
    } finally {
      await a.stop();
    }
  });
});

describe('skopeo', () => {
  test('copies fixtures/image-oci into the token registry with creds and inspects it', async () => {
    const index = JSON.parse(await readFile(join(fixturesDir, 'image-oci', 'index.json'), 'utf8'));
    assert.equal(index.manifests[0].annotations['org.opencontainers.image.ref.name'], 'v1');
    const r = reg('token');
    const creds = `${r.username}:${r.password}`;
    await skopeoCopy(`oci:${join(fixturesDir, 'image-oci')}:v1`, `docker://${r.host}/harness/skopeo:v1`, { destCreds: creds });
    const info = await skopeoInspect(`docker://${r.host}/harness/skopeo:v1`, { creds });
    assert.equal(info.Digest, FIXTURE_DIGEST);
    const raw = await skopeoInspect(`docker://${r.host}/harness/skopeo:v1`, { creds, raw: true });
    assert.equal(raw.mediaType, 'application/vnd.oci.image.manifest.v1+json');
    await assert.rejects(skopeoInspect(`docker://${r.host}/harness/skopeo:v1`, { creds: 'alice:wrong' }), /skopeo inspect .* failed/);
  });
});

describe('fixture signatures', () => {
  for (const fixture of ['skopeo-ed25519', 'skopeo-ecdsa-p256', 'handmade-ed25519'] as const) {
    test(`${fixture} is pushed as stored`, async () => {
      const r = reg(fixture === 'skopeo-ecdsa-p256' ? 'htpasswd' : 'token');
      const { imageDigest, sigTag } = await pushFixtureSignature(r, `harness/${fixture}`, fixture);
      assert.equal(imageDigest, FIXTURE_DIGEST);
      assert.equal(sigTag, `sha256-${FIXTURE_DIGEST.slice(7)}.sig`);
      const sig = await getManifest(r, `harness/${fixture}`, sigTag);
      assert.equal(sig.status, 200);
      assert.deepEqual(sig.body, await readFile(join(fixturesDir, fixture, 'sig-manifest.json')));
      const layer = JSON.parse(sig.body.toString()).layers[0];
      const blob = await rawRequest(r, 'GET', `/v2/harness/${fixture}/blobs/${layer.digest}`);
      assert.deepEqual(blob.body, await readFile(join(fixturesDir, fixture, 'sig-payload.json')));
      assert.equal((await getManifest(r, `harness/${fixture}`, 'v1')).digest, FIXTURE_DIGEST);
    });
  }
});

describe('fault proxy', () => {
  let proxy: FaultProxy;
  let other: RecordingServer;
  before(async () => {
    proxy = await startFaultProxy(reg('token').url);
    other = await startRecordingServer('127.0.0.2');
  });
  after(async () => {
    await Promise.all([proxy?.stop(), other?.stop()]);
  });
  const viaProxy = (): TestRegistry => ({ ...reg('token'), url: proxy.url, host: proxy.host, port: proxy.port });

  test('passes through, keeping uploads and token requests on the proxy', async () => {
    proxy.requests.length = 0;
    proxy.setHandler(() => ({ kind: 'pass' }));
    const { digest } = await pushRandomImage(viaProxy(), 'harness/proxied', 'v1');
    const got = await getManifest(reg('token'), 'harness/proxied', 'v1');
    assert.equal(got.digest, digest);
    const paths = proxy.requests.map((r) => `${r.method} ${r.path.split('?')[0]}`);
    assert.ok(paths.some((p) => p.startsWith('GET /token')), `token request via proxy: ${paths.join(', ')}`);
    assert.ok(paths.some((p) => p.startsWith('PUT /v2/harness/proxied/blobs/uploads/')), 'upload PUT via proxy');
    assert.ok(paths.includes('PUT /v2/harness/proxied/manifests/v1'));
    // The registry's challenge as seen through the proxy names the proxy.
    const anon = await fetch(`${proxy.url}/v2/`);
    assert.match(anon.headers.get('www-authenticate') ?? '', new RegExp(`realm="${proxy.url}/token"`));
  });

  test('injects a status, a reset, a truncation, a replaced body, a stall', async () => {
    const r = viaProxy();
    const { manifest } = await pushRandomImage(r, 'harness/faults', 'v1', { layerBytes: 200_000 });
    const layerDigest: string = JSON.parse(manifest.toString()).layers[0].digest;
    const blobPath = `/v2/harness/faults/blobs/${layerDigest}`;

    proxy.setHandler((req) => (req.path === blobPath ? { kind: 'status', status: 500, body: 'boom' } : { kind: 'pass' }));
    const s = await rawRequest(r, 'GET', blobPath);
    assert.equal(s.status, 500);
    assert.equal(s.body.toString(), 'boom');

    proxy.setHandler((req) => (req.path === blobPath ? { kind: 'reset' } : { kind: 'pass' }));
    await assert.rejects(rawRequest(r, 'GET', blobPath), (e: Error) => e instanceof TypeError);

    proxy.setHandler((req) => (req.path === blobPath ? { kind: 'truncate', bytes: 1000 } : { kind: 'pass' }));
    await assert.rejects(rawRequest(r, 'GET', blobPath));

    proxy.setHandler((req) => (req.path === blobPath ? { kind: 'replaceBody', body: 'tampered' } : { kind: 'pass' }));
    const t = await rawRequest(r, 'GET', blobPath);
    assert.equal(t.status, 200);
    assert.equal(t.body.toString(), 'tampered');
    assert.equal(t.headers.get('docker-content-digest'), layerDigest);

    proxy.setHandler((req) => (req.path === blobPath ? { kind: 'stall', ms: 300 } : { kind: 'pass' }));
    const t0 = Date.now();
    const ok = await rawRequest(r, 'GET', blobPath);
    assert.ok(Date.now() - t0 >= 290);
    assert.equal(sha256Digest(ok.body), layerDigest);

    proxy.setHandler((_req, n) => (n >= 0 ? { kind: 'stall', ms: Infinity } : { kind: 'pass' }));
    await assert.rejects(fetch(`${proxy.url}/v2/`, { signal: AbortSignal.timeout(200) }), /timeout|abort/i);
    proxy.setHandler(() => ({ kind: 'pass' }));
  });

  test('redirects to a recording server on 127.0.0.2, which records the request', async () => {
    other.requests.length = 0;
    proxy.setHandler((req) => (req.path.startsWith('/v2/harness/redirected/')
      ? { kind: 'redirect', location: `${other.url}/elsewhere${req.path}` } : { kind: 'pass' }));
    const res = await rawRequest(reg('htpasswd'), 'GET', `/v2/harness/redirected/blobs/${FIXTURE_DIGEST}`);
    // rawRequest went to the htpasswd registry directly (404); now through the proxy with a header:
    assert.equal(res.status, 404);
    const viaRedirect = await fetch(`${proxy.url}/v2/harness/redirected/blobs/${FIXTURE_DIGEST}`, {
      headers: { Authorization: 'Bearer secret-token', 'X-Probe': 'yes' },
    });
    assert.equal(viaRedirect.status, 200);
    assert.equal(await viaRedirect.text(), 'ok');
    assert.equal(other.requests.length, 1);
    const rec = other.requests[0]!;
    assert.equal(rec.path, `/elsewhere/v2/harness/redirected/blobs/${FIXTURE_DIGEST}`);
    assert.equal(rec.headers['x-probe'], 'yes');
    assert.equal(rec.headers.host, other.host);
    // (Node's fetch drops Authorization on a cross-origin redirect; Signet's own client is what tests must check.)
    assert.equal(rec.headers.authorization, undefined);

    const second = await startFaultProxy(reg('none').url, { bindHost: '127.0.0.2' });
    try {
      assert.match(second.host, /^127\.0\.0\.2:\d+$/);
      const { digest } = await pushRandomImage({ ...reg('none'), url: second.url }, 'harness/second-host', 'v1');
      assert.equal((await getManifest(reg('none'), 'harness/second-host', 'v1')).digest, digest);
      assert.ok(second.requests.some((q) => q.method === 'PUT' && q.path.startsWith('/v2/harness/second-host/blobs/uploads/')));
      assert.ok(second.requests.every((q) => q.headers.host === second.host));
    } finally {
      await second.stop();
    }
  });
});
