// Faults under load: a fault proxy in front of the real registry injects resets, stalls past the
// client timeout, 500/502/503, 429 with Retry-After and short reads at 10% of requests, while
// `signet verify` checks many images and `signet push --sign` uploads a large image at the same
// time. Every verdict must be the right one or "could not check" (never a wrong verdict); the push
// either completes with a verified signature or fails cleanly and succeeds when re-run; and no
// signature that existed before is gone afterwards.
//
// CI size: SIGNET_LOAD_IMAGES (default 120) images and a SIGNET_LOAD_PUSH_MIB (default 16) MiB
// push. `npm run soak` runs the full size: 1,000 images and a 200 MiB push.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { getManifest, pushBlob, pushManifest, OCI_MANIFEST } from '../helpers/push.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { faultMix } from '../helpers/fault-mix.js';
import { makeTempDir } from '../helpers/tmp.js';
import { writeArchive } from '../helpers/archive.js';
import { dockerConfigWith, jsonLines, runSignet } from '../helpers/cli.js';
import { buildPayload } from '../../electron/engine/cosign/payload.js';
import { buildSignatureManifest, newSignatureLayer } from '../../electron/engine/cosign/signature-manifest.js';
import { KEY_HINT_ANNOTATION } from '../../electron/engine/cosign/verdict.js';
import { generatePrivateKey, type PrivateKey } from '../../electron/engine/keys/private-key.js';
import { signerFromPrivateKey } from '../../electron/engine/keys/signer.js';
import { encryptCosignKey } from '../../electron/engine/keys/cosign-key-file.js';
import { writeFile } from 'node:fs/promises';
import type { Digest } from '../../electron/engine/content/digest.js';

const IMAGES = Number(process.env.SIGNET_LOAD_IMAGES ?? 120);
const PUSH_MIB = Number(process.env.SIGNET_LOAD_PUSH_MIB ?? 16);
const REPOS = 4;

type Expected = 'verified' | 'unsigned' | 'unknown-key' | 'invalid';
interface Img { ref: string; repo: string; digest: string; expected: Expected }

let reg: TestRegistry;
let proxy: FaultProxy;
let dir: string;
let env: NodeJS.ProcessEnv;
const images: Img[] = [];
let trusted: PrivateKey;

async function storeSignature(repo: string, digest: string, key: PrivateKey, identity: string): Promise<void> {
  const payload = Buffer.from(buildPayload({ dockerReference: identity, manifestDigest: digest as Digest, creator: 'load test', timestamp: 1_760_000_000 }));
  const sig = await signerFromPrivateKey(key).sign(payload);
  const layer = newSignatureLayer(payload, sig, { [KEY_HINT_ANNOTATION]: key.publicKey.fingerprint });
  const blobs = buildSignatureManifest([layer]);
  await pushBlob(reg, repo, payload);
  await pushBlob(reg, repo, blobs.config);
  await pushManifest(reg, repo, `sha256-${digest.slice(7)}.sig`, blobs.manifest, OCI_MANIFEST);
}

before(async () => {
  reg = await startRegistry({ auth: 'htpasswd' });
  proxy = await startFaultProxy(reg.url);
  dir = await makeTempDir();
  trusted = generatePrivateKey('ecdsa-p256');
  const untrusted = generatePrivateKey('ed25519');
  await writeFile(join(dir, 'trusted.pub'), trusted.publicKey.pem);
  await writeFile(join(dir, 'trusted.key'), await encryptCosignKey(trusted, 'pw-for-tests'));
  env = {
    COSIGN_PASSWORD: 'pw-for-tests',
    SIGNET_HTTP_TIMEOUT_MS: '1500',
    DOCKER_CONFIG: dockerConfigWith([{ host: proxy.host, username: reg.username, password: reg.password }]),
  };
  // Many images sharing one layer, each with its own config (so its own digest).
  const limit = pLimit(16);
  const layer = randomBytes(256);
  const layerDigests = new Map<string, string>();
  for (let r = 0; r < REPOS; r++) layerDigests.set(`load/r${r}`, await pushBlob(reg, `load/r${r}`, layer));
  const kinds: Expected[] = ['verified', 'unsigned', 'verified', 'unknown-key', 'invalid', 'unsigned'];
  await Promise.all(Array.from({ length: IMAGES }, (_, i) => limit(async () => {
    const repo = `load/r${i % REPOS}`;
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [] }, id: i }));
    const configDigest = await pushBlob(reg, repo, config);
    const manifest = JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length }, layers: [{ mediaType: 'application/octet-stream', digest: layerDigests.get(repo), size: layer.length }] });
    const tag = `t${i}`;
    const digest = await pushManifest(reg, repo, tag, manifest, OCI_MANIFEST);
    const expected = kinds[i % kinds.length]!;
    const identity = `${proxy.host}/${repo}:${tag}`;
    if (expected === 'verified') await storeSignature(repo, digest, trusted, identity);
    if (expected === 'unknown-key') await storeSignature(repo, digest, untrusted, identity);
    if (expected === 'invalid') await storeSignature(repo, digest, trusted, `${proxy.host}/load/elsewhere:${tag}`);
    images[i] = { ref: `${proxy.host}/${repo}:${tag}`, repo, digest, expected };
  })));
});
after(async () => {
  await proxy?.stop();
  await reg?.stop();
});

async function signatureSnapshot(): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const limit = pLimit(16);
  await Promise.all(images.map((img) => limit(async () => {
    const m = await getManifest(reg, img.repo, `sha256-${img.digest.slice(7)}.sig`);
    if (m.status === 200) out.set(img.ref, (JSON.parse(m.body.toString()) as { layers: Array<{ digest: string }> }).layers.map((l) => l.digest));
  })));
  return out;
}

test(`verify ${IMAGES} images and push a ${PUSH_MIB} MiB image at once through 10% faults: no wrong verdict, push completes or fails cleanly, nothing lost`, async () => {
  const before = await signatureSnapshot();
  const archive = join(dir, 'big.tar');
  const layerCount = Math.max(1, Math.ceil(PUSH_MIB / 8));
  const layers = Array.from({ length: layerCount }, (_, i) => randomBytes(Math.floor((PUSH_MIB * 1024 * 1024) / layerCount) + i));
  await writeArchive(archive, [{ tags: ['load/big:v1'], layers }]);
  // An existing signature in the push's destination repository, which the push must not disturb.
  const neighbour = images.find((i) => i.repo === 'load/r0' && i.expected === 'verified')!;

  const mix = faultMix({ rate: 0.1, stallMs: 2500 });
  proxy.setHandler(mix.handler);
  const started = Date.now();
  const pushOnce = () => runSignet(['push', `docker-archive:${archive}`, `${proxy.host}/load/r0:big`, '--sign', join(dir, 'trusted.key'), '--json'], { env, timeoutMs: 600_000 });
  const [verify, firstPush] = await Promise.all([
    runSignet(['verify', ...images.map((i) => i.ref), '--key', join(dir, 'trusted.pub'), '--json'], { env, timeoutMs: 600_000 }),
    pushOnce(),
  ]);
  const pushes = [firstPush];
  while (pushes.at(-1)!.code !== 0 && pushes.length < 4) {
    const p = pushes.at(-1)!;
    assert.doesNotMatch(p.stderr, /\.js:\d+|TypeError|RangeError|ReferenceError/, `a failed push fails cleanly: ${p.stderr}`);
    pushes.push(await pushOnce());
  }
  mix.enabled = false;

  // Verdicts: right, or could not check; never wrong.
  const results = jsonLines(verify.stdout);
  assert.equal(results.length, images.length, verify.stderr);
  const wrong: string[] = [];
  let couldNotCheck = 0;
  results.forEach((r: { image: string; verdict: string; message: string }, i: number) => {
    if (r.verdict === 'error') couldNotCheck += 1;
    else if (r.verdict !== images[i]!.expected) wrong.push(`${images[i]!.ref}: expected ${images[i]!.expected}, got ${r.verdict}: ${r.message}`);
  });
  console.log(`faults under load: seed ${mix.seed}, ${proxy.requests.length} requests, injected ${JSON.stringify(mix.counts)}; ${images.length} verdicts (${couldNotCheck} could not check) and ${pushes.length} push run(s) in ${Math.round((Date.now() - started) / 1000)} s`);
  assert.deepEqual(wrong, [], 'no wrong verdict');
  assert.ok(couldNotCheck <= images.length / 4, `most images were checked despite the faults (${couldNotCheck} could not check)`);

  // The push completed (perhaps on a re-run) with a signature that verifies now.
  const last = pushes.at(-1)!;
  assert.equal(last.code, 0, `the push succeeded when re-run: ${last.stderr}`);
  const pushed = JSON.parse(last.stdout) as { digest: string };
  const v = await runSignet(['verify', `${proxy.host}/load/r0:big`, `${neighbour.ref}`, '--key', join(dir, 'trusted.pub'), '--json'], { env });
  assert.deepEqual(jsonLines(v.stdout).map((r: { verdict: string }) => r.verdict), ['verified', 'verified'], v.stdout + v.stderr);
  assert.equal(jsonLines(v.stdout)[0].digest, pushed.digest);

  // No signature that existed before disappeared.
  const afterSnap = await signatureSnapshot();
  for (const [ref, layers] of before) {
    const now = afterSnap.get(ref);
    assert.ok(now, `${ref}: its signature manifest is still there`);
    for (const l of layers) assert.ok(now.includes(l), `${ref}: signature ${l} is still there`);
  }
});
