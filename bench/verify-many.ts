// verify-many: how fast `signet verify` checks many images, against a raw-HTTP floor and a skopeo
// shell loop, in one run against one loopback registry. It prints figures; it is not pass/fail,
// except that a wrong verdict is a loud failure (exit 1): a fast wrong answer is worthless.
//
//   npx tsc -p . && npm run bench:verify [-- --images 1000 --repos 10 --runs 3 --skopeo 20 --alg ecdsa-p256]
//
// What it does:
//  1. starts docker-registry on 127.0.0.1 (no auth), pushes --images small unique images spread
//     over --repos repositories (raw HTTP, 32 at a time; one config/layer pair per repository, each
//     manifest made unique by an annotation), and signs every second one with one key: payload and
//     signature manifest built by the engine's cosign/payload + signature-manifest, pushed raw;
//  2. times, each warmed up once and then run --runs times (median reported), interleaved:
//     (a) `node dist/electron/cli/main.js verify <all refs> --key pub --json`, checking every line;
//     (b) the raw floor (dist/bench/raw-floor.js, its own process): the same GETs with undici, 16 at a time, no checks;
//     (c) `skopeo inspect --tls-verify=false docker://…` for --skopeo images in a sh loop, scaled to --images;
//  3. prints images/s for each and the ratios Signet/floor and skopeo/Signet.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import pLimit from 'p-limit';
import { startRegistry, type TestRegistry } from '../test/helpers/registry.js';
import { pushBlob, pushManifest, makeTar, sha256Digest, OCI_MANIFEST } from '../test/helpers/push.js';
import { repoRoot } from '../test/helpers/paths.js';
import { makeTempDir } from '../test/helpers/tmp.js';
import { generatePrivateKey } from '../electron/engine/keys/private-key.js';
import { signerFromPrivateKey } from '../electron/engine/keys/signer.js';
import type { KeyAlgorithm } from '../electron/engine/keys/algorithms.js';
import { buildPayload } from '../electron/engine/cosign/payload.js';
import { buildSignatureManifest, newSignatureLayer, signatureTag } from '../electron/engine/cosign/signature-manifest.js';
import { KEY_HINT_ANNOTATION } from '../electron/engine/cosign/verdict.js';
import { CREATOR } from '../electron/engine/sign.js';
import type { Digest } from '../electron/engine/content/digest.js';

// ---------------------------------------------------------------------------------------------
// Options

interface Options {
  images: number;
  repos: number;
  runs: number;
  skopeo: number;
  alg: KeyAlgorithm;
  pushConcurrency: number;
  floorConcurrency: number;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { images: 1000, repos: 10, runs: 3, skopeo: 20, alg: 'ecdsa-p256', pushConcurrency: 32, floorConcurrency: 16 };
  const num = (v: string | undefined, name: string): number => {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < 1) usage(`${name} needs a positive integer`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    switch (a) {
      case '--images': o.images = num(v, a); i++; break;
      case '--repos': o.repos = num(v, a); i++; break;
      case '--runs': o.runs = num(v, a); i++; break;
      case '--skopeo': o.skopeo = num(v, a); i++; break;
      case '--push-concurrency': o.pushConcurrency = num(v, a); i++; break;
      case '--floor-concurrency': o.floorConcurrency = num(v, a); i++; break;
      case '--alg':
        if (v !== 'ed25519' && v !== 'ecdsa-p256') usage('--alg is ed25519 or ecdsa-p256');
        o.alg = v;
        i++;
        break;
      case '--help': case '-h': usage();
      // falls through (usage exits)
      default: usage(`unknown argument ${a}`);
    }
  }
  o.repos = Math.min(o.repos, o.images);
  o.skopeo = Math.min(o.skopeo, o.images);
  return o;
}

function usage(why?: string): never {
  if (why) process.stderr.write(`verify-many: ${why}\n`);
  process.stderr.write('usage: node dist/bench/verify-many.js [--images N] [--repos N] [--runs N] [--skopeo N] [--alg ecdsa-p256|ed25519] [--push-concurrency N] [--floor-concurrency N]\n');
  process.exit(why ? 64 : 0);
}

// ---------------------------------------------------------------------------------------------
// Small utilities

interface Image { repo: string; tag: string; ref: string; digest: Digest; signed: boolean }

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const fmtMs = (ms: number): string => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
const rate = (n: number, ms: number): string => `${Math.round((n * 1000) / ms)}`;

interface Exec { code: number | null; stdout: string; stderr: string; ms: number }

/** Spawns a process and times it from spawn to exit (what a pipeline step costs). */
function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Exec> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), ms: performance.now() - started }));
  });
}

function fail(msg: string): never {
  process.stderr.write(`\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n`);
  process.stderr.write(`verify-many: FAILED: ${msg}\n`);
  process.stderr.write(`!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n`);
  process.exit(1);
}

/** Counts registry requests in the access log written since `from` (a byte offset). */
async function requestsSince(reg: TestRegistry, from: number): Promise<{ total: number; byKind: Record<string, number>; end: number }> {
  await new Promise((r) => setTimeout(r, 150)); // let the registry flush its log
  const log = await reg.readLog();
  const byKind: Record<string, number> = {};
  let total = 0;
  // Access log lines, combined format: 127.0.0.1 - - [date] "GET /v2/r/manifests/t HTTP/1.1" 200 ...
  for (const m of log.slice(from).matchAll(/"(GET|HEAD|PUT|POST|PATCH|DELETE) \/v2\/\S*?\/(manifests|blobs|tags)\/(\S*) HTTP\/[\d.]+" (\d{3})/g)) {
    const kind = m[2] === 'manifests' ? (m[3]!.endsWith('.sig') ? `sig-manifest ${m[4]}` : 'manifest') : m[2] === 'blobs' ? 'blob' : 'tags/list';
    const key = `${m[1]} ${kind}`;
    byKind[key] = (byKind[key] ?? 0) + 1;
    total += 1;
  }
  return { total, byKind, end: log.length };
}

/** The registry's pid, found by its config path (Linux /proc); undefined elsewhere. */
function registryPid(reg: TestRegistry): number | undefined {
  const want = join(reg.dir, 'config.yml');
  try {
    for (const e of readdirSync('/proc')) {
      if (!/^\d+$/.test(e)) continue;
      try {
        const argv = readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\0');
        if (argv.includes('serve') && argv.includes(want)) return Number(e);
      } catch { /* gone */ }
    }
  } catch { /* no /proc */ }
  return undefined;
}

/** CPU time (user + system, ms) a process has used so far, from /proc/PID/stat; NaN if unknown. */
function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime, stime in USER_HZ (100 on Linux)
  } catch {
    return NaN;
  }
}

// ---------------------------------------------------------------------------------------------
// 1. Populate

async function populate(reg: TestRegistry, o: Options): Promise<{ images: Image[]; pubPath: string; ms: number }> {
  const started = performance.now();
  const limit = pLimit(o.pushConcurrency);
  const repos = Array.from({ length: o.repos }, (_, i) => `bench/app-${String(i).padStart(2, '0')}`);

  // One config + layer pair per repository: images share them, manifests differ by an annotation.
  const layers = await Promise.all(repos.map((repo) => limit(async () => {
    const tar = makeTar({ 'hello.txt': `hello from ${repo}\n` });
    const layer = gzipSync(tar);
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [sha256Digest(tar)] } }));
    const configDigest = await pushBlob(reg, repo, config);
    const layerDigest = await pushBlob(reg, repo, layer);
    return { config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length }, layer: { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: layer.length } };
  })));

  const key = generatePrivateKey(o.alg);
  const signer = signerFromPrivateKey(key);
  const dir = await makeTempDir('signet-bench-key-');
  const pubPath = join(dir, 'bench.pub');
  writeFileSync(pubPath, key.publicKey.pem);

  const images = await Promise.all(Array.from({ length: o.images }, (_, i) => limit(async (): Promise<Image> => {
    const r = i % o.repos;
    const repo = repos[r]!;
    const tag = `t${String(Math.floor(i / o.repos)).padStart(4, '0')}`;
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: layers[r]!.config,
      layers: [layers[r]!.layer],
      annotations: { 'dev.signet.bench/image': `${repo}:${tag}` },
    });
    const digest = (await pushManifest(reg, repo, tag, manifest, OCI_MANIFEST)) as Digest;
    const ref = `${reg.host}/${repo}:${tag}`;
    const signed = i % 2 === 0;
    if (signed) {
      // What `signet sign` writes, minus its read-back: payload blob, config blob, signature manifest.
      const payload = buildPayload({ dockerReference: ref, manifestDigest: digest, creator: CREATOR, timestamp: Math.floor(Date.now() / 1000) });
      const layer = newSignatureLayer(payload, await signer.sign(payload), { [KEY_HINT_ANNOTATION]: key.publicKey.fingerprint });
      const blobs = buildSignatureManifest([layer]);
      await pushBlob(reg, repo, payload);
      await pushBlob(reg, repo, blobs.config);
      await pushManifest(reg, repo, signatureTag(digest), blobs.manifest, OCI_MANIFEST);
    }
    return { repo, tag, ref, digest, signed };
  })));
  const unique = new Set(images.map((i) => i.digest));
  if (unique.size !== images.length) fail(`only ${unique.size} distinct digests for ${images.length} images`);
  return { images, pubPath, ms: performance.now() - started };
}

// ---------------------------------------------------------------------------------------------
// 2. The three measurements

const CLI = join(repoRoot, 'dist', 'electron', 'cli', 'main.js');
const FLOOR = join(repoRoot, 'dist', 'bench', 'raw-floor.js');

async function cliEnv(): Promise<NodeJS.ProcessEnv> {
  // No credentials anywhere: the registry is anonymous, and the user's own files must not matter.
  const dir = await makeTempDir('signet-bench-dockercfg-');
  writeFileSync(join(dir, 'config.json'), '{}');
  return { ...process.env, DOCKER_CONFIG: dir, REGISTRY_AUTH_FILE: '/nonexistent/auth.json' };
}

/** (a) One `signet verify` process over every image; every verdict must be right. */
async function runSignet(images: Image[], pubPath: string, env: NodeJS.ProcessEnv): Promise<number> {
  const r = await timed(process.execPath, [CLI, 'verify', ...images.map((i) => i.ref), '--key', pubPath, '--json'], env);
  const lines = r.stdout.split('\n').filter((l) => l.trim() !== '');
  if (lines.length !== images.length) fail(`signet verify printed ${lines.length} lines for ${images.length} images (exit ${r.code}):\n${r.stderr.slice(0, 2000)}`);
  const wrong: string[] = [];
  lines.forEach((line, idx) => {
    const img = images[idx]!;
    let res: { image?: string; digest?: string; verdict?: string; message?: string };
    try {
      res = JSON.parse(line) as typeof res;
    } catch {
      wrong.push(`line ${idx + 1} is not JSON: ${line.slice(0, 200)}`);
      return;
    }
    const want = img.signed ? 'verified' : 'unsigned';
    if (res.image !== img.ref || res.digest !== img.digest || res.verdict !== want) {
      wrong.push(`${img.ref}: wanted ${want} for ${img.digest}, got ${res.verdict} for ${res.digest} (${res.image}): ${res.message}`);
    }
  });
  if (wrong.length > 0) fail(`${wrong.length} of ${images.length} verdicts are wrong:\n  ${wrong.slice(0, 20).join('\n  ')}`);
  // Exit 1: some images are (correctly) not verified, none failed to be checked.
  if (r.code !== 1) fail(`signet verify exited ${r.code}, expected 1 (some unsigned, none unchecked)`);
  return r.ms;
}

/** (b) The raw floor as its own process; returns wall time and the time it measured inside. */
async function runFloor(jobPath: string, images: Image[]): Promise<{ ms: number; inner: number }> {
  const r = await timed(process.execPath, [FLOOR, jobPath]);
  if (r.code !== 0) fail(`the raw floor failed (exit ${r.code}):\n${r.stderr}`);
  const out = JSON.parse(r.stdout) as { ms: number; requests: number; signed: number };
  const signed = images.filter((i) => i.signed).length;
  if (out.signed !== signed) fail(`the raw floor saw ${out.signed} signature manifests, expected ${signed}`);
  return { ms: r.ms, inner: out.ms };
}

/** (c) `skopeo inspect` once per image, sequentially, from a shell loop. */
async function runSkopeo(sample: Image[]): Promise<number> {
  const script = 'for r in "$@"; do skopeo inspect --tls-verify=false "docker://$r" > /dev/null || exit 1; done';
  const r = await timed('sh', ['-c', script, 'skopeo-loop', ...sample.map((i) => i.ref)]);
  if (r.code !== 0) fail(`the skopeo loop failed (exit ${r.code}):\n${r.stderr}`);
  return r.ms;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const say = (s: string): void => { process.stdout.write(`${s}\n`); };
  say(`verify-many: ${o.images} images in ${o.repos} repositories, half signed (${o.alg}), ${o.runs} runs after one warm-up`);
  const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');
  say(`machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), node ${process.version}, load average ${load()}`);
  if (loadavg()[0]! > 0.5 * cpus().length) say('warning: the machine is busy; figures will be noisy (and slower) until it is idle');

  const reg = await startRegistry({ auth: 'none' });
  try {
    const { images, pubPath, ms: popMs } = await populate(reg, o);
    const signedCount = images.filter((i) => i.signed).length;
    say(`populated ${reg.host} in ${fmtMs(popMs)}: ${images.length} images, ${signedCount} signed`);

    const env = await cliEnv();
    const jobDir = await makeTempDir('signet-bench-floor-');
    const jobPath = join(jobDir, 'job.json');
    writeFileSync(jobPath, JSON.stringify({ url: reg.url, concurrency: o.floorConcurrency, images: images.map((i) => ({ repo: i.repo, tag: i.tag })) }));
    // Spread the skopeo sample over repositories, signed and unsigned alike.
    const step = images.length / o.skopeo;
    const sample = Array.from({ length: o.skopeo }, (_, k) => images[Math.floor(k * step)]!);

    // Warm up (page cache, registry, node compile cache), counting requests on the way.
    let logPos = (await requestsSince(reg, 0)).end;
    await runSignet(images, pubPath, env);
    const signetReqs = await requestsSince(reg, logPos);
    logPos = signetReqs.end;
    await runFloor(jobPath, images);
    const floorReqs = await requestsSince(reg, logPos);
    await runSkopeo(sample.slice(0, 2));

    // Process start-up alone: what the CLI pays before its first request.
    const startup: number[] = [];
    for (let k = 0; k < 3; k++) startup.push((await timed(process.execPath, [CLI, '--help'], env)).ms);

    const rpid = registryPid(reg);
    const a: number[] = [];
    const b: number[] = [];
    const bInner: number[] = [];
    const c: number[] = [];
    const regCpu = { signet: [] as number[], floor: [] as number[] };
    for (let run = 1; run <= o.runs; run++) {
      let cpu0 = cpuMs(rpid);
      a.push(await runSignet(images, pubPath, env));
      let cpu1 = cpuMs(rpid);
      regCpu.signet.push(cpu1 - cpu0);
      cpu0 = cpu1;
      const f = await runFloor(jobPath, images);
      cpu1 = cpuMs(rpid);
      regCpu.floor.push(cpu1 - cpu0);
      b.push(f.ms);
      bInner.push(f.inner);
      c.push(await runSkopeo(sample));
      say(`run ${run}: signet ${fmtMs(a.at(-1)!)}, floor ${fmtMs(b.at(-1)!)} (${fmtMs(bInner.at(-1)!)} inside), skopeo ${fmtMs(c.at(-1)!)} for ${sample.length}`);
    }

    const ta = median(a);
    const tb = median(b);
    const tbInner = median(bInner);
    const tcSample = median(c);
    const tc = (tcSample * images.length) / sample.length;
    const tStart = median(startup);
    const n = images.length;
    say('');
    say(`| measurement | time for ${n} images | images/s |`);
    say('| --- | ---: | ---: |');
    say(`| (a) signet verify, one process, ${n} refs | ${fmtMs(ta)} | ${rate(n, ta)} |`);
    say(`| (b) raw floor, one process, undici, ${o.floorConcurrency} at a time, no checks | ${fmtMs(tb)} | ${rate(n, tb)} |`);
    say(`| (c) skopeo inspect loop, ${sample.length} images scaled to ${n} | ${fmtMs(tc)} | ${rate(n, tc)} |`);
    say('');
    say(`signet / raw floor  = ${(ta / tb).toFixed(2)}  (target <= 1.25)`);
    say(`skopeo / signet     = ${(tc / ta).toFixed(1)}  (target >= 20)`);
    say('');
    say(`all runs, ms: signet [${a.map(Math.round).join(', ')}], floor [${b.map(Math.round).join(', ')}] (inside [${bInner.map(Math.round).join(', ')}]), skopeo x${sample.length} [${c.map(Math.round).join(', ')}]`);
    say(`signet CLI start-up alone (node main.js --help): ${fmtMs(tStart)}; signet without it ≈ ${fmtMs(ta - tStart)} (${rate(n, ta - tStart)} images/s), vs the floor's own request time ${fmtMs(tbInner)}`);
    if (rpid !== undefined) {
      const rs = median(regCpu.signet);
      const rf = median(regCpu.floor);
      say(`registry CPU per run (median): during signet ${fmtMs(rs)} (${(rs / signetReqs.total).toFixed(2)} ms/request), during the floor ${fmtMs(rf)} (${(rf / floorReqs.total).toFixed(2)} ms/request)`);
    }
    say(`load average at the end: ${load()}`);
    say(`registry requests per run: signet ${signetReqs.total} ${JSON.stringify(signetReqs.byKind)}`);
    say(`                           floor  ${floorReqs.total} ${JSON.stringify(floorReqs.byKind)}`);
  } finally {
    await reg.stop();
  }
}

await main();
