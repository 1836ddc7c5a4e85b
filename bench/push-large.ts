// bench/push-large: a 1 GiB image (random layers) pushed by Signet and by Debian skopeo to
// loopback registries in the same run, and a 1 GiB docker archive read and digest-checked by
// Signet against `sha256sum` of the same file. Figures, not pass/fail; recorded in
// docs/benchmarks.md ("push-large").
//
//   npx tsc -p . && node dist/bench/push-large.js [--gib 1] [--layers 4] [--rounds 2]
//
// Layers are random bytes in tar files, gzip-framed with stored (level 0) blocks: valid gzip that
// both tools copy as-is (skopeo would otherwise recompress an uncompressed layer), so both move the
// same bytes. Each push goes to a fresh registry so nothing is skipped or mounted. Times are wall
// clock of the whole CLI process; peak RSS is GNU time's %M (max resident set, KiB).
import { spawn } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { createWriteStream, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';
import { startRegistry } from '../test/helpers/registry.js';
import { makeTempDir } from '../test/helpers/tmp.js';
import { CLI } from '../test/helpers/cli.js';
import { DockerArchiveSource } from '../electron/engine/sources/docker-archive.js';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};

// Child mode: read and verify every blob of an archive, as a push does before and while sending.
if (process.argv[2] === '--verify-archive') {
  const src = new DockerArchiveSource(process.argv[3]!);
  const m = JSON.parse(Buffer.from((await src.resolve()).bytes).toString('utf8')) as { config: { digest: string; size: number }; layers: Array<{ digest: string; size: number }> };
  let bytes = 0;
  for (const d of [m.config, ...m.layers]) {
    await pipeline(await src.blob(d.digest as `sha256:${string}`, d.size), new Writable({ write(c: Buffer, _e, cb) { bytes += c.length; cb(); } }));
  }
  process.stdout.write(`${JSON.stringify({ bytes, blobs: m.layers.length + 1 })}\n`);
  process.exit(0);
}

const GIB = arg('gib', 1);
const LAYERS = arg('layers', 4);
const ROUNDS = arg('rounds', 2);

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ seconds: number; maxRssKiB: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const timeFile = join(work, `time-${Math.random().toString(36).slice(2)}.txt`);
    const child = spawn('/usr/bin/time', ['-f', '%e %M', '-o', timeFile, cmd, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${cmd} ${args.join(' ')} exited ${code}\n${stderr}`));
      const [s, m] = readFileSync(timeFile, 'utf8').trim().split(/\s+/).slice(-2).map(Number);
      resolve({ seconds: s!, maxRssKiB: m!, stdout, stderr });
    });
  });
}

/** One layer: a tar holding `size` random bytes, framed as stored-block gzip. Returns its descriptor. */
async function writeLayer(dir: string, size: number, i: number): Promise<{ digest: string; size: number; diffId: string }> {
  const tmp = join(dir, 'blobs', 'sha256', `.layer-${i}`);
  const blobHash = createHash('sha256');
  const diffHash = createHash('sha256');
  const pack = tar.pack();
  const gz = createGzip({ level: 0 });
  const out = createWriteStream(tmp);
  let written = 0;
  const counting = new Writable({
    write(c: Buffer, _e, cb) { blobHash.update(c); written += c.length; out.write(c) ? cb() : out.once('drain', cb); },
    final(cb) { out.end(cb); },
  });
  pack.on('data', (c: unknown) => { diffHash.update(c as Buffer); });
  const done = pipeline(pack, gz, counting);
  const entry = pack.entry({ name: `random-${i}.bin`, size, mtime: new Date(0) }) as unknown as NodeJS.WritableStream;
  const chunk = Buffer.alloc(4 << 20);
  for (let left = size; left > 0; left -= chunk.length) {
    const part = left >= chunk.length ? chunk : chunk.subarray(0, left);
    randomFillSync(part);
    if (!entry.write(Buffer.from(part))) await new Promise<void>((r) => entry.once('drain', () => r()));
  }
  entry.end();
  pack.finalize();
  await done;
  const digest = `sha256:${blobHash.digest('hex')}`;
  renameSync(tmp, join(dir, 'blobs', 'sha256', digest.slice(7)));
  return { digest, size: written, diffId: `sha256:${diffHash.digest('hex')}` };
}

function writeBlob(dir: string, bytes: Buffer): string {
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  writeFileSync(join(dir, 'blobs', 'sha256', digest.slice(7)), bytes);
  return digest;
}

const work = await makeTempDir('signet-bench-push-');
const layout = join(work, 'layout');
mkdirSync(join(layout, 'blobs', 'sha256'), { recursive: true });
const t0 = Date.now();
const perLayer = Math.floor((GIB * (1 << 30)) / LAYERS);
const layers = [];
for (let i = 0; i < LAYERS; i++) layers.push(await writeLayer(layout, perLayer, i));
const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) } }));
const manifest = Buffer.from(JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: writeBlob(layout, config), size: config.length },
  layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: l.digest, size: l.size })),
}));
const manifestDigest = writeBlob(layout, manifest);
writeFileSync(join(layout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
writeFileSync(join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: manifestDigest, size: manifest.length, annotations: { 'org.opencontainers.image.ref.name': 'v1' } }] }));
const totalBytes = layers.reduce((n, l) => n + l.size, 0) + config.length;
console.error(`layout: ${LAYERS} layers, ${(totalBytes / (1 << 20)).toFixed(0)} MiB, written in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

const env = { ...process.env, DOCKER_CONFIG: work, REGISTRY_AUTH_FILE: '/nonexistent/auth.json', SIGNET_HOME: join(work, 'home') };
writeFileSync(join(work, 'config.json'), '{}');
const results: Array<{ tool: string; round: number; seconds: number; maxRssMiB: number }> = [];
for (let round = 1; round <= ROUNDS; round++) {
  for (const tool of round % 2 === 1 ? ['signet', 'skopeo'] : ['skopeo', 'signet']) {
    const reg = await startRegistry();
    try {
      const r = tool === 'signet'
        ? await run(process.execPath, [CLI, 'push', `oci:${layout}:v1`, `${reg.host}/bench/large:v1`, '--json'], env)
        : await run('skopeo', ['--insecure-policy', 'copy', '--dest-tls-verify=false', `oci:${layout}:v1`, `docker://${reg.host}/bench/large:v1`], env);
      if (tool === 'signet' && JSON.parse(r.stdout).digest !== manifestDigest) throw new Error('signet pushed another digest');
      results.push({ tool, round, seconds: r.seconds, maxRssMiB: Math.round(r.maxRssKiB / 1024) });
      console.error(`round ${round} ${tool}: ${r.seconds.toFixed(2)} s, peak RSS ${Math.round(r.maxRssKiB / 1024)} MiB`);
    } finally {
      await reg.stop();
    }
  }
}

// A ~1 GiB docker archive of the same image (layers uncompressed by skopeo), read and checked.
const archive = join(work, 'large.tar');
await run('skopeo', ['--insecure-policy', 'copy', `oci:${layout}:v1`, `docker-archive:${archive}:bench/large:v1`]);
const archiveBytes = statSync(archive).size;
const hashRuns: Array<{ tool: string; seconds: number; maxRssMiB: number }> = [];
for (let round = 1; round <= ROUNDS; round++) {
  const s = await run('sha256sum', [archive]);
  hashRuns.push({ tool: 'sha256sum', seconds: s.seconds, maxRssMiB: Math.round(s.maxRssKiB / 1024) });
  const v = await run(process.execPath, [process.argv[1]!, '--verify-archive', archive]);
  hashRuns.push({ tool: 'signet-archive', seconds: v.seconds, maxRssMiB: Math.round(v.maxRssKiB / 1024) });
  console.error(`round ${round}: sha256sum ${s.seconds.toFixed(2)} s; signet index+verify ${v.seconds.toFixed(2)} s, peak RSS ${Math.round(v.maxRssKiB / 1024)} MiB`);
}

const best = (rows: Array<{ tool: string; seconds: number; maxRssMiB: number }>, tool: string) => Math.min(...rows.filter((r) => r.tool === tool).map((r) => r.seconds));
const peak = (rows: Array<{ tool: string; seconds: number; maxRssMiB: number }>, tool: string) => Math.max(...rows.filter((r) => r.tool === tool).map((r) => r.maxRssMiB));
const summary = {
  imageMiB: Math.round(totalBytes / (1 << 20)),
  layers: LAYERS,
  push: { signetSeconds: best(results, 'signet'), skopeoSeconds: best(results, 'skopeo'), ratio: +(best(results, 'signet') / best(results, 'skopeo')).toFixed(2), signetPeakRssMiB: peak(results, 'signet'), skopeoPeakRssMiB: peak(results, 'skopeo') },
  archive: { MiB: Math.round(archiveBytes / (1 << 20)), sha256sumSeconds: best(hashRuns, 'sha256sum'), signetSeconds: best(hashRuns, 'signet-archive'), ratio: +(best(hashRuns, 'signet-archive') / best(hashRuns, 'sha256sum')).toFixed(2), signetPeakRssMiB: peak(hashRuns, 'signet-archive') },
  runs: { push: results, hash: hashRuns },
};
process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
