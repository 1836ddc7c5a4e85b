// The channel: every operation refuses malformed arguments before any handler runs; requests
// without the token, or with a foreign Host or Origin, are refused; every response has the CSP;
// and no private key material crosses the channel in a whole session (generate, sign, export).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startWebHost, CSP, type WebHost } from '../../electron/host/web-host.js';
import { API_NAMES, type ApiName } from '../../shared/api.js';
import { MemoryBackend } from '../helpers/memory-keychain.js';
import { makeTempDir } from '../helpers/tmp.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { pushFixtureImage, pushRandomImage } from '../helpers/push.js';

interface Reply { status: number; headers: Record<string, string | string[] | undefined>; body: string }

function raw(port: number, path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: opts.method ?? 'POST', agent: false, headers: { host: `127.0.0.1:${port}`, ...opts.headers }, setHost: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

function api(host: WebHost, name: string, args: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  return raw(host.port, `/api/${name}`, { headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/json', ...headers }, body: typeof args === 'string' ? args : JSON.stringify(args) });
}

const HUGE = 'x'.repeat(100_000);
const TRAVERSAL = '/tmp/../../etc/passwd';

/** Malformed arguments for every operation: wrong types, missing fields, huge strings, traversal. */
const MALFORMED: Record<ApiName, unknown[]> = {
  'sources.list': [null, [], 'x', { extra: 1 }],
  'sources.add': [{}, { kind: 'registry' }, { kind: 'nope', location: 'a/b' }, { kind: 'oci', location: TRAVERSAL }, { kind: 'archive', location: 'relative.tar' }, { kind: 'registry', location: HUGE }, { kind: 'oci', location: 5 }, { kind: 'registry', location: 'r.example/team/app/' }, { kind: 'registry', location: 'r.example//app' }],
  'sources.remove': [{}, { id: 5 }, { id: '../x' }, { id: HUGE }],
  'images.list': [{}, { sourceId: 1 }, { sourceId: '../../etc' }, { sourceId: 'abc', opId: '<script>' }],
  'images.detail': [{}, { image: 7 }, { image: `oci:${TRAVERSAL}` }, { image: `docker-archive:${TRAVERSAL}` }, { image: HUGE }, { image: '127.0.0.1:5000/../x' }],
  'sign.plan': [{}, { image: null }, { image: `oci:${TRAVERSAL}:name` }, { image: HUGE }],
  'sign.run': [{}, { image: 'r/a:1', key: 'k', annotations: {} }, { image: 'r/a:1', key: 'k', annotations: [], recursive: true }, { image: 'r/a:1', key: HUGE, annotations: {}, recursive: true }, { image: 'r/a:1', key: 'k', annotations: { a: 1 }, recursive: true }, { image: 'r/a:1', key: 'k', annotations: {}, recursive: 'yes' }, { image: `docker-archive:${TRAVERSAL}`, key: 'k', annotations: {}, recursive: true },
    { image: 'r/a:1', key: 'k', annotations: {}, recursive: true, platforms: 'sha256:' + 'a'.repeat(64) }, { image: 'r/a:1', key: 'k', annotations: {}, recursive: true, platforms: ['linux/amd64'] },
    { image: 'r/a:1', key: 'k', annotations: {}, recursive: true, platforms: ['sha256:' + 'A'.repeat(64)] }, { image: 'r/a:1', key: 'k', annotations: {}, recursive: true, platforms: Array.from({ length: 257 }, () => 'sha256:' + 'a'.repeat(64)) },
    { image: 'r/a:1', key: 'k', annotations: {}, recursive: true, expectedDigest: 'sha256:abc' }, { image: 'r/a:1', key: 'k', annotations: {}, recursive: true, expectedDigest: 7 },
    { image: 'docker-daemon:a:1', key: 'k', annotations: {}, recursive: true, pushTo: 'r/a:1', expectedImageId: 'abc' }, { image: 'docker-daemon:a:1', key: 'k', annotations: {}, recursive: true, pushTo: 'r/a:1', expectedImageId: ['sha256:' + 'a'.repeat(64)] }],
  'keys.list': [null, { a: 1 }],
  'keys.generate': [{}, { name: 'a' }, { name: 'a', algorithm: 'rsa' }, { name: HUGE, algorithm: 'ed25519' }, { name: 3, algorithm: 'ed25519' }, { name: 'a\u0000b', algorithm: 'ed25519' }],
  'keys.import': [{}, { name: 'a', pem: 'not a pem', password: 'x' }, { name: 'a', pem: `-----BEGIN X-----${HUGE}`, password: 'x' }, { name: 'a', pem: '-----BEGIN X-----', password: 1 }],
  'keys.rename': [{}, { name: 'a' }, { name: 'a', newName: HUGE }, { name: [], newName: 'b' }],
  'keys.delete': [{}, { name: 'a' }, { name: 'a', fingerprint: HUGE }, { name: 'a', fingerprint: true }],
  'keys.exportPublic': [{}, { name: 1 }, { name: HUGE }, { name: '' }],
  'policy.export': [{}, { format: 'kyverno', images: 'a/*' }, { format: 'kyverno', images: 'a/*', keys: [], mode: 'warn' }, { format: 'x', images: 'a/*', keys: [] }, { format: 'kyverno', images: 'a b', keys: [] }, { format: 'kyverno', images: HUGE, keys: [] }, { format: 'kyverno', images: 'a/*', keys: 'alice' }, { format: 'kyverno', images: 'a/*', keys: [TRAVERSAL.repeat(10)] }],
  'trust.list': [[], 'x'],
  'trust.preview': [{}, { pem: 5 }, { pem: 'no pem' }, { pem: `-----BEGIN PUBLIC KEY-----${HUGE}` }],
  'trust.add': [{}, { name: 'a' }, { name: 'a', pem: 'plain text' }, { name: HUGE, pem: '-----BEGIN PUBLIC KEY-----' }, { name: 'a', pem: 12 }],
  'trust.revoke': [{}, { name: 1 }, { name: HUGE }],
  'trust.remove': [{}, { name: null }, { name: HUGE }],
  'trust.restore': [{}, { name: 5 }, { name: HUGE }, { name: 'a\u0000' }],
  'registries.list': [null, { a: 1 }],
  'registries.add': [{}, { host: 'x' }, { host: 'evil host', auth: 'none' }, { host: 'a', auth: 'keychain' }, { host: 'a', auth: 'other' }, { host: HUGE, auth: 'none' }, { host: '../../etc', auth: 'none' }, { host: 'a', auth: 'none', saveUnreachable: 1 }],
  'registries.remove': [{}, { host: 1 }, { host: 'a/b' }],
  'registries.test': [{}, { host: 'http://x' }, { host: HUGE }, { host: 'a', auth: 'keychain', username: 'u' }, { host: 'a', password: 'p' }, { host: 'a', auth: 'other' }],
  'registries.edit': [{}, { host: 'a' }, { host: 'a', auth: 'keychain' }, { host: 'a', newHost: 'b/c', auth: 'none' }, { host: 'a', auth: 'none', saveUnreachable: 'yes' }, { host: HUGE, auth: 'none' }],
  'audit.list': [null, { a: 1 }],
  'impact.preview': [{}, { change: 'trust.revoke' }, { change: 'keys.steal', name: 'a' }, { change: 'trust.remove', name: HUGE }, { change: 'trust.remove', name: 'a\u0000' }],
  'setup.status': [null, { a: 1 }],
  'setup.dismiss': [[], { dismissed: true }],
};

describe('web host channel', () => {
  let host: WebHost;
  let dir: string;
  const calls: ApiName[] = [];
  const recorded: Array<{ name: string; request: string; response: string }> = [];
  const keyBackend = new MemoryBackend();
  let reg: TestRegistry;

  before(async () => {
    [dir, reg] = await Promise.all([makeTempDir(), startRegistry()]);
    const rendererDir = join(dir, 'renderer');
    await mkdir(rendererDir);
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
    host = await startWebHost({
      dataDir: join(dir, 'home'), rendererDir,
      context: { keyBackend, registryBackend: new MemoryBackend(), onHandler: (n) => calls.push(n) },
      record: (e) => recorded.push(e),
    });
  });
  after(async () => { await host?.close(); await reg?.stop(); });

  test('every operation has malformed cases, and each is refused with a validation error before any handler', async () => {
    assert.deepEqual(Object.keys(MALFORMED).sort(), [...API_NAMES].sort());
    for (const name of API_NAMES) {
      for (const args of MALFORMED[name]) {
        const r = await api(host, name, args);
        assert.equal(r.status, 400, `${name} ${JSON.stringify(args).slice(0, 80)}: ${r.body.slice(0, 200)}`);
        assert.equal(JSON.parse(r.body).error.code, 'VALIDATION');
      }
    }
    const notJson = await api(host, 'keys.list', '{not json');
    assert.equal(notJson.status, 400);
    const unknown = await api(host, 'keys.steal', {});
    assert.equal(unknown.status, 400);
    const tooBig = await api(host, 'trust.add', { name: 'a', pem: 'y'.repeat(2 * 1024 * 1024) });
    assert.equal(tooBig.status, 413);
    assert.deepEqual(calls, [], 'no handler ran');
  });

  test('no token, a wrong token, a foreign Host or a foreign Origin is refused; the CSP is on every response', async () => {
    const noToken = await raw(host.port, '/api/keys.list', { headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(noToken.status, 401);
    // Change the first character, and never to itself: a fixed replacement letter would rebuild the
    // right token whenever the token already had that letter there (1 launch in 64, or 1 in 16 for
    // the last character, whose low bits base64url always leaves zero).
    const wrongToken = `${host.token.startsWith('A') ? 'B' : 'A'}${host.token.slice(1)}`;
    assert.notEqual(wrongToken, host.token);
    const wrong = await api(host, 'keys.list', {}, { authorization: `Bearer ${wrongToken}` });
    assert.equal(wrong.status, 401);
    const shortTok = await api(host, 'keys.list', {}, { authorization: 'Bearer x' });
    assert.equal(shortTok.status, 401);
    const foreignHost = await api(host, 'keys.list', {}, { host: `evil.example:${host.port}` });
    assert.equal(foreignHost.status, 421);
    const otherPort = await api(host, 'keys.list', {}, { host: `127.0.0.1:${host.port + 1}` });
    assert.equal(otherPort.status, 421);
    const foreignOrigin = await api(host, 'keys.list', {}, { origin: 'http://evil.example' });
    assert.equal(foreignOrigin.status, 403);
    const events = await new Promise<number>((resolve, reject) => {
      request({ host: '127.0.0.1', port: host.port, path: '/api/events?token=wrong', method: 'GET', agent: false }, (res) => { resolve(res.statusCode ?? 0); res.resume(); }).on('error', reject).end();
    });
    assert.equal(events, 401);
    const get = await raw(host.port, '/api/keys.list', { method: 'GET', headers: { authorization: `Bearer ${host.token}` } });
    assert.equal(get.status, 405);
    const traversal = await raw(host.port, '/../../../etc/passwd', { method: 'GET' });
    assert.notEqual(traversal.status, 200);
    const encoded = await raw(host.port, '/%2e%2e/%2e%2e/etc/passwd', { method: 'GET' });
    assert.notEqual(encoded.status, 200);
    assert.deepEqual(calls, [], 'no handler ran');
    const sameOrigin = await api(host, 'keys.list', {}, { origin: `http://127.0.0.1:${host.port}` });
    assert.equal(sameOrigin.status, 200, sameOrigin.body);
    const localhost = await api(host, 'keys.list', {}, { host: `localhost:${host.port}` });
    assert.equal(localhost.status, 200);
    const page = await raw(host.port, '/', { method: 'GET' });
    assert.equal(page.status, 200);
    // Every response, refusals and errors included, as served.
    for (const r of [noToken, wrong, shortTok, foreignHost, otherPort, foreignOrigin, get, traversal, encoded, sameOrigin, localhost, page]) assert.equal(r.headers['content-security-policy'], CSP);
  });

  test('a full session (generate, sign, export) sends no private key bytes in any form', async () => {
    recorded.length = 0;
    const image = `${reg.host}/team/app:v1`;
    await pushFixtureImage(reg, 'team/app', 'v1');
    const ok = async (name: string, args: unknown) => {
      const r = await api(host, name, args);
      assert.equal(r.status, 200, `${name}: ${r.body}`);
      return JSON.parse(r.body).result;
    };
    const keyEd = await ok('keys.generate', { name: 'release', algorithm: 'ed25519' });
    const keyEc = await ok('keys.generate', { name: 'ci', algorithm: 'ecdsa-p256' });
    const src = await ok('sources.add', { kind: 'registry', location: `${reg.host}/team/app` });
    assert.equal((await ok('images.list', { sourceId: src.id }))[0].verdict, 'unsigned');
    const plan = await ok('sign.plan', { image });
    assert.match(plan.storedAt, /sha256-[0-9a-f]{64}\.sig$/);
    const signed = await ok('sign.run', { image, key: 'release', annotations: { env: 'prod' }, recursive: true });
    assert.equal(signed.signatures[0].readBack.verdict, 'verified');
    await ok('sign.run', { image, key: 'ci', annotations: {}, recursive: true });
    // Progress of long work arrives on the event stream, tagged with the request's opId.
    let events = '';
    const stream = request({ host: '127.0.0.1', port: host.port, path: `/api/events?token=${host.token}`, method: 'GET', agent: false });
    const opened = new Promise<void>((resolve, reject) => {
      stream.on('response', (res) => { res.on('data', (d: Buffer) => { events += d.toString(); }); resolve(); });
      stream.on('error', reject);
    });
    stream.end();
    await opened;
    const rows = await ok('images.list', { sourceId: src.id, opId: 'list1' });
    await new Promise((r) => setTimeout(r, 100));
    stream.destroy();
    assert.match(events, /data: \{"opId":"list1","message":"Checked 1 of 1 images/);
    assert.equal(rows[0].verdict, 'verified');
    assert.deepEqual(rows[0].signers.sort(), ['ci', 'release']);
    const pub = await ok('keys.exportPublic', { name: 'release' });
    assert.match(pub.pem, /BEGIN PUBLIC KEY/);
    assert.equal(pub.fingerprint, keyEd.fingerprint);
    for (const format of ['cosign', 'containers', 'kyverno', 'kyverno-ivp', 'policy-controller']) {
      const p = await ok('policy.export', { format, images: `${reg.host}/team/*`, keys: [] });
      assert.ok(p.files.length >= 1);
    }
    await ok('keys.list', {});
    await ok('audit.list', {});
    assert.ok(recorded.length > 10);

    const transcript = recorded.map((r) => `${r.request}\n${r.response}`).join('\n');
    const lower = transcript.toLowerCase();
    assert.equal(keyBackend.secrets.size, 2);
    for (const [id, secret] of keyBackend.secrets) {
      assert.ok(id === keyEd.id || id === keyEc.id);
      const pkcs8 = Buffer.from(secret, 'base64');
      // The whole PKCS#8, and the private scalar alone (the last 32 bytes of an Ed25519 PKCS#8;
      // for P-256 the 32 bytes after the 04 20 octet-string header near the start).
      const scalars = [pkcs8.subarray(pkcs8.length - 32)];
      const i = pkcs8.indexOf(Buffer.from([0x04, 0x20]));
      if (i >= 0) scalars.push(pkcs8.subarray(i + 2, i + 34));
      for (const bytes of [pkcs8, ...scalars]) {
        assert.ok(!transcript.includes(bytes.toString('latin1')), 'raw bytes');
        assert.ok(!lower.includes(bytes.toString('hex')), 'hex');
        for (const b64 of [bytes.toString('base64'), bytes.toString('base64url')]) {
          // Any 16-character run of the base64, so a re-wrapped or offset encoding is caught too.
          for (let k = 0; k + 16 <= b64.length - 2; k += 4) assert.ok(!transcript.includes(b64.slice(k, k + 16)), 'base64');
        }
      }
      const pemBody = pkcs8.toString('base64').match(/.{1,64}/g)!;
      for (const line of pemBody) assert.ok(!transcript.includes(line), 'PEM line');
    }
    assert.ok(!/PRIVATE KEY/.test(transcript));
  });

  test('sign.run signs the digest that was reviewed: if the tag moved since the review, nothing is signed', async () => {
    const image = `${reg.host}/team/moving:v1`;
    const first = await pushRandomImage(reg, 'team/moving', 'v1');
    await api(host, 'keys.generate', { name: 'reviewer', algorithm: 'ecdsa-p256' });
    const plan = JSON.parse((await api(host, 'sign.plan', { image })).body).result;
    assert.equal(plan.digest, first.digest);
    const second = await pushRandomImage(reg, 'team/moving', 'v1'); // pushed again while the user reviews
    const refused = JSON.parse((await api(host, 'sign.run', { image, key: 'reviewer', annotations: {}, recursive: true, expectedDigest: plan.digest })).body);
    assert.equal(refused.ok, false);
    assert.equal(refused.error.code, 'IMAGE_CHANGED');
    assert.match(refused.error.message, new RegExp(`now resolves to ${second.digest}, not to ${plan.digest}, the digest that was reviewed`));
    const tags = await fetch(`http://${reg.host}/v2/team/moving/tags/list`).then((r) => r.json() as Promise<{ tags: string[] }>);
    assert.deepEqual(tags.tags, ['v1'], 'no signature was written for either digest');
    const signed = JSON.parse((await api(host, 'sign.run', { image, key: 'reviewer', annotations: {}, recursive: true, expectedDigest: second.digest })).body);
    assert.equal(signed.ok, true, JSON.stringify(signed));
    assert.equal(signed.result.digest, second.digest);
  });
});
