// The registry client against a real registry (distribution 2.8, Debian docker-registry) in all
// three auth modes, and through a fault-injecting proxy.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { RegistryClient, type RepoRef } from '../../electron/engine/registry/client.js';
import type { Credential } from '../../electron/engine/registry/credentials.js';
import { parseReference, type Reference } from '../../electron/engine/content/reference.js';
import { sha256Digest, type Digest } from '../../electron/engine/content/digest.js';
import { MediaType } from '../../electron/engine/content/media-types.js';
import { SignetError } from '../../electron/engine/errors.js';
import { startRegistry, type AuthMode, type TestRegistry } from '../helpers/registry.js';
import { pushRandomImage } from '../helpers/push.js';
import { startFaultProxy, startRecordingServer, type FaultProxy } from '../helpers/fault-proxy.js';

const isErr = (code: string, re?: RegExp) => (e: unknown) => {
  assert.ok(e instanceof SignetError, `expected SignetError ${code}, got ${String(e)}`);
  assert.equal(e.code, code, e.message);
  if (re !== undefined) assert.match(e.message, re);
  return true;
};

async function readAll(s: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

/** A small OCI image (config + one layer) built in memory. */
function makeImage(): { config: Buffer; layer: Buffer; manifest: Buffer; digest: Digest } {
  const layer = randomBytes(200_000);
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256Digest(layer)] } }));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    config: { mediaType: MediaType.OciConfig, digest: sha256Digest(config), size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256Digest(layer), size: layer.length }],
  }));
  return { config, layer, manifest, digest: sha256Digest(manifest) };
}

const credsFor = (reg: TestRegistry, password = reg.password): Credential | null =>
  reg.auth === 'none' ? null : { username: reg.username, password, source: 'integration test' };

for (const mode of ['none', 'htpasswd', 'token'] as AuthMode[]) {
  describe(`registry client, auth=${mode}`, () => {
    let reg: TestRegistry;
    let client: RegistryClient;
    const debug: string[] = [];
    before(async () => {
      reg = await startRegistry({ auth: mode });
      client = new RegistryClient({ credentials: async () => credsFor(reg), debug: (l) => debug.push(l), retryBaseMs: 5 });
    });
    after(async () => {
      await client.close();
      await reg?.stop();
    });

    test('push blobs and a manifest, read them back every way', async () => {
      const repo: RepoRef = { registry: reg.host, repository: 'signet/roundtrip' };
      const img = makeImage();
      assert.equal(await client.hasBlob(repo, sha256Digest(img.layer)), false);
      await client.uploadBlob(repo, sha256Digest(img.config), img.config);
      await client.uploadBlob(repo, sha256Digest(img.layer), img.layer);
      await client.uploadBlob(repo, sha256Digest(img.layer), img.layer); // exists: skipped
      assert.equal(await client.hasBlob(repo, sha256Digest(img.layer)), true);
      const tagRef = parseReference(`${reg.host}/signet/roundtrip:v1`);
      assert.equal(await client.putManifest(tagRef, img.manifest, MediaType.OciManifest), img.digest);

      const byTag = await client.getManifest(tagRef);
      assert.deepEqual({ digest: byTag.digest, mediaType: byTag.mediaType }, { digest: img.digest, mediaType: MediaType.OciManifest });
      assert.deepEqual(Buffer.from(byTag.bytes), img.manifest);
      const byDigest = await client.getManifest(parseReference(`${reg.host}/signet/roundtrip@${img.digest}`));
      assert.equal(byDigest.digest, img.digest);
      assert.deepEqual(await client.headManifest(tagRef), { digest: img.digest, mediaType: MediaType.OciManifest, size: img.manifest.length });

      assert.deepEqual(Buffer.from(await client.getBlob(repo, sha256Digest(img.config))), img.config);
      assert.deepEqual(await readAll(await client.blobStream(repo, sha256Digest(img.layer), img.layer.length)), img.layer);

      // Push by digest only, then tag it again.
      const img2 = makeImage();
      await client.uploadBlob(repo, sha256Digest(img2.config), img2.config);
      await client.uploadBlob(repo, sha256Digest(img2.layer), img2.layer);
      assert.equal(await client.putManifest(parseReference(`${reg.host}/signet/roundtrip@${img2.digest}`), img2.manifest, MediaType.OciManifest), img2.digest);
      await client.putManifest(parseReference(`${reg.host}/signet/roundtrip:v2`), img2.manifest, MediaType.OciManifest);
      assert.deepEqual((await client.listTags(repo)).tags.sort(), ['v1', 'v2']);
    });

    test('missing things: null, MANIFEST_UNKNOWN, BLOB_UNKNOWN, empty tag list', async () => {
      const missing = parseReference(`${reg.host}/signet/roundtrip:nope`);
      assert.equal(await client.getManifestIfExists(missing), null);
      assert.equal(await client.headManifest(missing), null);
      await assert.rejects(client.getManifest(missing), isErr('MANIFEST_UNKNOWN'));
      const repo: RepoRef = { registry: reg.host, repository: 'signet/roundtrip' };
      await assert.rejects(client.getBlob(repo, sha256Digest('no such blob')), isErr('BLOB_UNKNOWN'));
      assert.deepEqual(await client.listTags({ registry: reg.host, repository: 'signet/never-pushed' }), { tags: [], invalid: 0 });
    });

    test('many concurrent reads', async () => {
      const { digest } = await pushRandomImage(reg, 'signet/concurrent', 'v1');
      const ref = parseReference(`${reg.host}/signet/concurrent:v1`);
      const results = await Promise.all(Array.from({ length: 200 }, () => client.getManifest(ref)));
      for (const r of results) assert.equal(r.digest, digest);
    });

    if (mode === 'token') {
      test('token reuse: one token per scope, shared by concurrent requests', async () => {
        const fresh = new RegistryClient({ credentials: async () => credsFor(reg), retryBaseMs: 5 });
        try {
          await pushRandomImage(reg, 'signet/tokens', 'v1');
          const before = (await reg.readTokenRequests()).length;
          const ref = parseReference(`${reg.host}/signet/tokens:v1`);
          await Promise.all(Array.from({ length: 50 }, () => fresh.getManifest(ref)));
          for (let i = 0; i < 20; i++) await fresh.headManifest(ref);
          await fresh.listTags(ref);
          let log = (await reg.readTokenRequests()).slice(before);
          assert.equal(log.length, 1, `token requests: ${JSON.stringify(log)}`);
          assert.match(decodeURIComponent(log[0]?.url ?? ''), /scope=repository:signet\/tokens:pull(&|$)/);
          const img = makeImage();
          const repo = { registry: reg.host, repository: 'signet/tokens' };
          await fresh.uploadBlob(repo, sha256Digest(img.config), img.config);
          await fresh.uploadBlob(repo, sha256Digest(img.layer), img.layer);
          await fresh.putManifest(parseReference(`${reg.host}/signet/tokens:v2`), img.manifest, MediaType.OciManifest);
          log = (await reg.readTokenRequests()).slice(before);
          assert.equal(log.length, 2, 'the first push fetched one pull,push token, reused for the rest');
          assert.match(decodeURIComponent(log[1]?.url ?? ''), /scope=repository:signet\/tokens:pull,push/);
        } finally {
          await fresh.close();
        }
      });
    }

    if (mode !== 'none') {
      test('a wrong password is AUTH_FAILED naming the source; no credentials says how to log in', async () => {
        const bad = new RegistryClient({ credentials: async () => credsFor(reg, 'wrong-password'), retryBaseMs: 5 });
        const none = new RegistryClient({ credentials: async () => null, retryBaseMs: 5 });
        try {
          const ref = parseReference(`${reg.host}/signet/roundtrip:v1`);
          await assert.rejects(bad.getManifest(ref), (e: unknown) => isErr('AUTH_FAILED', /check the username and password \(credentials from integration test\)/)(e) && !(e as Error).message.includes('wrong-password'));
          await assert.rejects(none.getManifest(ref), isErr('AUTH_FAILED', /no credentials were found.*docker login/));
        } finally {
          await bad.close();
          await none.close();
        }
      });

      test('debug output names the credential source but holds no secret', () => {
        const all = debug.join('\n');
        assert.match(all, /credentials for .* from integration test/);
        assert.ok(!all.includes(reg.password));
        assert.ok(!all.includes(Buffer.from(`${reg.username}:${reg.password}`).toString('base64')));
        assert.ok(!all.includes('eyJ'), 'no JWT');
      });
    }
  });
}

describe('registry client through a fault proxy', () => {
  let reg: TestRegistry;
  let proxy: FaultProxy;
  let client: RegistryClient;
  let image: { digest: string; manifest: Buffer };
  let ref: Reference;
  before(async () => {
    reg = await startRegistry({ auth: 'htpasswd' });
    image = await pushRandomImage(reg, 'signet/faults', 'v1', { layerBytes: 300_000 });
    proxy = await startFaultProxy(reg.url);
    client = new RegistryClient({ credentials: async () => credsFor(reg), retryBaseMs: 5 });
    ref = parseReference(`${proxy.host}/signet/faults:v1`);
  });
  after(async () => {
    await client?.close();
    await proxy?.stop();
    await reg?.stop();
  });

  const isManifestGet = (r: { method: string; path: string }) => r.method === 'GET' && r.path.includes('/manifests/');
  const layerOf = (m: Buffer) => (JSON.parse(m.toString()) as { layers: Array<{ digest: Digest; size: number }> }).layers[0] as { digest: Digest; size: number };

  test('500 twice, then success: retried', async () => {
    await client.headManifest(ref); // learn the auth scheme first, so the count below is only retries
    let fails = 0;
    proxy.requests.length = 0;
    proxy.setHandler((req) => {
      if (!isManifestGet(req) || fails >= 2) return { kind: 'pass' };
      fails++;
      return { kind: 'status', status: 500, body: '{"errors":[{"code":"UNKNOWN","message":"injected"}]}' };
    });
    const m = await client.getManifest(ref);
    assert.equal(m.digest, image.digest);
    assert.equal(fails, 2);
    assert.equal(proxy.requests.filter(isManifestGet).length, 3, 'two failures, then one success (credentials already known)');
  });

  test('500 forever: REGISTRY_ERROR after 5 attempts, in plain words', async () => {
    let count = 0;
    proxy.setHandler((req) => {
      if (!isManifestGet(req)) return { kind: 'pass' };
      count++;
      return { kind: 'status', status: 500, body: '{"errors":[{"code":"UNKNOWN","message":"injected"}]}' };
    });
    await assert.rejects(client.getManifest(ref), isErr('REGISTRY_ERROR', new RegExp(`^The registry ${proxy.host} answered 500 Internal Server Error for GET /v2/signet/faults/manifests/v1 \\(after 5 attempts\\): UNKNOWN: injected\\.$`)));
    assert.equal(count, 5);
  });

  test('connection reset, then success: retried', async () => {
    let resets = 0;
    proxy.setHandler((req) => (isManifestGet(req) && resets++ === 0 ? { kind: 'reset' } : { kind: 'pass' }));
    assert.equal((await client.getManifest(ref)).digest, image.digest);
  });

  test('manifest bytes that do not match the digest: DIGEST_MISMATCH naming both', async () => {
    const forged = Buffer.from(image.manifest.toString().replace('"schemaVersion":2', '"schemaVersion":2 '));
    proxy.setHandler((req) => (isManifestGet(req) ? { kind: 'replaceBody', body: forged } : { kind: 'pass' }));
    const forgedDigest = sha256Digest(forged);
    await assert.rejects(client.getManifest(parseReference(`${proxy.host}/signet/faults@${image.digest}`)), isErr('DIGEST_MISMATCH', new RegExp(`expected ${image.digest}, but the bytes received hash to ${forgedDigest}`)));
    // By tag, the registry's Docker-Content-Digest header is the reference.
    await assert.rejects(client.getManifest(ref), isErr('DIGEST_MISMATCH', new RegExp(`${image.digest}.*${forgedDigest}`)));
  });

  test('a blob redirected to another host (127.0.0.2): no Authorization arrives there', async () => {
    proxy.setHandler(() => ({ kind: 'pass' }));
    const layer = layerOf(image.manifest);
    const bytes = await client.getBlob({ registry: reg.host, repository: 'signet/faults' }, layer.digest, { maxSize: 1 << 20 });
    const storage = await startRecordingServer('127.0.0.2', { body: bytes });
    try {
      proxy.requests.length = 0;
      proxy.setHandler((req) => (req.path.includes('/blobs/') && req.method === 'GET' ? { kind: 'redirect', location: `${storage.url}/bucket/blob?sig=secret` } : { kind: 'pass' }));
      const got = await client.getBlob({ registry: proxy.host, repository: 'signet/faults' }, layer.digest, { maxSize: 1 << 20 });
      assert.deepEqual(Buffer.from(got), Buffer.from(bytes));
      assert.equal(storage.requests.length, 1);
      assert.equal(storage.requests[0]?.headers.authorization, undefined, 'the other host got no Authorization');
      assert.ok(proxy.requests.some((r) => r.path.includes('/blobs/') && typeof r.headers.authorization === 'string'), 'the registry did get it');
      const streamed = await readAll(await client.blobStream({ registry: proxy.host, repository: 'signet/faults' }, layer.digest, layer.size));
      assert.deepEqual(streamed, Buffer.from(bytes));
      assert.equal(storage.requests[1]?.headers.authorization, undefined);
    } finally {
      await storage.stop();
    }
  });

  test('a truncated blob is an error, never a wrong success', async () => {
    const layer = layerOf(image.manifest);
    const repo = { registry: proxy.host, repository: 'signet/faults' };
    proxy.setHandler((req) => (req.path.includes('/blobs/') && req.method === 'GET' ? { kind: 'truncate', bytes: 1000 } : { kind: 'pass' }));
    await assert.rejects(client.getBlob(repo, layer.digest, { maxSize: 1 << 20 }), (e: unknown) => e instanceof SignetError && ['NETWORK', 'DIGEST_MISMATCH', 'SIZE_MISMATCH'].includes(e.code));
    await assert.rejects(readAll(await client.blobStream(repo, layer.digest, layer.size)), (e: unknown) => e instanceof SignetError && ['NETWORK', 'DIGEST_MISMATCH', 'SIZE_MISMATCH'].includes(e.code));
    // A body replaced wholesale (Content-Length adjusted) is caught by the digest.
    proxy.setHandler((req) => (req.path.includes('/blobs/') && req.method === 'GET' ? { kind: 'replaceBody', body: 'short' } : { kind: 'pass' }));
    await assert.rejects(client.getBlob(repo, layer.digest, { maxSize: 1 << 20 }), isErr('DIGEST_MISMATCH'));
    await assert.rejects(readAll(await client.blobStream(repo, layer.digest)), isErr('DIGEST_MISMATCH'));
  });

  test('uploads through the proxy (Location names the proxy) survive a failed PUT', async () => {
    let putFails = 0;
    proxy.setHandler((req) => (req.method === 'PUT' && req.path.includes('/blobs/uploads/') && putFails++ === 0 ? { kind: 'status', status: 503 } : { kind: 'pass' }));
    const img = makeImage();
    const repo = { registry: proxy.host, repository: 'signet/faults-upload' };
    await client.uploadBlob(repo, sha256Digest(img.layer), img.layer);
    assert.equal(await client.hasBlob({ registry: reg.host, repository: 'signet/faults-upload' }, sha256Digest(img.layer)), true);
  });
});

describe('token auth through the proxy', () => {
  test('token requests are counted at the proxy: one per scope', async () => {
    const reg = await startRegistry({ auth: 'token' });
    const proxy = await startFaultProxy(reg.url);
    const client = new RegistryClient({ credentials: async () => credsFor(reg), retryBaseMs: 5 });
    try {
      await pushRandomImage(reg, 'signet/tp', 'v1');
      const ref = parseReference(`${proxy.host}/signet/tp:v1`);
      let tokenFails = 0;
      // The token server fails once: the token fetch is retried too.
      proxy.setHandler((req) => (req.path.startsWith('/token') && tokenFails++ === 0 ? { kind: 'status', status: 503 } : { kind: 'pass' }));
      await Promise.all(Array.from({ length: 30 }, () => client.getManifest(ref)));
      const tokenReqs = proxy.requests.filter((r) => r.path.startsWith('/token'));
      assert.equal(tokenReqs.length, 2, 'one failed + one successful token request');
      for (const r of proxy.requests.filter((x) => x.path.startsWith('/v2/'))) {
        const a = r.headers.authorization;
        assert.ok(a === undefined || String(a).startsWith('Bearer '), 'the registry never sees the password');
      }
    } finally {
      await client.close();
      await proxy.stop();
      await reg.stop();
    }
  });
});
