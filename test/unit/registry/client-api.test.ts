import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { RegistryClient, nextLink } from '../../../electron/engine/registry/client.js';
import { parseReference } from '../../../electron/engine/content/reference.js';
import { sha256Digest, type Digest } from '../../../electron/engine/content/digest.js';
import { SignetError } from '../../../electron/engine/errors.js';
import { registryError, send, startFake, type FakeServer } from './fake-http.js';

const OCI = 'application/vnd.oci.image.manifest.v1+json';
const MANIFEST = Buffer.from(`{"schemaVersion":2,"mediaType":"${OCI}","config":{},"layers":[]}`);
const MDIGEST = sha256Digest(MANIFEST);
const OTHER = sha256Digest('something else');
const BLOB = Buffer.from('x'.repeat(100_000));
const BDIGEST = sha256Digest(BLOB);

let fake: FakeServer;
let client: RegistryClient;
before(async () => {
  fake = await startFake();
  client = new RegistryClient({ credentials: async () => null, retryBaseMs: 1, maxRetries: 1 });
});
after(async () => {
  await client.close();
  await fake.stop();
});
beforeEach(() => {
  fake.requests.length = 0;
});

const repo = () => ({ registry: fake.host, repository: 'a/b' });
const ref = (s: string) => parseReference(`${fake.host}/a/b${s}`);
const code = (c: string, re?: RegExp) => (e: unknown) => {
  assert.ok(e instanceof SignetError, String(e));
  assert.equal(e.code, c, e.message);
  if (re) assert.match(e.message, re);
  return true;
};

async function readAll(s: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

test('getManifest by tag: returns bytes, digest and media type; sends the Accept list', async () => {
  fake.handle((req, res) => send(res, 200, MANIFEST, { 'content-type': `${OCI}; charset=utf-8`, 'docker-content-digest': MDIGEST }));
  const m = await client.getManifest(ref(':v1'));
  assert.deepEqual(m, { digest: MDIGEST, mediaType: OCI, bytes: m.bytes });
  assert.deepEqual(Buffer.from(m.bytes), MANIFEST);
  assert.equal(fake.requests[0]?.path, '/v2/a/b/manifests/v1');
  assert.match(String(fake.requests[0]?.headers.accept), /application\/vnd\.oci\.image\.index\.v1\+json/);
});

test('getManifest: a generic Content-Type falls back to the manifest mediaType; no digest header is fine', async () => {
  fake.handle((req, res) => send(res, 200, MANIFEST, { 'content-type': 'application/json' }));
  assert.equal((await client.getManifest(ref(':v1'))).mediaType, OCI);
});

test('getManifest by tag: Docker-Content-Digest disagreeing with the bytes is DIGEST_MISMATCH naming both', async () => {
  fake.handle((req, res) => send(res, 200, MANIFEST, { 'content-type': OCI, 'docker-content-digest': OTHER }));
  await assert.rejects(client.getManifest(ref(':v1')), code('DIGEST_MISMATCH', new RegExp(`${OTHER}.*${MDIGEST}`)));
});

test('getManifest by digest: bytes must hash to it (DIGEST_MISMATCH naming both), whatever the header says', async () => {
  fake.handle((req, res) => send(res, 200, MANIFEST, { 'content-type': OCI, 'docker-content-digest': OTHER }));
  await assert.rejects(client.getManifest(ref(`@${OTHER}`)), code('DIGEST_MISMATCH', new RegExp(`expected ${OTHER}, but the bytes received hash to ${MDIGEST}`)));
  assert.equal(fake.requests[0]?.path, `/v2/a/b/manifests/${OTHER}`);
  const ok = await client.getManifest(ref(`@${MDIGEST}`));
  assert.equal(ok.digest, MDIGEST);
});

test('manifests over 4 MiB are MANIFEST_INVALID, by Content-Length or by counting', async () => {
  const big = Buffer.alloc(4 * 1024 * 1024 + 1, 32);
  fake.handle((req, res) => send(res, 200, big, { 'content-type': OCI }));
  await assert.rejects(client.getManifest(ref(':big')), code('MANIFEST_INVALID', /larger than 4 MiB/));
  fake.handle((req, res) => {
    res.writeHead(200, { 'content-type': OCI }); // chunked, no length
    res.end(big);
  });
  await assert.rejects(client.getManifest(ref(':big')), code('MANIFEST_INVALID', /larger than 4 MiB/));
});

test('headManifest: digest, type and size from headers; null on 404; GET fallback without a digest header', async () => {
  fake.handle((req, res) => {
    if (req.path.endsWith('/missing')) return registryError(res, 404, 'MANIFEST_UNKNOWN', 'x');
    const headers: Record<string, string> = { 'content-type': OCI, 'content-length': String(MANIFEST.length) };
    if (!req.path.endsWith('/nodigest')) headers['docker-content-digest'] = MDIGEST;
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : MANIFEST);
  });
  assert.deepEqual(await client.headManifest(ref(':v1')), { digest: MDIGEST, mediaType: OCI, size: MANIFEST.length });
  assert.equal(fake.requests[0]?.method, 'HEAD');
  assert.equal(await client.headManifest(ref(':missing')), null);
  fake.requests.length = 0;
  assert.deepEqual(await client.headManifest(ref(':nodigest')), { digest: MDIGEST, mediaType: OCI, size: MANIFEST.length });
  assert.deepEqual(fake.requests.map((r) => r.method), ['HEAD', 'GET']);
});

test('putManifest: PUT to the tag with the media type; returns sha256(bytes); a different registry digest is DIGEST_MISMATCH', async () => {
  fake.handle((req, res) => send(res, 201, '', { 'docker-content-digest': sha256Digest(req.body) }));
  assert.equal(await client.putManifest(ref(':v2'), MANIFEST, OCI), MDIGEST);
  const put = fake.requests[0];
  assert.equal(put?.method, 'PUT');
  assert.equal(put?.path, '/v2/a/b/manifests/v2');
  assert.equal(put?.headers['content-type'], OCI);
  assert.deepEqual(put?.body, MANIFEST);
  assert.equal(await client.putManifest(ref(`@${MDIGEST}`), MANIFEST, OCI), MDIGEST);
  assert.equal(fake.requests[1]?.path, `/v2/a/b/manifests/${MDIGEST}`);
  await assert.rejects(client.putManifest(ref(`@${OTHER}`), MANIFEST, OCI), code('DIGEST_MISMATCH'));
  fake.handle((req, res) => send(res, 201, '', { 'docker-content-digest': OTHER }));
  await assert.rejects(client.putManifest(ref(':v2'), MANIFEST, OCI), code('DIGEST_MISMATCH', new RegExp(`${MDIGEST}.*${OTHER}`)));
});

test('uploadBlob: POST, then PUT to a relative Location that already has a query; skipped when the blob exists', async () => {
  let exists = false;
  fake.handle((req, res) => {
    if (req.method === 'HEAD') return exists ? send(res, 200) : send(res, 404);
    if (req.method === 'POST') return send(res, 202, '', { location: '/v2/a/b/blobs/uploads/uuid-1?_state=abc%3D%3D', 'docker-upload-uuid': 'uuid-1' });
    if (req.method === 'PUT') return send(res, 201, '', { 'docker-content-digest': BDIGEST });
    send(res, 400);
  });
  await client.uploadBlob(repo(), BDIGEST, BLOB);
  assert.deepEqual(fake.requests.map((r) => `${r.method} ${r.path}`), [
    `HEAD /v2/a/b/blobs/${BDIGEST}`,
    'POST /v2/a/b/blobs/uploads/',
    `PUT /v2/a/b/blobs/uploads/uuid-1?_state=abc%3D%3D&digest=${encodeURIComponent(BDIGEST)}`,
  ]);
  assert.equal(fake.requests[2]?.headers['content-type'], 'application/octet-stream');
  assert.deepEqual(fake.requests[2]?.body, BLOB);
  exists = true;
  fake.requests.length = 0;
  await client.uploadBlob(repo(), BDIGEST, BLOB);
  assert.deepEqual(fake.requests.map((r) => r.method), ['HEAD']);
});

test('uploadBlob: absolute Location without a query; a failed PUT restarts the whole upload', async () => {
  let puts = 0;
  fake.handle((req, res) => {
    if (req.method === 'HEAD') return send(res, 404);
    if (req.method === 'POST') return send(res, 202, '', { location: `${fake.url}/upload/here` });
    if (req.method === 'PUT') return ++puts === 1 ? registryError(res, 500, 'UNKNOWN', 'x') : send(res, 201);
  });
  await client.uploadBlob(repo(), BDIGEST, BLOB);
  assert.deepEqual(fake.requests.map((r) => `${r.method} ${r.path.split('?')[0]}`), ['HEAD /v2/a/b/blobs/' + BDIGEST, 'POST /v2/a/b/blobs/uploads/', 'PUT /upload/here', 'POST /v2/a/b/blobs/uploads/', 'PUT /upload/here']);
  assert.equal(fake.requests[2]?.path, `/upload/here?digest=${encodeURIComponent(BDIGEST)}`);
});

test('uploadBlob refuses data that does not match the digest, before sending anything', async () => {
  await assert.rejects(client.uploadBlob(repo(), OTHER as Digest, BLOB), code('DIGEST_MISMATCH'));
  assert.equal(fake.requests.length, 0);
});

test('hasBlob: 200 true, 404 false, other statuses are errors', async () => {
  fake.handle((req, res) => (req.path.endsWith(BDIGEST) ? send(res, 200) : req.path.endsWith(OTHER) ? send(res, 404) : send(res, 400)));
  assert.equal(await client.hasBlob(repo(), BDIGEST), true);
  assert.equal(await client.hasBlob(repo(), OTHER), false);
  await assert.rejects(client.hasBlob(repo(), MDIGEST), code('REGISTRY_ERROR'));
});

test('getBlob: verified; wrong bytes are DIGEST_MISMATCH; 404 BLOB_UNKNOWN; maxSize enforced', async () => {
  fake.handle((req, res) => (req.path.endsWith(BDIGEST) ? send(res, 200, BLOB) : req.path.endsWith(OTHER) ? send(res, 200, 'wrong') : registryError(res, 404, 'BLOB_UNKNOWN', 'x')));
  assert.deepEqual(Buffer.from(await client.getBlob(repo(), BDIGEST)), BLOB);
  await assert.rejects(client.getBlob(repo(), OTHER), code('DIGEST_MISMATCH', new RegExp(`expected ${OTHER}`)));
  await assert.rejects(client.getBlob(repo(), MDIGEST), code('BLOB_UNKNOWN'));
  await assert.rejects(client.getBlob(repo(), BDIGEST, { maxSize: 1000 }), code('SIZE_MISMATCH', /larger than 1000 bytes/));
});

/**
 * Answers with a body that never ends (8 KiB every 10 ms) until the client hangs up; resolves
 * with the bytes written by then. Server and client share this process's event loop, so the
 * server writes at most one chunk between two reads of the client.
 */
function endlessBody(res: import('node:http').ServerResponse, headers: Record<string, string>): Promise<number> {
  res.writeHead(200, headers);
  const chunk = Buffer.alloc(8192, 'x');
  let sent = 0;
  const drip = setInterval(() => {
    sent += chunk.length;
    res.write(chunk);
  }, 10);
  return new Promise((resolve) => res.on('close', () => {
    clearInterval(drip);
    resolve(sent);
  }));
}

test('getBlob with expectedSize: a body longer than declared stops the read at once, even an endless one', async () => {
  for (const [headers, error] of [
    [{}, /longer than the 300 bytes its descriptor declares; Signet stopped reading it/],
    [{ 'content-length': String(10 * 2 ** 30) }, /10737418240 bytes according to the registry, but its descriptor declares 300/],
  ] as const) {
    fake.requests.length = 0;
    let closed: Promise<number> | undefined;
    fake.handle((req, res) => { closed = endlessBody(res, headers); });
    await assert.rejects(client.getBlob(repo(), BDIGEST, { expectedSize: 300, maxSize: 1 << 20 }), code('SIZE_MISMATCH', error));
    const sent = await closed!;
    assert.ok(sent < 64 * 1024, `the server wrote only ${sent} bytes before the client hung up (a 1 MiB limit alone would read 1 MiB)`);
    assert.equal(fake.requests.length, 1, 'not retried: the size is the registry\'s answer, not a network fault');
  }
});

test('getBlob with expectedSize: exactly that many bytes are returned; a shorter body or a larger declaration is SIZE_MISMATCH', async () => {
  fake.handle((req, res) => send(res, 200, BLOB));
  assert.deepEqual(Buffer.from(await client.getBlob(repo(), BDIGEST, { expectedSize: BLOB.length })), BLOB);
  await assert.rejects(client.getBlob(repo(), BDIGEST, { expectedSize: BLOB.length + 1 }), code('SIZE_MISMATCH', /100000 bytes according to the registry, but its descriptor declares 100001/));
  fake.handle((req, res) => {
    res.writeHead(200); // no Content-Length: only counting finds the short body
    res.end(BLOB.subarray(0, 1000));
  });
  await assert.rejects(client.getBlob(repo(), BDIGEST, { expectedSize: BLOB.length }), code('SIZE_MISMATCH', /is 1000 bytes, but its descriptor declares 100000/));
  fake.requests.length = 0;
  await assert.rejects(client.getBlob(repo(), BDIGEST, { expectedSize: 2 << 20, maxSize: 1 << 20 }), code('SIZE_MISMATCH', /declared as 2097152 bytes, more than the 1048576 bytes/));
  assert.equal(fake.requests.length, 0, 'a declaration over the limit is refused without a request');
});

test('getBlob: a truncated body is an error after retries, never a short success', async () => {
  fake.handle((req, res) => {
    res.writeHead(200, { 'content-length': String(BLOB.length) });
    res.write(BLOB.subarray(0, 1000));
    setTimeout(() => res.socket?.destroy(), 10);
  });
  await assert.rejects(client.getBlob(repo(), BDIGEST), code('NETWORK', /after 2 attempts/));
  assert.equal(fake.requests.length, 2);
});

test('blobStream: streams verified bytes; a wrong or short body fails the stream', async () => {
  fake.handle((req, res) => send(res, 200, BLOB));
  assert.deepEqual(await readAll(await client.blobStream(repo(), BDIGEST, BLOB.length)), BLOB);
  assert.deepEqual(await readAll(await client.blobStream(repo(), BDIGEST)), BLOB);
  await assert.rejects(readAll(await client.blobStream(repo(), OTHER)), code('DIGEST_MISMATCH'));
  await assert.rejects(client.blobStream(repo(), BDIGEST, 5), code('SIZE_MISMATCH'));
  fake.handle((req, res) => {
    res.writeHead(200, { 'content-length': String(BLOB.length) });
    res.write(BLOB.subarray(0, 1000));
    setTimeout(() => res.socket?.destroy(), 10);
  });
  await assert.rejects(readAll(await client.blobStream(repo(), BDIGEST, BLOB.length)), (e: unknown) => e instanceof SignetError && (e.code === 'NETWORK' || e.code === 'SIZE_MISMATCH'));
  fake.handle((req, res) => {
    res.writeHead(200); // no length: the verifier's size check must catch the short body
    res.end(BLOB.subarray(0, 1000));
  });
  await assert.rejects(readAll(await client.blobStream(repo(), BDIGEST, BLOB.length)), code('SIZE_MISMATCH'));
});

test('listTags: follows Link rel="next" (relative and absolute) and asks for n=1000', async () => {
  fake.handle((req, res) => {
    const u = new URL(req.path, 'http://x');
    const last = u.searchParams.get('last');
    if (last === null) return send(res, 200, JSON.stringify({ name: 'a/b', tags: ['a', 'b'] }), { link: '</v2/a/b/tags/list?last=b&n=1000>; rel="next"' });
    if (last === 'b') return send(res, 200, JSON.stringify({ name: 'a/b', tags: ['c'] }), { link: `<${fake.url}/v2/a/b/tags/list?last=c&n=1000>; rel=next` });
    send(res, 200, JSON.stringify({ name: 'a/b', tags: ['d'] }));
  });
  assert.deepEqual(await client.listTags(repo()), { tags: ['a', 'b', 'c', 'd'], invalid: 0 });
  assert.deepEqual(fake.requests.map((r) => r.path), ['/v2/a/b/tags/list?n=1000', '/v2/a/b/tags/list?last=b&n=1000', '/v2/a/b/tags/list?last=c&n=1000']);
});

test('listTags: a repository without tags ("tags": null, or 404) is empty; a malformed list is an error', async () => {
  fake.handle((req, res) => send(res, 200, '{"name":"a/b","tags":null}'));
  assert.deepEqual(await client.listTags(repo()), { tags: [], invalid: 0 });
  fake.handle((req, res) => registryError(res, 404, 'NAME_UNKNOWN', 'repository name not known to registry'));
  assert.deepEqual(await client.listTags(repo()), { tags: [], invalid: 0 });
  fake.handle((req, res) => send(res, 200, '{"tags":[1]}'));
  await assert.rejects(client.listTags(repo()), code('REGISTRY_ERROR'));
});

test('listTags: a Link that points back at a page already read stops', async () => {
  fake.handle((req, res) => send(res, 200, '{"tags":["x"]}', { link: '</v2/a/b/tags/list?n=1000>; rel="next"' }));
  assert.deepEqual(await client.listTags(repo()), { tags: ['x'], invalid: 0 });
  assert.equal(fake.requests.length, 1);
});

test('nextLink parses RFC 8288 forms', () => {
  const base = new URL('http://r.example/v2/a/tags/list?n=2');
  assert.equal(nextLink('</v2/a/tags/list?last=x&n=2>; rel="next"', base)?.href, 'http://r.example/v2/a/tags/list?last=x&n=2');
  assert.equal(nextLink('<https://o.example/p>; rel="prev", <https://o.example/n>; title="t"; rel="last next"', base)?.href, 'https://o.example/n');
  assert.equal(nextLink('<https://o.example/p>; rel="prev"', base), undefined);
  assert.equal(nextLink(undefined, base), undefined);
});
