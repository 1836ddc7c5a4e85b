// A hostile registry: a node:http test double of the few Distribution API endpoints Signet reads
// when it lists and verifies (GET /v2/, manifests by tag or digest, blobs, tags/list), answering
// whatever a test scripts. It is a double, not a registry, because the attacks it stages need
// answers no real registry gives: a tag list of 130,000 names, rel="next" pages without end, a
// signature manifest naming thousands of 1 MB payloads nobody uploaded. Where a real
// docker-registry can hold the hostile state, the tests use one (test/helpers/registry.ts)
// behind the fault proxy instead.
//
//   const reg = await startHostileRegistry();
//   reg.setManifest('app', 'v1', bytes);                 // by tag, and by its digest
//   reg.setTags('app', (page) => ({ tags: [...], next: page + 1 }));
//   reg.blobFallback = (digest) => Buffer.alloc(1_000_000);
//
// Everything it serves is counted: `requests` (method and path) and `blobBytesSent`.
import { createHash } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface TagPageAnswer {
  /** The page's body: a list (made into {"name","tags"}) or the exact bytes to send. */
  tags: readonly string[] | Uint8Array;
  /** The number of the next page (sent as a rel="next" Link), or none. */
  next?: number;
}

export interface HostileRegistry {
  /** '127.0.0.1:PORT' */
  host: string;
  url: string;
  requests: Array<{ method: string; path: string }>;
  /** Bytes of blob bodies sent so far. */
  blobBytesSent: number;
  /** Served for a blob digest with no blob set; undefined = 404. */
  blobFallback: ((digest: string) => Uint8Array | undefined) | undefined;
  /** Serves `bytes` at `repo`'s manifest `tag` and at its digest; returns the digest. */
  setManifest(repo: string, tag: string, bytes: Uint8Array, mediaType?: string): string;
  setBlob(bytes: Uint8Array): string;
  /** How `repo`'s tag list answers: page 0 first, then whatever `next` links to. */
  setTags(repo: string, page: (n: number) => TagPageAnswer): void;
  stop(): Promise<void>;
}

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

export function sha256(bytes: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export async function startHostileRegistry(): Promise<HostileRegistry> {
  const manifests = new Map<string, { bytes: Uint8Array; mediaType: string; digest: string }>();
  const blobs = new Map<string, Uint8Array>();
  const tagLists = new Map<string, (n: number) => TagPageAnswer>();
  const sockets = new Set<Socket>();

  const send = (res: ServerResponse, status: number, body: Uint8Array | string, headers: Record<string, string> = {}, head = false): void => {
    const b = typeof body === 'string' ? Buffer.from(body) : body;
    res.writeHead(status, { 'content-length': String(b.length), ...headers });
    res.end(head ? undefined : b);
  };
  const notFound = (res: ServerResponse, code: string): void => send(res, 404, JSON.stringify({ errors: [{ code, message: 'not here' }] }), { 'content-type': 'application/json' });

  const server = createServer((req, res) => {
    req.resume();
    const url = new URL(req.url ?? '/', 'http://double');
    const method = req.method ?? 'GET';
    reg.requests.push({ method, path: `${url.pathname}${url.search}` });
    const head = method === 'HEAD';
    if (url.pathname === '/v2/') return send(res, 200, '{}', { 'content-type': 'application/json' }, head);
    const m = /^\/v2\/(.+)\/(manifests|blobs|tags)\/(.+)$/.exec(url.pathname);
    if (m === null) return notFound(res, 'NAME_UNKNOWN');
    const [, repo, kind, ref] = m as unknown as [string, string, string, string];
    if (kind === 'manifests') {
      const found = manifests.get(`${repo}@${ref}`);
      if (found === undefined) return notFound(res, 'MANIFEST_UNKNOWN');
      return send(res, 200, found.bytes, { 'content-type': found.mediaType, 'docker-content-digest': found.digest }, head);
    }
    if (kind === 'blobs') {
      const bytes = blobs.get(ref) ?? reg.blobFallback?.(ref);
      if (bytes === undefined) return notFound(res, 'BLOB_UNKNOWN');
      if (!head) reg.blobBytesSent += bytes.length;
      return send(res, 200, bytes, { 'content-type': 'application/octet-stream' }, head);
    }
    const pages = tagLists.get(repo);
    if (pages === undefined || ref !== 'list') return notFound(res, 'NAME_UNKNOWN');
    const n = Number(url.searchParams.get('page') ?? '0');
    const answer = pages(n);
    const body = answer.tags instanceof Uint8Array ? answer.tags : JSON.stringify({ name: repo, tags: answer.tags });
    const link: Record<string, string> = answer.next === undefined ? {} : { link: `</v2/${repo}/tags/list?n=1000&page=${answer.next}>; rel="next"` };
    return send(res, 200, body, { 'content-type': 'application/json', ...link }, head);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('no address');
  const host = `127.0.0.1:${addr.port}`;
  const reg: HostileRegistry = {
    host,
    url: `http://${host}`,
    requests: [],
    blobBytesSent: 0,
    blobFallback: undefined,
    setManifest(repo, tag, bytes, mediaType = OCI_MANIFEST) {
      const digest = sha256(bytes);
      const entry = { bytes, mediaType, digest };
      manifests.set(`${repo}@${tag}`, entry);
      manifests.set(`${repo}@${digest}`, entry);
      return digest;
    },
    setBlob(bytes) {
      const digest = sha256(bytes);
      blobs.set(digest, bytes);
      return digest;
    },
    setTags(repo, page) {
      tagLists.set(repo, page);
    },
    async stop() {
      const closed = new Promise<void>((r) => server.close(() => r()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
  return reg;
}
