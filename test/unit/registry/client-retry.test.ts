import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { RegistryClient } from '../../../electron/engine/registry/client.js';
import { parseReference } from '../../../electron/engine/content/reference.js';
import { sha256Digest } from '../../../electron/engine/content/digest.js';
import { SignetError } from '../../../electron/engine/errors.js';
import { registryError, send, startFake, type FakeServer } from './fake-http.js';

const MANIFEST = Buffer.from('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{},"layers":[]}');
const ok = (res: import('node:http').ServerResponse) =>
  send(res, 200, MANIFEST, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': sha256Digest(MANIFEST) });

let fake: FakeServer;
let client: RegistryClient;
before(async () => {
  fake = await startFake();
  client = new RegistryClient({ maxRetries: 2, retryBaseMs: 5, timeoutMs: 300, credentials: async () => null });
});
after(async () => {
  await client.close();
  await fake.stop();
});

const errWith = (code: string, re: RegExp) => (e: unknown) => {
  assert.ok(e instanceof SignetError, String(e));
  assert.equal(e.code, code, e.message);
  assert.match(e.message, re);
  return true;
};

test('5xx twice, then success: retried transparently', async () => {
  fake.requests.length = 0;
  fake.handle((req, res) => (fake.requests.length <= 2 ? registryError(res, 503, 'UNAVAILABLE', 'busy') : ok(res)));
  const m = await client.getManifest(parseReference(`${fake.host}/a/b:v1`));
  assert.equal(m.digest, sha256Digest(MANIFEST));
  assert.equal(fake.requests.length, 3);
});

test('5xx forever: a REGISTRY_ERROR that says what, where, how often, and what the registry said', async () => {
  fake.requests.length = 0;
  fake.handle((req, res) => registryError(res, 500, 'UNKNOWN', 'boom'));
  await assert.rejects(
    client.getManifest(parseReference(`${fake.host}/a/b:v1`)),
    errWith('REGISTRY_ERROR', new RegExp(`^The registry ${fake.host} answered 500 Internal Server Error for GET /v2/a/b/manifests/v1 \\(after 3 attempts\\): UNKNOWN: boom\\.$`)),
  );
  assert.equal(fake.requests.length, 3);
});

test('429 honours Retry-After', async () => {
  fake.requests.length = 0;
  const times: number[] = [];
  fake.handle((req, res) => {
    times.push(Date.now());
    if (fake.requests.length === 1) registryError(res, 429, 'TOOMANYREQUESTS', 'slow down', { 'retry-after': '1' });
    else ok(res);
  });
  await client.getManifest(parseReference(`${fake.host}/a/b:v1`));
  assert.equal(fake.requests.length, 2);
  assert.ok((times[1] as number) - (times[0] as number) >= 900, 'waited for Retry-After');
});

test('4xx other than 408/429 are not retried', async () => {
  fake.requests.length = 0;
  fake.handle((req, res) => registryError(res, 404, 'MANIFEST_UNKNOWN', 'manifest unknown'));
  await assert.rejects(client.getManifest(parseReference(`${fake.host}/a/b:v1`)), errWith('MANIFEST_UNKNOWN', /was not found/));
  assert.equal(await client.getManifestIfExists(parseReference(`${fake.host}/a/b:v1`)), null);
  assert.equal(fake.requests.length, 2);
  fake.requests.length = 0;
  fake.handle((req, res) => registryError(res, 400, 'NAME_INVALID', 'invalid repository name'));
  await assert.rejects(client.getManifest(parseReference(`${fake.host}/a/b:v1`)), errWith('REGISTRY_ERROR', /answered 400 Bad Request for GET \/v2\/a\/b\/manifests\/v1: NAME_INVALID: invalid repository name\.$/));
  assert.equal(fake.requests.length, 1);
});

test('connection resets are retried, then reported as NETWORK', async () => {
  fake.requests.length = 0;
  fake.handle((req, res, raw) => {
    if (fake.requests.length === 1) raw.socket.destroy();
    else ok(res);
  });
  await client.getManifest(parseReference(`${fake.host}/a/b:v1`));
  assert.equal(fake.requests.length, 2);
  fake.requests.length = 0;
  fake.handle((req, res, raw) => {
    raw.socket.destroy();
  });
  await assert.rejects(client.getManifest(parseReference(`${fake.host}/a/b:v1`)), errWith('NETWORK', new RegExp(`Could not reach ${fake.host} for GET http://${fake.host}/v2/a/b/manifests/v1: .*\\(after 3 attempts\\)`)));
  assert.equal(fake.requests.length, 3);
});

test('a stalled answer times out and is retried', async () => {
  fake.requests.length = 0;
  fake.handle((req, res) => {
    if (fake.requests.length === 1) return; // never answers; the client gives up after timeoutMs
    ok(res);
  });
  await client.getManifest(parseReference(`${fake.host}/a/b:v1`));
  assert.equal(fake.requests.length, 2);
});

test('connection refused is NETWORK, in plain words', async () => {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  await assert.rejects(client.getManifest(parseReference(`127.0.0.1:${port}/a/b:v1`)), errWith('NETWORK', /connection refused \(after 3 attempts\)/));
});

test('a body that ends early is retried (not returned short)', async () => {
  fake.requests.length = 0;
  fake.handle((req, res) => {
    if (fake.requests.length === 1) {
      res.writeHead(200, { 'content-length': String(MANIFEST.length), 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
      res.write(MANIFEST.subarray(0, 10));
      setTimeout(() => res.socket?.destroy(), 20);
    } else ok(res);
  });
  const m = await client.getManifest(parseReference(`${fake.host}/a/b:v1`));
  assert.deepEqual(Buffer.from(m.bytes), MANIFEST);
  assert.equal(fake.requests.length, 2);
});
