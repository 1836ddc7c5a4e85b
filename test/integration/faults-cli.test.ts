// Faults a real registry cannot be made to produce, injected by a loopback proxy in front of a
// real docker-registry: what `signet verify` reports and how it exits for each.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { getManifest, pushBlob, pushManifest, pushRandomImage, OCI_MANIFEST } from '../helpers/push.js';
import { startFaultProxy, startRecordingServer, type FaultProxy, type RecordingServer } from '../helpers/fault-proxy.js';
import { makeTempDir } from '../helpers/tmp.js';
import { dockerConfigWith, jsonLines, runSignet } from '../helpers/cli.js';

let reg: TestRegistry;
let proxy: FaultProxy;
let other: RecordingServer;
let dir: string;
let env: NodeJS.ProcessEnv;
let digest: string;
let payloadDigest: string;

before(async () => {
  reg = await startRegistry({ auth: 'htpasswd' });
  proxy = await startFaultProxy(reg.url);
  other = await startRecordingServer('127.0.0.2');
  dir = await makeTempDir();
  env = { COSIGN_PASSWORD: 'pw', DOCKER_CONFIG: dockerConfigWith([{ host: proxy.host, username: reg.username, password: reg.password }]) };
  assert.equal((await runSignet(['keys', 'generate-file', join(dir, 'k')], { env })).code, 0);
  digest = (await pushRandomImage(reg, 'faults/app', 'v1')).digest;
  const s = await runSignet(['sign', `${proxy.host}/faults/app:v1`, '--key', join(dir, 'k.key')], { env });
  assert.equal(s.code, 0, s.stderr);
  const sig = JSON.parse((await getManifest(reg, 'faults/app', `sha256-${digest.slice(7)}.sig`)).body.toString());
  payloadDigest = sig.layers[0].digest;
});
after(async () => {
  await proxy?.stop();
  await other?.stop();
  await reg?.stop();
});

const verify = (extra: string[] = []) => runSignet(['verify', `${proxy.host}/faults/app:v1`, '--key', join(dir, 'k.pub'), '--json', ...extra], { env });
const isManifestGet = (p: string) => p.startsWith('/v2/faults/app/manifests/');

test('500s then success: retried, verified', async () => {
  let failures = 0;
  proxy.setHandler((req) => {
    if (!isManifestGet(req.path) || failures >= 2) return { kind: 'pass' };
    failures += 1;
    return { kind: 'status', status: 500, body: 'boom' };
  });
  const r = await verify();
  assert.equal(jsonLines(r.stdout)[0].verdict, 'verified', r.stdout + r.stderr);
  assert.equal(r.code, 0);
  assert.equal(failures, 2, 'two 500s were answered, then the requests passed');
});

test('500 forever: a plain error and exit 2, no stack trace', async () => {
  proxy.setHandler((req) => (isManifestGet(req.path) ? { kind: 'status', status: 500, body: 'boom' } : { kind: 'pass' }));
  const r = await verify();
  const out = jsonLines(r.stdout)[0];
  assert.equal(out.verdict, 'error');
  assert.equal(r.code, 2);
  assert.match(out.message, /could not check: .*500/);
  assert.doesNotMatch(r.stdout + r.stderr, /\.js:\d+/);
});

test('a registry that serves other bytes for a manifest digest: an error naming both digests', async () => {
  const other2 = await pushRandomImage(reg, 'faults/other', 'v1');
  proxy.setHandler((req) => (req.path === `/v2/faults/app/manifests/${digest}` ? { kind: 'replaceBody', body: other2.manifest } : { kind: 'pass' }));
  const r = await runSignet(['verify', `${proxy.host}/faults/app@${digest}`, '--key', join(dir, 'k.pub'), '--json'], { env });
  const out = jsonLines(r.stdout)[0];
  assert.equal(out.verdict, 'error');
  assert.equal(r.code, 2);
  assert.ok(out.message.includes(digest) && out.message.includes(other2.digest), out.message);
});

test('a cross-host redirect for a blob: the second host receives no credentials', async () => {
  other.requests.length = 0;
  proxy.setHandler((req) => (req.path === `/v2/faults/app/blobs/${payloadDigest}` ? { kind: 'redirect', location: `${other.url}/storage/${payloadDigest}` } : { kind: 'pass' }));
  const r = await verify();
  assert.ok(other.requests.length >= 1, 'the client followed the redirect');
  for (const req of other.requests) assert.equal(req.headers.authorization, undefined, 'no Authorization header on another host');
  // The recording server answers with other bytes, so the payload fails its digest check.
  assert.notEqual(jsonLines(r.stdout)[0].verdict, 'verified');
  const toRegistry = proxy.requests.filter((q) => q.path.startsWith('/v2/faults/'));
  assert.ok(toRegistry.some((q) => typeof q.headers.authorization === 'string'), 'the registry itself did get credentials');
});

test('a signature manifest served with other bytes than its digest: could not check', async () => {
  proxy.setHandler((req) => (req.path.endsWith('.sig') && req.method === 'GET' ? { kind: 'replaceBody', body: '{"schemaVersion":2,"layers":"nope"}' } : { kind: 'pass' }));
  const r = await verify();
  const out = jsonLines(r.stdout)[0];
  assert.equal(out.verdict, 'error', r.stdout);
  assert.equal(r.code, 2);
  assert.match(out.message, /does not match the digest/);
});

test('a malformed signature manifest stored in the registry: could not check, not a crash', async () => {
  proxy.setHandler(() => ({ kind: 'pass' }));
  const img = await pushRandomImage(reg, 'faults/malformed', 'v1');
  const cfg = await pushBlob(reg, 'faults/malformed', Buffer.from('{}'));
  // The registry accepts a negative layer size; Signet's parser must not.
  const junk = JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: cfg, size: 2 }, layers: [{ mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', digest: cfg, size: -1 }] });
  await pushManifest(reg, 'faults/malformed', `sha256-${img.digest.slice(7)}.sig`, junk, OCI_MANIFEST);
  const r = await runSignet(['verify', `${proxy.host}/faults/malformed:v1`, '--key', join(dir, 'k.pub'), '--json'], { env });
  const out = jsonLines(r.stdout)[0];
  assert.equal(out.verdict, 'error', r.stdout);
  assert.equal(r.code, 2);
  assert.match(out.message, /signature manifest is malformed: .*layers\[0\]\.size/);
});

test('a truncated blob: never verified, and said plainly', async () => {
  proxy.setHandler((req) => (req.path === `/v2/faults/app/blobs/${payloadDigest}` ? { kind: 'truncate', bytes: 40 } : { kind: 'pass' }));
  const r = await verify();
  const out = jsonLines(r.stdout)[0];
  assert.notEqual(out.verdict, 'verified');
  assert.ok(out.verdict === 'error' || out.verdict === 'invalid', out.verdict);
  assert.ok(r.code === 1 || r.code === 2);
});

test('a payload blob that does not end: INVALID, and Signet stops reading at the declared size', async () => {
  for (const contentLength of [undefined, 10 * 2 ** 30]) {
    let hungUp!: (bytesSent: number) => void;
    const closed = new Promise<number>((resolve) => { hungUp = resolve; });
    proxy.setHandler((req) => (req.method === 'GET' && req.path === `/v2/faults/app/blobs/${payloadDigest}`
      ? { kind: 'endless', ...(contentLength !== undefined ? { contentLength } : {}), onClose: hungUp }
      : { kind: 'pass' }));
    const r = await verify();
    const out = jsonLines(r.stdout)[0];
    assert.equal(out.verdict, 'invalid', r.stdout + r.stderr);
    assert.equal(r.code, 1);
    assert.match(out.message, contentLength === undefined ? /longer than the \d+ bytes its descriptor declares/ : /10737418240 bytes according to the registry, but its descriptor declares \d+/);
    const sent = await closed;
    // The payload is a few hundred bytes; before this check moved into the client, Signet read up to 1 MiB.
    assert.ok(sent < 512 * 1024, `the proxy wrote ${sent} bytes before Signet hung up`);
  }
});

test('signing over a malformed signature manifest is refused, and nothing is overwritten', async () => {
  proxy.setHandler(() => ({ kind: 'pass' }));
  const img = await pushRandomImage(reg, 'faults/junk', 'v1');
  const junkConfig = await pushBlob(reg, 'faults/junk', Buffer.from('{}'));
  const junk = JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: junkConfig, size: 2 }, layers: [{ mediaType: 'x', digest: junkConfig, size: -1 }] });
  await pushManifest(reg, 'faults/junk', `sha256-${img.digest.slice(7)}.sig`, junk, OCI_MANIFEST);
  const r = await runSignet(['sign', `${proxy.host}/faults/junk:v1`, '--key', join(dir, 'k.key')], { env });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /will not overwrite/);
  const after = await getManifest(reg, 'faults/junk', `sha256-${img.digest.slice(7)}.sig`);
  assert.equal(after.body.toString(), junk);
});
