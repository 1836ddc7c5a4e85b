// The raw floor for bench/verify-many: the GETs a cosign verifier needs per image, with no checks
// at all, as fast as plain undici does them. Run as its own process (as `signet verify` is):
//
//   node dist/bench/raw-floor.js <job.json>
//
// job.json: {"url": "http://127.0.0.1:PORT", "concurrency": 16, "images": [{"repo": "...", "tag": "..."}]}
// Per image: the manifest GET (Accept: OCI/Docker manifest types), the `sha256-<hex>.sig` manifest
// GET (404 for unsigned is fine), and for signed images the payload blob GET. Bodies are read in
// full (a verifier must read them) but never hashed, parsed beyond the payload digest, or verified.
// Prints one JSON line: {"ms": <time from first request to last byte>, "requests": N, "signed": N}.
import { readFileSync } from 'node:fs';
import { Agent } from 'undici';

const ACCEPT = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
].join(', ');

interface Job { url: string; concurrency: number; images: Array<{ repo: string; tag: string }> }

const job = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as Job;
const origin = job.url;
const agent = new Agent({ connections: job.concurrency, keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000 });

let requests = 0;
let signed = 0;

async function get(path: string, accept?: string): Promise<{ status: number; digest: string | undefined; body: Buffer }> {
  requests += 1;
  const res = await agent.request({ origin, path, method: 'GET', headers: accept ? { accept } : {} });
  const body = Buffer.from(await res.body.arrayBuffer());
  const d = res.headers['docker-content-digest'];
  return { status: res.statusCode, digest: Array.isArray(d) ? d[0] : d, body };
}

async function one(repo: string, tag: string): Promise<void> {
  const m = await get(`/v2/${repo}/manifests/${tag}`, ACCEPT);
  if (m.status !== 200 || m.digest === undefined) throw new Error(`manifest ${repo}:${tag} -> ${m.status}`);
  const sig = await get(`/v2/${repo}/manifests/${m.digest.replace(':', '-')}.sig`, ACCEPT);
  if (sig.status !== 200) return;
  signed += 1;
  const payload = (JSON.parse(sig.body.toString('utf8')) as { layers: Array<{ digest: string }> }).layers[0]!.digest;
  await get(`/v2/${repo}/blobs/${payload}`);
}

const started = performance.now();
let next = 0;
await Promise.all(Array.from({ length: job.concurrency }, async () => {
  while (next < job.images.length) {
    const img = job.images[next++]!;
    await one(img.repo, img.tag);
  }
}));
const ms = performance.now() - started;
await agent.close();
process.stdout.write(`${JSON.stringify({ ms, requests, signed })}\n`);
