import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { RegistryClient } from '../../../electron/engine/registry/client.js';
import { Transport } from '../../../electron/engine/registry/http.js';
import { sha256Digest } from '../../../electron/engine/content/digest.js';
import { SignetError } from '../../../electron/engine/errors.js';
import { registryError, send, startFake, type FakeServer } from './fake-http.js';

const BLOB = Buffer.from('blob bytes for the redirect tests');
const DIGEST = sha256Digest(BLOB);
const BASIC = `Basic ${Buffer.from('alice:s3cret').toString('base64')}`;

let reg: FakeServer;
let storage: FakeServer; // another host: 127.0.0.2
let client: RegistryClient;
before(async () => {
  reg = await startFake();
  storage = await startFake((req, res) => send(res, 200, BLOB), '127.0.0.2');
  client = new RegistryClient({ credentials: async () => ({ username: 'alice', password: 's3cret', source: 'test' }), retryBaseMs: 1, maxRetries: 1 });
});
after(async () => {
  await client.close();
  await reg.stop();
  await storage.stop();
});

/** A Basic-auth registry whose blob GETs answer with `redirect(path)`. */
function registryRedirecting(redirect: (path: string) => { status: number; location: string }): void {
  reg.handle((req, res) => {
    if (req.headers.authorization !== BASIC) return registryError(res, 401, 'UNAUTHORIZED', 'x', { 'www-authenticate': 'Basic realm="r"' });
    if (req.path.startsWith('/v2/a/b/blobs/')) {
      const r = redirect(req.path);
      return send(res, r.status, '', { location: r.location });
    }
    if (req.path.startsWith('/storage/')) return send(res, 200, BLOB);
    registryError(res, 404, 'NOT_FOUND', 'x');
  });
}

test('a redirect to another host gets no Authorization header; the blob is still verified', async () => {
  for (const status of [307, 302, 301, 303, 308]) {
    storage.requests.length = 0;
    registryRedirecting(() => ({ status, location: `${storage.url}/signed/blob?X-Amz-Signature=secret` }));
    const got = await client.getBlob({ registry: reg.host, repository: 'a/b' }, DIGEST);
    assert.deepEqual(Buffer.from(got), BLOB);
    assert.equal(storage.requests.length, 1, String(status));
    assert.equal(storage.requests[0]?.headers.authorization, undefined, `no Authorization after ${status}`);
    assert.equal(storage.requests[0]?.path, '/signed/blob?X-Amz-Signature=secret');
  }
});

test('a redirect on the same host keeps Authorization (relative Location)', async () => {
  reg.requests.length = 0;
  registryRedirecting(() => ({ status: 307, location: '/storage/x' }));
  await client.getBlob({ registry: reg.host, repository: 'a/b' }, DIGEST);
  const last = reg.requests.at(-1);
  assert.equal(last?.path, '/storage/x');
  assert.equal(last?.headers.authorization, BASIC);
});

test('more than 5 redirects is an error', async () => {
  reg.requests.length = 0;
  let i = 0;
  registryRedirecting(() => ({ status: 307, location: `/v2/a/b/blobs/again-${++i}` }));
  await assert.rejects(client.getBlob({ registry: reg.host, repository: 'a/b' }, DIGEST), (e: unknown) => e instanceof SignetError && e.code === 'REGISTRY_ERROR' && /redirected more than 5 times/.test(e.message));
});

test('a redirect to plain HTTP on a non-loopback host is refused (INSECURE_REFUSED)', async () => {
  registryRedirecting(() => ({ status: 307, location: 'http://storage.example.invalid/blob' }));
  await assert.rejects(client.getBlob({ registry: reg.host, repository: 'a/b' }, DIGEST), (e: unknown) => e instanceof SignetError && e.code === 'INSECURE_REFUSED' && /use --allow-http storage\.example\.invalid/.test(e.message));
});

test('error messages and debug lines never show a redirect URL query', async () => {
  const lines: string[] = [];
  const c = new RegistryClient({ credentials: async () => ({ username: 'alice', password: 's3cret', source: 'test' }), debug: (l) => lines.push(l), retryBaseMs: 1, maxRetries: 0 });
  storage.handle((req, res) => send(res, 500));
  registryRedirecting(() => ({ status: 307, location: `${storage.url}/signed/blob?X-Amz-Signature=topsecret` }));
  try {
    await assert.rejects(c.getBlob({ registry: reg.host, repository: 'a/b' }, DIGEST), (e: unknown) => e instanceof SignetError && e.code === 'REGISTRY_ERROR' && e.message.startsWith(`The server ${storage.host} answered 500`) && !e.message.includes('topsecret'));
    assert.ok(lines.length > 0);
    assert.ok(!lines.join('\n').includes('topsecret'));
    assert.ok(lines.some((l) => l.includes('no Authorization: other host')));
  } finally {
    storage.handle((req, res) => send(res, 200, BLOB));
    await c.close();
  }
});

test('scheme policy: loopback is http, others https unless allowed', () => {
  const t = new Transport({ allowHttp: ['insecure.example:5000', 'bare.example'] });
  assert.equal(t.registryBase('127.0.0.1:5000').href, 'http://127.0.0.1:5000/');
  assert.equal(t.registryBase('localhost:5000').href, 'http://localhost:5000/');
  assert.equal(t.registryBase('[::1]:5000').href, 'http://[::1]:5000/');
  assert.equal(t.registryBase('127.9.8.7').href, 'http://127.9.8.7/');
  assert.equal(t.registryBase('ghcr.io').href, 'https://ghcr.io/');
  assert.equal(t.registryBase('docker.io').href, 'https://registry-1.docker.io/');
  assert.equal(t.registryBase('insecure.example:5000').href, 'http://insecure.example:5000/');
  assert.equal(t.registryBase('insecure.example:5001').href, 'https://insecure.example:5001/');
  assert.equal(t.registryBase('bare.example:7000').href, 'http://bare.example:7000/');
  void t.close();
});

test('HTTPS to a server that speaks plain HTTP: INSECURE_REFUSED with the --allow-http hint', async () => {
  const t = new Transport({ timeoutMs: 2000 });
  try {
    await assert.rejects(t.send({ method: 'GET', url: new URL(`https://${reg.host}/v2/`) }), (e: unknown) => e instanceof SignetError && e.code === 'INSECURE_REFUSED' && e.message.includes(`--allow-http ${reg.host}`));
  } finally {
    await t.close();
  }
});
