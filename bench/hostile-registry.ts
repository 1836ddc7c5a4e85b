// bench/hostile-registry: peak RSS and wall time of the `signet` CLI against a hostile registry
// (issue 11, findings 4 and 9), with the bounds that hold them. Figures, not pass/fail; recorded
// in docs/benchmarks.md ("hostile-registry") and docs/security.md.
//
//   npx tsc -p . && node dist/bench/hostile-registry.js [--keys 20] [--strangers 100]
//
// The registry is the test double test/helpers/hostile-registry.ts in this process (no real
// registry serves these answers). Each case is one CLI process under GNU time (%e wall s, %M
// peak RSS KiB):
//  - tags-130k:       `signet images HOST/app`, one tag-list page of 130,000 names;
//  - tags-endless:    the same, rel="next" pages of 100,000 names without end;
//  - sig-13500:       `signet verify HOST/app:v1`, a signature manifest of 13,500 layers naming one payload;
//  - sig-4000x1MB:    the same with 4,000 layers naming distinct 1 MB payloads (served if asked);
//  - sig-100x1MB:     100 such layers: within the layer bound, beyond the payload bytes bound;
//  - sig-bound-same:   as many identical layers of a valid signature as the bound allows (100;
//    fetched and evaluated once);
//  - sig-bound-strangers: that many distinct valid signatures by keys nobody trusts, verified
//    against `--keys` trusted Ed25519 keys: the worst CPU one image can cost within the bounds
//    (`--strangers N` measures N such signatures instead, e.g. 1,000, what the bound was chosen against);
//  - trickle:         `signet verify HOST/app:v1` against a server that sends the manifest one byte
//    every 1.5 s, with SIGNET_HTTP_TIMEOUT_MS=2000 (finding 9) and the default whole-request deadline
//    and per-image budget: the wall time is the budget that holds it (`--no-trickle` skips it: ~2 min).
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startHostileRegistry, sha256 } from '../test/helpers/hostile-registry.js';
import { makeTempDir } from '../test/helpers/tmp.js';
import { CLI } from '../test/helpers/cli.js';
import { generatePrivateKey } from '../electron/engine/keys/private-key.js';
import { signerFromPrivateKey } from '../electron/engine/keys/signer.js';
import { buildPayload } from '../electron/engine/cosign/payload.js';
import { buildSignatureManifest, newSignatureLayer, type SignatureLayer } from '../electron/engine/cosign/signature-manifest.js';
import { signatureTag } from '../electron/engine/cosign/signature-manifest.js';
import type { Digest } from '../electron/engine/content/digest.js';
import { MAX_SIGNATURES_PER_IMAGE } from '../electron/engine/cosign/signature-limits.js';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const TRUSTED_KEYS = arg('keys', 20);
const STRANGERS = arg('strangers', MAX_SIGNATURES_PER_IMAGE);

const work = await makeTempDir('signet-bench-hostile-');
const reg = await startHostileRegistry();

// The image app:v1 and the trusted keys (public key files for --key).
const config = Buffer.from('{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":[]}}');
const configDigest = reg.setBlob(config);
const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length }, layers: [] }));
const imageDigest = reg.setManifest('app', 'v1', manifest) as Digest;
const trusted = Array.from({ length: TRUSTED_KEYS }, () => generatePrivateKey('ed25519'));
const keyArgs: string[] = [];
trusted.forEach((k, i) => {
  const file = join(work, `trusted-${i}.pub`);
  writeFileSync(file, k.publicKey.pem);
  keyArgs.push('--key', file);
});
const payload = buildPayload({ dockerReference: `${reg.host}/app`, manifestDigest: imageDigest });
const payloadDigest = reg.setBlob(payload);
const signedBy = async (k = trusted[0]!): Promise<SignatureLayer> => newSignatureLayer(payload, await signerFromPrivateKey(k).sign(payload));

function setSignatures(layers: SignatureLayer[]): number {
  const blobs = buildSignatureManifest(layers);
  reg.setBlob(blobs.config);
  reg.setManifest('app', signatureTag(imageDigest), blobs.manifest);
  return blobs.manifest.length;
}

interface Row { name: string; wallS: number; rssMiB: number; exit: number; requests: number; blobMiB: number; said: string }

async function run(name: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Row> {
  reg.requests.length = 0;
  reg.blobBytesSent = 0;
  const timeFile = join(work, `time-${name}.txt`);
  const child = spawn('/usr/bin/time', ['-f', '%e %M', '-o', timeFile, process.execPath, CLI, ...args], {
    env: { ...process.env, SIGNET_HOME: join(work, 'home'), DOCKER_CONFIG: work, REGISTRY_AUTH_FILE: '/nonexistent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const exit = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  const [wallS, rssKiB] = readFileSync(timeFile, 'utf8').trim().split(/\s+/).slice(-2).map(Number) as [number, number];
  const said = (/could not check: ([^\n]*)/.exec(out)?.[1] ?? out.trim().split('\n').at(-1) ?? '').slice(0, 110);
  return { name, wallS, rssMiB: rssKiB / 1024, exit, requests: reg.requests.length, blobMiB: reg.blobBytesSent / 2 ** 20, said };
}

const rows: Row[] = [];
const bigPage = Buffer.from(JSON.stringify({ name: 'app', tags: Array.from({ length: 130_000 }, (_, i) => `t${i}`) }));
reg.setTags('app', () => ({ tags: bigPage }));
rows.push(await run('tags-130k', ['images', `${reg.host}/app`, ...keyArgs]));

const page100k = Buffer.from(JSON.stringify({ name: 'app', tags: Array.from({ length: 100_000 }, (_, i) => `t${i}`) }));
reg.setTags('app', (n) => ({ tags: page100k, next: n + 1 }));
rows.push(await run('tags-endless', ['images', `${reg.host}/app`, ...keyArgs]));

const valid = await signedBy(trusted[TRUSTED_KEYS - 1]);
const size13500 = setSignatures(Array.from({ length: 13_500 }, () => valid));
rows.push(await run('sig-13500', ['verify', `${reg.host}/app:v1`, ...keyArgs]));

const mb = Buffer.alloc(1_000_000, 'x');
reg.blobFallback = () => mb;
setSignatures(Array.from({ length: 4000 }, (_, i) => ({ ...valid, payloadDigest: sha256(`payload ${i}`) as Digest, payloadSize: 1_000_000 })));
rows.push(await run('sig-4000x1MB', ['verify', `${reg.host}/app:v1`, ...keyArgs]));
setSignatures(Array.from({ length: MAX_SIGNATURES_PER_IMAGE }, (_, i) => ({ ...valid, payloadDigest: sha256(`payload ${i}`) as Digest, payloadSize: 1_000_000 })));
rows.push(await run(`sig-${MAX_SIGNATURES_PER_IMAGE}x1MB`, ['verify', `${reg.host}/app:v1`, ...keyArgs]));
reg.blobFallback = undefined;

setSignatures(Array.from({ length: MAX_SIGNATURES_PER_IMAGE }, () => valid));
rows.push(await run('sig-bound-same', ['verify', `${reg.host}/app:v1`, ...keyArgs]));

const strangers: SignatureLayer[] = [];
for (let i = 0; i < STRANGERS; i++) strangers.push(await signedBy(generatePrivateKey('ed25519')));
setSignatures(strangers);
rows.push(await run(`sig-${STRANGERS}-strangers`, ['verify', `${reg.host}/app:v1`, ...keyArgs]));

if (!process.argv.includes('--no-trickle')) {
  // One byte every 1.5 s: never silent for as long as the 2 s idle timeout, so only the
  // whole-request deadline and the image's budget end it. Requests are counted like the double's.
  const trickle = createServer((req, res) => {
    req.resume();
    reg.requests.push({ method: req.method ?? 'GET', path: req.url ?? '' });
    if (req.url === '/v2/') { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{}'); return; }
    res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'content-length': String(manifest.length) });
    let i = 0;
    const timer = setInterval(() => { if (i < manifest.length) res.write(manifest.subarray(i, ++i)); else { clearInterval(timer); res.end(); } }, 1500);
    res.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((r) => trickle.listen(0, '127.0.0.1', r));
  const port = (trickle.address() as { port: number }).port;
  rows.push(await run('trickle', ['verify', `127.0.0.1:${port}/app:v1`, ...keyArgs], { SIGNET_HTTP_TIMEOUT_MS: '2000' }));
  trickle.closeAllConnections();
  trickle.close();
}

await reg.stop();
console.log(`Node ${process.versions.node}, ${TRUSTED_KEYS} trusted Ed25519 keys, payload ${payloadDigest.slice(0, 19)}…, 13,500-layer manifest ${size13500} bytes`);
console.log(`${'case'.padEnd(20)} ${'wall s'.padStart(7)} ${'peak RSS MiB'.padStart(13)} ${'exit'.padStart(4)} ${'requests'.padStart(8)} ${'blobs MiB'.padStart(9)}  what it said`);
for (const r of rows) {
  console.log(`${r.name.padEnd(20)} ${r.wallS.toFixed(2).padStart(7)} ${r.rssMiB.toFixed(0).padStart(13)} ${String(r.exit).padStart(4)} ${String(r.requests).padStart(8)} ${r.blobMiB.toFixed(2).padStart(9)}  ${r.said}`);
}
