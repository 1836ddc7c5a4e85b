import { request, type IncomingMessage } from 'node:http';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { SignetError } from '../errors.js';
import { isDigest, type Digest } from '../content/digest.js';
import { parseReference, repositoryName, type Reference } from '../content/reference.js';
import type { ImageSource, ResolvedManifest, SourceImage } from './image-source.js';
import { DockerArchiveSource } from './docker-archive.js';

/**
 * The local Docker or Podman engine through the Docker-compatible API on a unix socket.
 * It lists images with their tags and RepoDigests. An image with a repo digest is in a registry
 * at that digest (sign and verify work there); any image can be exported (`GET /images/{name}/get`,
 * a docker-archive) and then read like one. As skopeo does, the export is streamed into a
 * temporary file, so a large image needs disk, not memory, and the file is removed on close().
 */
const API = '/v1.41';
const MAX_JSON = 32 << 20;

export interface EngineImage {
  Id: string;
  RepoTags: string[];
  RepoDigests: string[];
  /**
   * Only from `inspect` (`GET /images/{name}/json`), as the engine sent them: checked where they
   * are shown (image-facts.ts platformFacts), not here.
   */
  Os?: unknown;
  Architecture?: unknown;
  Variant?: unknown;
  Created?: unknown;
}

/** Where to find the socket: $DOCKER_HOST (unix://), then Docker's and Podman's usual places. */
export function socketCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const out: string[] = [];
  const host = env.DOCKER_HOST;
  if (host !== undefined && host !== '') {
    if (!host.startsWith('unix://')) {
      throw new SignetError('USAGE', `DOCKER_HOST is ${host}; Signet talks to a local engine over a unix socket only (unix:///path/to/socket).`);
    }
    return [host.slice('unix://'.length)];
  }
  out.push('/var/run/docker.sock');
  if (env.XDG_RUNTIME_DIR) out.push(join(env.XDG_RUNTIME_DIR, 'podman', 'podman.sock'));
  out.push('/run/podman/podman.sock');
  return out;
}

export async function findEngineSocket(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const candidates = socketCandidates(env);
  for (const c of candidates) {
    const st = await stat(c).catch(() => null);
    if (st !== null && st.isSocket()) return c;
  }
  throw new SignetError('NETWORK', `No local Docker or Podman engine was found: none of ${candidates.join(', ')} is a socket. Start one (for Podman: podman system service --time=0 unix:///run/podman/podman.sock) or set DOCKER_HOST=unix:///path/to/socket.`);
}

export class EngineClient {
  constructor(readonly socketPath: string) {}

  private send(method: string, path: string): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const req = request({ socketPath: this.socketPath, method, path, headers: { host: 'docker' } }, resolve);
      req.on('error', (e) => reject(new SignetError('NETWORK', `The engine at ${this.socketPath} could not be reached for ${method} ${path}: ${(e as NodeJS.ErrnoException).code ?? e.message}.`, { socket: this.socketPath })));
      req.end();
    });
  }

  private async json(path: string, what: string): Promise<unknown> {
    const res = await this.send('GET', path);
    const body = await readAll(res, MAX_JSON);
    if (res.statusCode === 404) throw new SignetError('MANIFEST_UNKNOWN', `The engine at ${this.socketPath} has no ${what}.`);
    if (res.statusCode !== 200) throw new SignetError('REGISTRY_ERROR', `The engine at ${this.socketPath} answered ${res.statusCode} for ${what}: ${engineMessage(body)}`);
    try {
      return JSON.parse(body.toString('utf8'));
    } catch {
      throw new SignetError('REGISTRY_ERROR', `The engine at ${this.socketPath} sent something other than JSON for ${what}.`);
    }
  }

  async ping(): Promise<void> {
    const res = await this.send('GET', '/_ping');
    await readAll(res, 1 << 16);
    if (res.statusCode !== 200) throw new SignetError('NETWORK', `The engine at ${this.socketPath} answered ${res.statusCode} to /_ping.`);
  }

  async images(): Promise<EngineImage[]> {
    const doc = await this.json(`${API}/images/json`, 'image list');
    if (!Array.isArray(doc)) throw new SignetError('REGISTRY_ERROR', `The engine at ${this.socketPath} sent an image list that is not a list.`);
    return doc.map(toEngineImage);
  }

  async inspect(name: string): Promise<EngineImage> {
    const doc = await this.json(`${API}/images/${encodeURIComponent(name)}/json`, `image "${name}"`);
    // Only the inspect answer has these (the list's Created is a number of seconds, not these).
    const o = (typeof doc === 'object' && doc !== null ? doc : {}) as Record<string, unknown>;
    const facts = Object.fromEntries((['Os', 'Architecture', 'Variant', 'Created'] as const).filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
    return { ...toEngineImage(doc), ...facts };
  }

  /** Streams `docker save NAME` into `file`. */
  async exportTo(name: string, file: string): Promise<void> {
    const res = await this.send('GET', `${API}/images/${encodeURIComponent(name)}/get`);
    if (res.statusCode !== 200) {
      const body = await readAll(res, MAX_JSON);
      if (res.statusCode === 404) throw new SignetError('MANIFEST_UNKNOWN', `The engine at ${this.socketPath} has no image "${name}".`);
      throw new SignetError('REGISTRY_ERROR', `The engine at ${this.socketPath} answered ${res.statusCode} when exporting "${name}": ${engineMessage(body)}`);
    }
    try {
      await pipeline(res, createWriteStream(file, { flags: 'wx' }));
    } catch (e) {
      throw new SignetError('IO', `Exporting "${name}" from the engine at ${this.socketPath} into ${file} failed: ${(e as Error).message}.`);
    }
  }
}

function toEngineImage(v: unknown): EngineImage {
  const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  const strings = (x: unknown): string[] => (Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string' && !s.startsWith('<none>')) : []);
  return { Id: typeof o.Id === 'string' ? o.Id : '', RepoTags: strings(o.RepoTags), RepoDigests: strings(o.RepoDigests) };
}

async function readAll(res: IncomingMessage, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of res as AsyncIterable<Buffer>) {
    n += c.length;
    if (n > max) {
      res.destroy();
      throw new SignetError('REGISTRY_ERROR', `An answer from the local engine is larger than ${max} bytes.`);
    }
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}

function engineMessage(body: Buffer): string {
  try {
    const m = (JSON.parse(body.toString('utf8')) as { message?: unknown }).message;
    if (typeof m === 'string') return m.slice(0, 300);
  } catch { /* not JSON */ }
  return body.toString('utf8').slice(0, 300).replace(/[^\x20-\x7e]/g, '?');
}

/**
 * Where an engine image may be in a registry: its RepoDigests in the repository of the name the
 * user gave (`docker-daemon:127.0.0.1:5000/app:v1` → `127.0.0.1:5000/app@sha256:…`, the tag kept
 * for the signing identity), or in any repository when no name is given. Podman lists every name
 * with every manifest digest it stores (a loaded image gets digests no registry has), so callers
 * ask the registry which candidate it really holds. Empty when the image never met a registry.
 */
export function registryDigestCandidates(img: EngineImage, name?: string): Reference[] {
  const digests: Reference[] = [];
  for (const d of img.RepoDigests) {
    try {
      const r = parseReference(d);
      if (r.digest !== undefined) digests.push(r);
    } catch { /* engines list odd names; skip them */ }
  }
  let wanted: Reference | undefined;
  try {
    wanted = name !== undefined && !isDigest(name) && !/^[a-f0-9]{12,64}$/.test(name) ? parseReference(name) : undefined;
  } catch {
    wanted = undefined;
  }
  const picked = wanted ? digests.filter((d) => repositoryName(d) === repositoryName(wanted!)) : digests;
  return picked.map((pick) => {
    let tag = wanted?.tag;
    if (tag === undefined) {
      for (const t of img.RepoTags) {
        try {
          const r = parseReference(t);
          if (repositoryName(r) === repositoryName(pick) && r.tag !== undefined) { tag = r.tag; break; }
        } catch { /* skip */ }
      }
    }
    return { registry: pick.registry, repository: pick.repository, ...(tag !== undefined ? { tag } : {}), digest: pick.digest! };
  });
}

/** The first candidate (see registryDigestCandidates), for callers that cannot ask a registry. */
export function registryDigestOf(img: EngineImage, name?: string): Reference | undefined {
  return registryDigestCandidates(img, name)[0];
}

/** An engine image as an ImageSource: exported once to a temporary docker-archive, read from there. */
export class EngineSource implements ImageSource {
  readonly description: string;
  private archive?: Promise<DockerArchiveSource>;
  private tmp?: string;

  constructor(readonly client: EngineClient, private readonly name?: string) {
    this.description = `docker-daemon:${name ?? ''} (engine at ${client.socketPath})`;
  }

  async list(): Promise<SourceImage[]> {
    const images = await this.client.images();
    const out: SourceImage[] = [];
    for (const img of images) {
      const base = { id: img.Id, repoDigests: img.RepoDigests };
      if (img.RepoTags.length === 0) out.push({ name: img.Id, ...base });
      for (const t of img.RepoTags) out.push({ name: t, ...base });
    }
    return out;
  }

  private exported(): Promise<DockerArchiveSource> {
    const name = this.name;
    if (name === undefined) return Promise.reject(new SignetError('USAGE', 'Name the engine image: docker-daemon:NAME[:TAG].'));
    this.archive ??= (async () => {
      this.tmp = await mkdtemp(join(tmpdir(), 'signet-engine-export-'));
      const file = join(this.tmp, 'image.tar');
      await this.client.exportTo(name, file);
      return new DockerArchiveSource(file, `docker-daemon:${name} (exported to ${file})`);
    })();
    return this.archive;
  }

  async resolve(name?: string): Promise<ResolvedManifest> {
    if (name !== undefined && this.name !== undefined && name !== this.name) throw new SignetError('USAGE', `This engine source was opened for ${this.name}, not ${name}.`);
    return (await this.exported()).resolve();
  }

  async manifest(digest: Digest): Promise<ResolvedManifest> {
    return (await this.exported()).manifest(digest);
  }

  async checkBlob(digest: Digest, size?: number): Promise<void> {
    return (await this.exported()).checkBlob(digest, size);
  }

  async blob(digest: Digest, size?: number): Promise<Readable> {
    return (await this.exported()).blob(digest, size);
  }

  async close(): Promise<void> {
    if (this.tmp !== undefined) await rm(this.tmp, { recursive: true, force: true });
  }
}


