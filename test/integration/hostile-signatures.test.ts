// Hostile signature manifests through the real CLI (issue 11, finding 9): bounds per image, not
// only per request, the same for a registry and an OCI layout (cosign/signature-limits.ts).
//
//  - On a real docker-registry (it accepts a 4 MiB manifest, and 13,500 layer descriptors naming
//    one payload fit in 4.09 MB), behind the fault proxy whose request log counts the GETs: a `.sig`
//    manifest of 13,500 copies of a valid signature, which on main cost 13,500 payload GETs and
//    minutes of CPU, is "could not check" in words, with no payload GET at all; at the bound
//    (100 copies) it verifies with one payload GET; one layer over it, with an INVALID signature
//    among them, is could-not-check, neither verified nor a partial read presented as complete.
//  - On the hostile registry double (test/helpers/hostile-registry.ts; no registry stores 4,000
//    payloads of 1 MB nobody uploaded): 4,000 layers naming distinct 1 MB payloads, 4 GB downloaded
//    on main, and 100 such layers (within the layer bound, beyond 16 MiB) download nothing.
//  - In an OCI layout, 13,500 layers are could-not-check too.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestRegistry } from '../helpers/registry.js';
import type { FaultProxy } from '../helpers/fault-proxy.js';
import { startHostileStage, type HostileStage } from '../helpers/hostile-stage.js';
import { getManifest, pushBlob, pushManifest, pushRandomImage, OCI_MANIFEST } from '../helpers/push.js';
import { jsonLines, runSignet } from '../helpers/cli.js';
import { blobPath, nameImage, writeBlob, writeImage } from '../helpers/layout.js';
import { sha256, type HostileRegistry } from '../helpers/hostile-registry.js';

const HINT = 'dev.signet/key-fingerprint';
let stage: HostileStage;
let reg: TestRegistry;
let proxy: FaultProxy;
let hostile: HostileRegistry;
let dir: string;
let env: NodeJS.ProcessEnv;
let key: string;
let imageDigest: string;
let sigTag: string;
let fingerprint: string;
let layer: { mediaType: string; digest: string; size: number; annotations: Record<string, string> };

interface Layer { mediaType: string; digest: string; size: number; annotations?: Record<string, string> }

/** A signature manifest of `layers`, as cosign stores it (its config lists the payload digests). */
function signatureManifest(layers: Layer[]): { manifest: Buffer; config: Buffer } {
  const config = Buffer.from(JSON.stringify({ architecture: '', os: '', config: {}, rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) } }));
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length }, layers }));
  return { manifest, config };
}

async function storeSignatures(layers: Layer[]): Promise<number> {
  const { manifest, config } = signatureManifest(layers);
  await pushBlob(reg, 'sig/app', config);
  await pushManifest(reg, 'sig/app', sigTag, manifest, OCI_MANIFEST);
  return manifest.length;
}

const payloadGets = (): number => proxy.requests.filter((r) => r.method === 'GET' && r.path === `/v2/sig/app/blobs/${layer.digest}`).length;

before(async () => {
  stage = await startHostileStage();
  ({ dir, reg, proxy, hostile, env, key } = stage);
  imageDigest = (await pushRandomImage(reg, 'sig/app', 'v1')).digest;
  // Signed under the proxy's name: that is the repository verified below.
  const signed = await runSignet(['sign', `${proxy.host}/sig/app:v1`, '--key', `${key}.key`], { env });
  assert.equal(signed.code, 0, signed.stderr);
  sigTag = `sha256-${imageDigest.slice(7)}.sig`;
  const stored = JSON.parse((await getManifest(reg, 'sig/app', sigTag)).body.toString('utf8'));
  layer = stored.layers[0];
  // Without Signet's key hint, as cosign and skopeo write it: 13,500 copies then fit in 4 MiB.
  fingerprint = layer.annotations[HINT]!;
  delete layer.annotations[HINT];
});
after(() => stage.stop());

test('13,500 layers naming one payload: could not check, in words, without a single payload GET (real registry)', async () => {
  const size = await storeSignatures(Array.from({ length: 13_500 }, () => layer));
  assert.ok(size > 4_000_000 && size <= 4 << 20, `the manifest is ${size} bytes, within what distribution accepts`);
  proxy.requests.length = 0;
  const r = await runSignet(['verify', `${proxy.host}/sig/app:v1`, '--key', `${key}.pub`, '--json'], { env });
  const [row] = jsonLines(r.stdout);
  assert.equal(row.verdict, 'error', r.stdout);
  assert.equal(row.message, `could not check: The signature manifest at ${proxy.host}/sig/app:${sigTag} has 13,500 signatures, more than the 100 Signet checks for one image.`);
  assert.equal(r.code, 2);
  assert.equal(payloadGets(), 0);
});

test('at the bound (100 layers naming one payload): verified, with one payload GET; one more, with an INVALID among them, is could-not-check', async () => {
  await storeSignatures(Array.from({ length: 100 }, () => layer));
  proxy.requests.length = 0;
  const r = await runSignet(['verify', `${proxy.host}/sig/app:v1`, '--key', `${key}.pub`, '--json'], { env });
  const [row] = jsonLines(r.stdout);
  assert.equal(row.verdict, 'verified', row.message);
  assert.equal(row.signatures.length, 100);
  assert.equal(r.code, 0);
  assert.equal(payloadGets(), 1, 'one GET for the one distinct payload');

  const sig = Buffer.from(layer.annotations['dev.cosignproject.cosign/signature']!, 'base64');
  sig[0] = sig[0]! ^ 1;
  const altered = { ...layer, annotations: { 'dev.cosignproject.cosign/signature': sig.toString('base64'), [HINT]: fingerprint } }; // claims the trusted key, fails: INVALID on its own
  await storeSignatures([...Array.from({ length: 100 }, () => layer), altered]);
  const over = await runSignet(['verify', `${proxy.host}/sig/app:v1`, '--key', `${key}.pub`, '--json'], { env });
  assert.deepEqual(jsonLines(over.stdout).map((x) => [x.verdict, x.message]), [['error', `could not check: The signature manifest at ${proxy.host}/sig/app:${sigTag} has 101 signatures, more than the 100 Signet checks for one image.`]]);
  assert.equal(over.code, 2);
});

test('4,000 layers naming distinct 1 MB payloads, and 100 of them: could not check, nothing downloaded (hostile registry double)', async () => {
  const config = Buffer.from('{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":[]}}');
  const image = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: hostile.setBlob(config), size: config.length }, layers: [] }));
  const digest = hostile.setManifest('app', 'v1', image);
  const mb = Buffer.alloc(1_000_000, 'x');
  hostile.blobFallback = () => mb; // served to anyone who asks, as the attack did
  for (const [count, re] of [[4000, /has 4,000 signatures, more than the 100 Signet checks/], [100, /names 100,000,000 bytes of signed payloads, more than the 16,777,216 bytes \(16 MiB\) Signet reads for one image/]] as const) {
    const layers = Array.from({ length: count }, (_, i) => ({ ...layer, digest: sha256(`payload ${i}`), size: 1_000_000 }));
    const { manifest, config: sigConfig } = signatureManifest(layers);
    hostile.setBlob(sigConfig);
    hostile.setManifest('app', `sha256-${digest.slice(7)}.sig`, manifest);
    hostile.blobBytesSent = 0;
    const r = await runSignet(['verify', `${hostile.host}/app:v1`, '--key', `${key}.pub`, '--json'], { env });
    const [row] = jsonLines(r.stdout);
    assert.equal(row.verdict, 'error', row.message);
    assert.match(row.message, re);
    assert.equal(r.code, 2);
    assert.ok(hostile.blobBytesSent < 4 << 20, `${hostile.blobBytesSent} bytes of blobs downloaded, not gigabytes`);
  }
  hostile.blobFallback = undefined;
});

test('in an OCI layout too: 13,500 layers are could-not-check; 100 identical ones verify', async () => {
  const lay = join(dir, 'layout');
  nameImage(lay, 'v1', writeImage(lay));
  const identity = `${reg.host}/team/app:v1`;
  const s = await runSignet(['sign', `oci:${lay}:v1`, '--key', `${key}.key`, '--identity', identity], { env });
  assert.equal(s.code, 0, s.stderr);
  const index = JSON.parse(readFileSync(join(lay, 'index.json'), 'utf8'));
  const sigEntry = index.manifests.find((m: Layer) => /^sha256-[0-9a-f]{64}\.sig$/.test(m.annotations?.['org.opencontainers.image.ref.name'] ?? ''));
  const stored = JSON.parse(readFileSync(blobPath(lay, sigEntry.digest), 'utf8'));
  delete stored.layers[0].annotations[HINT];
  const verify = async (copies: number) => {
    const { manifest, config } = signatureManifest(Array.from({ length: copies }, () => stored.layers[0]));
    writeBlob(lay, config);
    Object.assign(sigEntry, { digest: writeBlob(lay, manifest), size: manifest.length });
    writeFileSync(join(lay, 'index.json'), JSON.stringify(index));
    const r = await runSignet(['verify', `oci:${lay}:v1`, '--key', `${key}.pub`, '--identity', `${reg.host}/team/app`, '--json'], { env });
    return { row: jsonLines(r.stdout)[0], code: r.code };
  };
  const many = await verify(13_500);
  assert.equal(many.row.verdict, 'error');
  assert.match(many.row.message, /^could not check: The signature manifest at oci:.*:sha256-[0-9a-f]{64}\.sig has 13,500 signatures, more than the 100 Signet checks for one image\.$/);
  assert.equal(many.code, 2);
  const bound = await verify(100);
  assert.equal(bound.row.verdict, 'verified', bound.row.message);
  assert.equal(bound.code, 0);
});
