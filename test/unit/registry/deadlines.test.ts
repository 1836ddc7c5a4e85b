// Whole-exchange deadlines (registry/http.ts) and the per-image budget of batch verification
// (verify.ts), against a scripted loopback server (fake-http.ts, a test double, not a registry)
// that trickles its answers: never silent long enough for the idle timeout, so only a deadline
// ends the exchange. Before the deadline existed, each of these ran for as long as the server
// kept trickling.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { RegistryClient } from '../../../electron/engine/registry/client.js';
import { parseReference } from '../../../electron/engine/content/reference.js';
import { sha256Digest } from '../../../electron/engine/content/digest.js';
import { SignetError } from '../../../electron/engine/errors.js';
import { verifyRegistryImages } from '../../../electron/engine/verify.js';
import { registryError, send, startFake, type FakeServer } from './fake-http.js';

const MANIFEST = Buffer.from('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{},"layers":[]}');
const MANIFEST_HEADERS = { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': sha256Digest(MANIFEST) };

let fake: FakeServer;
const clients: RegistryClient[] = [];
before(async () => {
  fake = await startFake();
});
after(async () => {
  for (const c of clients) await c.close();
  await fake.stop();
});

/** An idle timeout of 300 ms and a whole-exchange deadline of 600 ms. */
function client(extra: ConstructorParameters<typeof RegistryClient>[0] = {}): RegistryClient {
  const c = new RegistryClient({ credentials: async () => null, timeoutMs: 300, deadlineMs: 600, maxRetries: 1, retryBaseMs: 1, ...extra });
  clients.push(c);
  return c;
}

/** Writes `bytes` `step` bytes at a time every `everyMs`, until done or the client hangs up. */
function trickle(res: ServerResponse, bytes: Uint8Array, everyMs: number, step = 1): Promise<number> {
  return new Promise((resolve) => {
    let sent = 0;
    const t = setInterval(() => {
      if (sent >= bytes.length) {
        clearInterval(t);
        res.end();
        return;
      }
      res.write(bytes.subarray(sent, sent + step));
      sent += step;
    }, everyMs);
    res.on('close', () => {
      clearInterval(t);
      resolve(Date.now());
    });
  });
}

const tooSlow = (re: RegExp) => (e: unknown) => {
  assert.ok(e instanceof SignetError, String(e));
  assert.equal(e.code, 'NETWORK', e.message);
  assert.match(e.message, re);
  return true;
};

test('a manifest trickled one byte every 100 ms ends at the deadline, is retried, then NETWORK "too slowly"', async () => {
  fake.requests.length = 0;
  fake.handle((req, res) => {
    res.writeHead(200, { ...MANIFEST_HEADERS, 'content-length': String(MANIFEST.length) });
    void trickle(res, MANIFEST, 100);
  });
  const started = Date.now();
  await assert.rejects(
    client().getManifest(parseReference(`${fake.host}/a/b:v1`)),
    tooSlow(new RegExp(`^The registry ${fake.host} sent its answer to GET http://${fake.host}/v2/a/b/manifests/v1 too slowly: the whole answer did not arrive within 0\\.6 s \\(after 2 attempts\\)\\.$`)),
  );
  const took = Date.now() - started;
  assert.ok(took >= 1_100 && took < 3_000, `two attempts of 0.6 s each (${took} ms), not the ${MANIFEST.length / 10} s of the trickle`);
  assert.equal(fake.requests.length, 2);
});

test('headers trickled byte by byte are bounded by the same deadline', async () => {
  fake.requests.length = 0;
  const head = Buffer.from(`HTTP/1.1 200 OK\r\ncontent-type: application/vnd.oci.image.manifest.v1+json\r\ncontent-length: ${MANIFEST.length}\r\nx-padding: ${'x'.repeat(200)}\r\n\r\n`);
  fake.handle((req, res, raw) => {
    const socket = raw.socket;
    let sent = 0;
    const t = setInterval(() => {
      if (sent >= head.length || socket.destroyed) return clearInterval(t);
      socket.write(head.subarray(sent, sent + 1));
      sent += 1;
    }, 100);
    socket.on('close', () => clearInterval(t));
  });
  const started = Date.now();
  await assert.rejects(client().getManifest(parseReference(`${fake.host}/a/b:v1`)), (e: unknown) => {
    assert.ok(e instanceof SignetError && e.code === 'NETWORK', String(e));
    return true;
  });
  assert.ok(Date.now() - started < 3_000, `bounded (${Date.now() - started} ms), not the ${head.length / 10} s of the trickle`);
});

test('a token response trickled by the token server is bounded by the deadline', async () => {
  fake.requests.length = 0;
  fake.handle((req, res) => {
    if (req.path.startsWith('/token')) {
      const body = Buffer.from(JSON.stringify({ token: 'tok', expires_in: 300, padding: 'x'.repeat(100) }));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
      void trickle(res, body, 100);
      return;
    }
    if (req.headers.authorization === undefined) return registryError(res, 401, 'UNAUTHORIZED', 'authentication required', { 'www-authenticate': `Bearer realm="${fake.url}/token",service="fake"` });
    send(res, 200, MANIFEST, MANIFEST_HEADERS);
  });
  const started = Date.now();
  await assert.rejects(
    client().getManifest(parseReference(`${fake.host}/a/b:v1`)),
    tooSlow(new RegExp(`sent its answer to GET http://${fake.host}/token too slowly: the whole answer did not arrive within 0\\.6 s \\(after 2 attempts\\)\\.$`)),
  );
  assert.ok(Date.now() - started < 3_000, `bounded (${Date.now() - started} ms)`);
});

test('a streamed blob may take longer than the deadline when it keeps a minimum rate; a trickle may not', async () => {
  const blob = randomBytes(64 * 1024);
  const digest = sha256Digest(blob);
  fake.handle((req, res) => {
    res.writeHead(200, { 'content-length': String(blob.length) });
    void trickle(res, blob, 80, 8 * 1024); // 8 chunks over ~700 ms: past the 600 ms deadline, within 0.6 s + 1 s for 64 KiB
  });
  const c = client();
  const chunks: Buffer[] = [];
  for await (const chunk of await c.blobStream({ registry: fake.host, repository: 'a/b' }, digest, blob.length)) chunks.push(chunk as Buffer);
  assert.deepEqual(Buffer.concat(chunks), blob);

  const small = randomBytes(2_000);
  fake.handle((req, res) => {
    res.writeHead(200, { 'content-length': String(small.length) });
    void trickle(res, small, 100, 10); // 20 s at 100 bytes/s
  });
  const started = Date.now();
  const stream = await c.blobStream({ registry: fake.host, repository: 'a/b' }, sha256Digest(small), small.length);
  await assert.rejects(
    (async () => { for await (const _ of stream) { /* drain */ } })(),
    tooSlow(/too slow for GET .*: the transfer did not finish within 0\.6 s \(the deadline plus the time it takes at 64 KiB\/s\)\.$/),
  );
  assert.ok(Date.now() - started < 2_000, `bounded (${Date.now() - started} ms)`);
});

test('batch verification: an image out of budget is "could not check", its request is aborted and frees the only connection for the next image', async () => {
  let slowClosedAt = 0;
  fake.handle((req, res) => {
    if (req.path === '/v2/slow/app/manifests/v1') {
      res.writeHead(200, { ...MANIFEST_HEADERS, 'content-length': String(MANIFEST.length) });
      void trickle(res, MANIFEST, 100).then((t) => { slowClosedAt = t; });
      return;
    }
    if (req.path === '/v2/fine/app/manifests/v1') return send(res, 200, MANIFEST, MANIFEST_HEADERS);
    registryError(res, 404, 'MANIFEST_UNKNOWN', 'manifest unknown');
  });
  // One connection and one image at a time: had the slow request kept its connection, the fine
  // image could not be checked within its own budget. The deadline is far away: only the
  // image's budget can end the slow request.
  const c = client({ connections: 1, deadlineMs: 60_000 });
  const started = Date.now();
  const results = await verifyRegistryImages(c, [parseReference(`${fake.host}/slow/app:v1`), parseReference(`${fake.host}/fine/app:v1`)], { keys: [] }, { concurrency: 1, imageBudgetMs: 1_000 });
  const took = Date.now() - started;
  assert.equal(results[0]!.verdict, 'error');
  assert.equal(results[0]!.message, 'could not check: Gave up after 1 s, the time allowed for checking one image.');
  assert.equal(results[1]!.verdict, 'unsigned', results[1]!.message);
  assert.ok(took < 2_000, `the batch took ${took} ms, not the ${MANIFEST.length / 10} s of the trickle`);
  assert.ok(slowClosedAt > 0 && slowClosedAt - started < 1_500, 'the slow request was aborted at the budget, not left running');
});
