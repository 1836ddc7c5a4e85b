// Minimal raw registry client for setting up test state. Deliberately independent of Signet's
// engine: plain fetch, Basic auth for htpasswd registries, the Bearer token dance for token ones.
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fixturesDir } from './paths.js';
import type { TestRegistry } from './registry.js';

/** Anything that looks like a registry: a TestRegistry, or one re-pointed at a fault proxy ({...reg, url: proxy.url, host: proxy.host}). */
export type RegistryLike = Pick<TestRegistry, 'url' | 'auth' | 'username' | 'password'> & Partial<TestRegistry>;

export interface RawResponse { status: number; headers: Headers; body: Buffer }
export interface RawRequestOptions {
  body?: Uint8Array | string;
  headers?: Record<string, string>;
  /** Token mode: the scope to ask for (default: inferred from the path, `repository:<name>:pull,push,delete`). */
  scope?: string;
  /** Default 'follow'. */
  redirect?: 'follow' | 'manual';
}

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const MANIFEST_ACCEPT = [OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_MANIFEST_LIST].join(', ');

export function sha256Digest(bytes: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

const tokenCache = new Map<string, string>();

function inferScope(url: URL): string | undefined {
  if (url.pathname === '/v2/_catalog') return 'registry:catalog:*';
  const m = /^\/v2\/(.+?)\/(blobs|manifests|tags|referrers)\//.exec(url.pathname);
  if (!m) return undefined;
  return `repository:${m[1]}:pull,push,delete`;
}

function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const scheme = header.split(' ', 1)[0]?.toLowerCase() ?? '';
  const params: Record<string, string> = {};
  for (const m of header.matchAll(/(\w+)="([^"]*)"/g)) params[m[1]!.toLowerCase()] = m[2]!;
  return { scheme, params };
}

async function fetchToken(reg: RegistryLike, params: Record<string, string>, scopes: string[]): Promise<string> {
  if (!params.realm) throw new Error('Bearer challenge without realm');
  const u = new URL(params.realm);
  if (params.service) u.searchParams.set('service', params.service);
  for (const s of scopes) u.searchParams.append('scope', s);
  const res = await fetch(u, {
    headers: { Authorization: `Basic ${Buffer.from(`${reg.username}:${reg.password}`).toString('base64')}` },
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`token request ${u} -> ${res.status}: ${text}`);
  const json = JSON.parse(text) as { token?: string; access_token?: string };
  const token = json.token ?? json.access_token;
  if (!token) throw new Error(`token response without token: ${text}`);
  return token;
}

/**
 * One HTTP request to the registry, authenticated with the test credentials. `path` is a path
 * ('/v2/demo/app/manifests/v1') or an absolute URL (an upload Location). Never throws on HTTP
 * status; throws on network errors.
 */
export async function rawRequest(reg: RegistryLike, method: string, path: string, opts: RawRequestOptions = {}): Promise<RawResponse> {
  const url = new URL(/^https?:\/\//.test(path) ? path : reg.url + path);
  const baseHeaders: Record<string, string> = { ...(opts.headers ?? {}) };
  const hasAuth = Object.keys(baseHeaders).some((k) => k.toLowerCase() === 'authorization');
  if (reg.auth === 'htpasswd' && !hasAuth) {
    baseHeaders.Authorization = `Basic ${Buffer.from(`${reg.username}:${reg.password}`).toString('base64')}`;
  }
  const scope = opts.scope ?? inferScope(url);
  const cacheKey = `${url.origin}|${scope ?? ''}`;
  const send = async (token?: string): Promise<RawResponse> => {
    const headers = { ...baseHeaders };
    if (token) headers.Authorization = `Bearer ${token}`;
    const init: RequestInit = { method, headers, redirect: opts.redirect ?? 'follow' };
    if (opts.body !== undefined) init.body = typeof opts.body === 'string' ? opts.body : Buffer.from(opts.body);
    const res = await fetch(url, init);
    const body = Buffer.from(await res.arrayBuffer());
    return { status: res.status, headers: res.headers, body };
  };

  if (reg.auth !== 'token' || hasAuth) return send();
  const cached = tokenCache.get(cacheKey);
  let res = await send(cached);
  if (res.status !== 401) return res;
  const challenge = parseChallenge(res.headers.get('www-authenticate') ?? '');
  if (challenge.scheme !== 'bearer') return res;
  const scopes = [...new Set([challenge.params.scope, scope].filter((s): s is string => !!s))];
  const token = await fetchToken(reg, challenge.params, scopes);
  tokenCache.set(cacheKey, token);
  res = await send(token);
  return res;
}

function expectStatus(res: RawResponse, want: number[], what: string): void {
  if (!want.includes(res.status)) {
    throw new Error(`${what}: HTTP ${res.status} (wanted ${want.join('/')}): ${res.body.toString('utf8').slice(0, 500)}`);
  }
}

/** Upload a blob (POST then PUT ?digest=). Returns its digest. */
export async function pushBlob(reg: RegistryLike, repo: string, bytes: Uint8Array): Promise<string> {
  const digest = sha256Digest(bytes);
  const start = await rawRequest(reg, 'POST', `/v2/${repo}/blobs/uploads/`);
  expectStatus(start, [202], `start upload to ${repo}`);
  const location = start.headers.get('location');
  if (!location) throw new Error('upload start without Location');
  const loc = new URL(location, reg.url);
  loc.searchParams.set('digest', digest);
  const put = await rawRequest(reg, 'PUT', loc.toString(), {
    body: bytes,
    headers: { 'Content-Type': 'application/octet-stream' },
  });
  expectStatus(put, [201], `upload blob ${digest} to ${repo}`);
  return digest;
}

/** PUT a manifest at a tag or digest. Returns its digest (the registry's Docker-Content-Digest). */
export async function pushManifest(reg: RegistryLike, repo: string, ref: string, bytes: Uint8Array | string, mediaType: string): Promise<string> {
  const res = await rawRequest(reg, 'PUT', `/v2/${repo}/manifests/${ref}`, { body: bytes, headers: { 'Content-Type': mediaType } });
  expectStatus(res, [201], `put manifest ${repo}:${ref}`);
  return res.headers.get('docker-content-digest') ?? sha256Digest(bytes);
}

/** GET a manifest (extra helper). Returns status, digest header, media type and bytes. */
export async function getManifest(reg: RegistryLike, repo: string, ref: string): Promise<{ status: number; digest: string | null; mediaType: string | null; body: Buffer }> {
  const res = await rawRequest(reg, 'GET', `/v2/${repo}/manifests/${ref}`, { headers: { Accept: MANIFEST_ACCEPT } });
  return { status: res.status, digest: res.headers.get('docker-content-digest'), mediaType: res.headers.get('content-type'), body: res.body };
}

// ---- a tiny tar writer (ustar, regular files only) ----
function tarHeader(name: string, size: number, mtime: number): Buffer {
  const h = Buffer.alloc(512, 0);
  const put = (s: string, off: number, len: number): void => { h.write(s, off, len, 'ascii'); };
  const octal = (n: number, len: number): string => n.toString(8).padStart(len - 1, '0') + '\0';
  put(name, 0, 100);
  put(octal(0o644, 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  put(octal(size, 12), 124, 12);
  put(octal(mtime, 12), 136, 12);
  put('        ', 148, 8);
  put('0', 156, 1);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  put('root', 265, 32);
  put('root', 297, 32);
  let sum = 0;
  for (const b of h) sum += b;
  put(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8);
  return h;
}

/** A tar archive of the given files (name -> bytes). */
export function makeTar(files: Record<string, Uint8Array | string>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.from(content);
    parts.push(tarHeader(name, data.length, 0), data, Buffer.alloc((512 - (data.length % 512)) % 512, 0));
  }
  parts.push(Buffer.alloc(1024, 0));
  return Buffer.concat(parts);
}

/** Push a one-layer OCI image with unique content at repo:tag. */
export async function pushRandomImage(reg: RegistryLike, repo: string, tag: string, opts: { layerBytes?: number } = {}): Promise<{ digest: string; manifest: Buffer }> {
  const tar = makeTar({
    'id.txt': `${randomBytes(16).toString('hex')} ${Date.now()}\n`,
    'random.bin': randomBytes(opts.layerBytes ?? 1024),
  });
  const layer = gzipSync(tar);
  const config = Buffer.from(JSON.stringify({
    architecture: 'amd64', os: 'linux', created: new Date().toISOString(), config: {},
    rootfs: { type: 'layers', diff_ids: [sha256Digest(tar)] },
  }));
  const configDigest = await pushBlob(reg, repo, config);
  const layerDigest = await pushBlob(reg, repo, layer);
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: layer.length }],
  }));
  const digest = await pushManifest(reg, repo, tag, manifest, OCI_MANIFEST);
  return { digest, manifest };
}

interface Descriptor { mediaType: string; digest: string; size: number; annotations?: Record<string, string> }

/**
 * Push a one-layer OCI image whose config blob is `config` (a JSON document, or raw bytes for a
 * damaged one) at repo:tag, or by digest when tag is undefined. Returns the manifest's digest and size.
 */
export async function pushImageWithConfig(reg: RegistryLike, repo: string, tag: string | undefined, config: object | Uint8Array): Promise<{ digest: string; size: number }> {
  const configBytes = config instanceof Uint8Array ? config : Buffer.from(JSON.stringify(config));
  const layer = gzipSync(makeTar({ 'hello.txt': 'hello' }));
  const [configDigest, layerDigest] = [await pushBlob(reg, repo, configBytes), await pushBlob(reg, repo, layer)];
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: configBytes.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: layer.length }],
  }));
  const digest = await pushManifest(reg, repo, tag ?? sha256Digest(manifest), manifest, OCI_MANIFEST);
  return { digest, size: manifest.length };
}

/** Push an OCI index of these manifests (already in repo) at repo:tag. Returns its digest. */
export async function pushIndex(reg: RegistryLike, repo: string, tag: string, manifests: Array<{ digest: string; size: number; platform?: { os: string; architecture: string; variant?: string }; annotations?: Record<string, string> }>): Promise<string> {
  const index = JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: manifests.map((m) => ({ mediaType: OCI_MANIFEST, ...m })) });
  return pushManifest(reg, repo, tag, index, OCI_INDEX);
}

/** Push the OCI layout image `fixtures/image-oci` (ref name 'v1') at repo:tag. Returns the manifest digest. */
export async function pushFixtureImage(reg: RegistryLike, repo: string, tag = 'v1'): Promise<string> {
  const layout = join(fixturesDir, 'image-oci');
  const blob = (digest: string): Promise<Buffer> => readFile(join(layout, 'blobs', ...digest.split(':')));
  const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as { manifests: Descriptor[] };
  const desc = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === 'v1') ?? index.manifests[0];
  if (!desc) throw new Error('fixtures/image-oci/index.json lists no manifest');
  const manifestBytes = await blob(desc.digest);
  const manifest = JSON.parse(manifestBytes.toString('utf8')) as { config: Descriptor; layers: Descriptor[] };
  for (const d of [manifest.config, ...manifest.layers]) await pushBlob(reg, repo, await blob(d.digest));
  const digest = await pushManifest(reg, repo, tag, manifestBytes, desc.mediaType);
  if (digest !== desc.digest) throw new Error(`fixture image pushed as ${digest}, expected ${desc.digest}`);
  return digest;
}

export type SignatureFixture = 'skopeo-ed25519' | 'skopeo-ecdsa-p256' | 'handmade-ed25519';

/**
 * Push fixtures/image-oci at repo:tag (default 'v1') plus the fixture's cosign signature
 * (sig-config.json, sig-payload.json blobs and sig-manifest.json at `sha256-<hex>.sig`).
 * Note the payload's identity names 127.0.0.1:5055 and the fixture's original repository.
 */
export async function pushFixtureSignature(reg: RegistryLike, repo: string, fixture: SignatureFixture, tag = 'v1'): Promise<{ imageDigest: string; sigTag: string }> {
  const dir = join(fixturesDir, fixture);
  const imageDigest = await pushFixtureImage(reg, repo, tag);
  const signed = sha256Digest(await readFile(join(dir, 'image-manifest.json')));
  if (signed !== imageDigest) throw new Error(`${fixture} signs ${signed}, but image-oci is ${imageDigest}`);
  const sigManifest = await readFile(join(dir, 'sig-manifest.json'));
  const parsed = JSON.parse(sigManifest.toString('utf8')) as { mediaType?: string; config: Descriptor; layers: Descriptor[] };
  const configDigest = await pushBlob(reg, repo, await readFile(join(dir, 'sig-config.json')));
  const payloadDigest = await pushBlob(reg, repo, await readFile(join(dir, 'sig-payload.json')));
  if (configDigest !== parsed.config.digest || payloadDigest !== parsed.layers[0]?.digest) {
    throw new Error(`${fixture}: sig-config/sig-payload digests do not match sig-manifest.json`);
  }
  const sigTag = `${imageDigest.replace(':', '-')}.sig`;
  await pushManifest(reg, repo, sigTag, sigManifest, parsed.mediaType ?? OCI_MANIFEST);
  return { imageDigest, sigTag };
}

/**
 * Push a multi-platform OCI index at repo:tag: one random image per platform string
 * (`os/arch[/variant]`), each also tagged `<tag>-<os>-<arch>[-<variant>]` (a repeated platform
 * gets `-<n>` added), so registry listings show every platform manifest as an image of its own.
 */
export async function pushIndexImage(reg: RegistryLike, repo: string, tag: string, platforms: string[]): Promise<{ index: string; children: Array<{ digest: string; platform: string; tag: string }> }> {
  const children: Array<{ digest: string; platform: string; tag: string; size: number }> = [];
  for (const [i, platform] of platforms.entries()) {
    const base = `${tag}-${platform.replaceAll('/', '-')}`;
    const childTag = children.some((c) => c.tag === base) ? `${base}-${i}` : base;
    const img = await pushRandomImage(reg, repo, childTag);
    children.push({ digest: img.digest, platform, tag: childTag, size: img.manifest.length });
  }
  const index = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: children.map((c) => {
      const [os, architecture, variant] = c.platform.split('/');
      return { mediaType: OCI_MANIFEST, digest: c.digest, size: c.size, platform: { os, architecture, ...(variant ? { variant } : {}) } };
    }),
  });
  return { index: await pushManifest(reg, repo, tag, index, OCI_INDEX), children: children.map(({ digest, platform, tag: t }) => ({ digest, platform, tag: t })) };
}
