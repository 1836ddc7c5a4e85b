import { pipeline, Transform, type Readable } from 'node:stream';
import { SignetError, isSignetError } from '../errors.js';
import { DigestVerifier, sha256Digest, verifyBytes, isDigest, type Digest } from '../content/digest.js';
import { MANIFEST_ACCEPT } from '../content/media-types.js';
import { formatReference, manifestSelector, type Reference } from '../content/reference.js';
import { Auth, repositoryScope } from './auth.js';
import { resolveCredential, type Credential } from './credentials.js';
import { Transport, asSignetError, discard, header, headerList, networkError, readBounded, withRetries, type Response, type RetryOptions } from './http.js';
import { currentOperation } from './operation.js';
import { errorSummary, isRetryableStatus, retryableStatus, statusError, statusErrorWith } from './status-error.js';
import { MAX_LISTING_PAGES, tooManyPages } from './listing-page.js';
import { MAX_TAGS_PER_REPOSITORY, parseTagPage, tooManyTags, type TagBudget, type TagListing, type TagPage } from './tag-list.js';
import { CATALOG_PAGE_SIZE, CATALOG_SCOPE, MAX_REPOSITORIES, catalogUnsupported, isUnderPrefix, normalisePrefix, parseCatalogPage, tooManyRepositories, type CatalogPage, type RepositoryListing } from './catalog.js';

/**
 * The Distribution API v2 client: manifests, blobs, tags, the catalog. Every byte that comes back
 * named by a digest is checked against it before it is returned. One instance is meant to serve
 * thousands of concurrent calls: connections are pooled per origin, credentials are resolved once
 * per registry and bearer tokens are cached per scope (see auth.ts).
 */
export interface RepoRef {
  registry: string;
  repository: string;
}

export interface ManifestResult {
  digest: Digest;
  mediaType: string;
  bytes: Uint8Array;
}

/** How much of a blob getBlob reads: exactly `expectedSize` bytes when given, never more than `maxSize`. */
export interface BlobLimits {
  expectedSize?: number;
  maxSize?: number;
}

export interface RegistryClientOptions {
  credentials?: (registry: string) => Promise<Credential | null>;
  allowHttp?: string[];
  debug?: (msg: string) => void;
  /**
   * Retries of one request. Default: 4 outside an operation, 8 inside one (operation.ts), where
   * each retry is also drawn from the operation's budget.
   */
  maxRetries?: number;
  retryBaseMs?: number;
  /** How long a registry may stay silent (default 30 s). */
  timeoutMs?: number;
  /** How long one whole exchange read into memory may take, headers and body (default 60 s, at least twice timeoutMs). */
  deadlineMs?: number;
  /** The wall-clock budget of one image's check in batch verification (default 120 s, at least twice deadlineMs). */
  imageBudgetMs?: number;
  connections?: number;
  /** What to do about missing or refused credentials, in the host's words (see AuthOptions.loginHint). */
  loginHint?: (registry: string, problem: 'missing' | 'refused') => string;
}

/** The default wall-clock budget of one image's check in batch verification. */
const DEFAULT_IMAGE_BUDGET_MS = 120_000;

const MAX_MANIFEST = 4 << 20; // what distribution itself accepts
const MAX_BLOB_IN_MEMORY = 16 << 20;
const MAX_TAG_PAGE = 32 << 20;
const MAX_CATALOG_PAGE = 32 << 20;

interface Exchange {
  repo: RepoRef;
  /** The token scope when it is not the repository's pull (or push) scope: the catalog's. */
  scope?: string;
  method: string;
  url: URL;
  push?: boolean;
  headers?: Record<string, string>;
  /** Bytes, or a stream opened afresh for each attempt (a 401 round trip sends it again). */
  body?: Uint8Array | (() => Promise<Readable>);
  /** For messages: "the manifest r/x:v1". */
  what: string;
  /** A streamed blob transfer of this many bytes: see SendRequest.streamed. */
  streamed?: { bytes: number | undefined };
}

export class RegistryClient {
  /** The wall-clock budget of one image's check in batch verification (verifyRegistryImages). */
  readonly imageBudgetMs: number;
  private readonly transport: Transport;
  private readonly auth: Auth;
  private readonly retry: RetryOptions;
  private readonly bases = new Map<string, string>();
  /** Registries that refused a PATCH upload: later uploads there are monolithic PUTs. */
  private readonly noPatch = new Set<string>();

  constructor(opts: RegistryClientOptions = {}) {
    this.transport = new Transport({
      ...(opts.allowHttp ? { allowHttp: opts.allowHttp } : {}),
      ...(opts.debug ? { debug: opts.debug } : {}),
      ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
      ...(opts.deadlineMs !== undefined ? { deadlineMs: opts.deadlineMs } : {}),
      ...(opts.connections !== undefined ? { connections: opts.connections } : {}),
    });
    this.imageBudgetMs = opts.imageBudgetMs ?? Math.max(DEFAULT_IMAGE_BUDGET_MS, 2 * this.transport.deadlineMs);
    this.retry = { maxRetries: opts.maxRetries ?? 4, maxRetriesInOperation: opts.maxRetries ?? 8, baseMs: opts.retryBaseMs ?? 200, debug: opts.debug };
    this.auth = new Auth({
      transport: this.transport,
      credentials: opts.credentials ?? ((r) => resolveCredential(r)),
      retry: this.retry,
      debug: opts.debug,
      loginHint: opts.loginHint,
    });
  }

  /**
   * Signs in to a registry as `docker login` checks it: GET /v2/, authenticated as the registry
   * asks (a token without a scope, or Basic). Resolves when the registry accepted; throws
   * AUTH_FAILED when it wants credentials it did not get or refused them, NETWORK and the like
   * when it could not be reached. Names only the registry: no repository is needed or touched.
   */
  async checkLogin(registry: string): Promise<void> {
    const what = `signing in to ${registry}`;
    await this.request({ repo: { registry, repository: '' }, scope: '', method: 'GET', url: new URL(`${this.origin(registry)}/v2/`), what }, async (res) => {
      if (res.status === 200) return discard(res.body);
      throw await statusError(res, registry);
    });
  }

  async getManifest(ref: Reference): Promise<ManifestResult> {
    const m = await this.getManifestIfExists(ref);
    if (m === null) throw new SignetError('MANIFEST_UNKNOWN', `The manifest ${formatReference(ref)} was not found in the registry.`, { reference: formatReference(ref) });
    return m;
  }

  async getManifestIfExists(ref: Reference): Promise<ManifestResult | null> {
    const what = `the manifest ${formatReference(ref)}`;
    return this.request({ repo: ref, method: 'GET', url: this.url(ref, `manifests/${manifestSelector(ref)}`), headers: { accept: MANIFEST_ACCEPT }, what }, async (res) => {
      if (res.status === 404) return discard(res.body).then(() => null);
      if (res.status !== 200) throw await statusError(res, ref.registry);
      const bytes = await readBounded(res, MAX_MANIFEST, () => new SignetError('MANIFEST_INVALID', `${cap(what)} is larger than 4 MiB, the most a registry may serve.`));
      const digest = checkManifestDigest(bytes, ref, header(res.headers, 'docker-content-digest'), what);
      return { digest, mediaType: manifestMediaType(res, bytes), bytes };
    });
  }

  async headManifest(ref: Reference): Promise<{ digest: Digest; mediaType: string; size: number } | null> {
    const what = `the manifest ${formatReference(ref)}`;
    const head = await this.request({ repo: ref, method: 'HEAD', url: this.url(ref, `manifests/${manifestSelector(ref)}`), headers: { accept: MANIFEST_ACCEPT }, what }, async (res) => {
      await discard(res.body);
      if (res.status === 404) return null;
      if (res.status !== 200) throw await statusError(res, ref.registry);
      const digest = header(res.headers, 'docker-content-digest');
      const size = Number(header(res.headers, 'content-length') ?? NaN);
      if (!isDigest(digest) || !Number.isSafeInteger(size)) return 'incomplete' as const;
      if (ref.digest !== undefined && digest !== ref.digest) throw mismatch(what, ref.digest, digest, 'the registry names it');
      return { digest, mediaType: contentType(res) ?? '', size };
    });
    if (head !== 'incomplete') return head;
    // Some registries omit Docker-Content-Digest on HEAD: fetch and hash instead.
    const m = await this.getManifestIfExists(ref);
    return m === null ? null : { digest: m.digest, mediaType: m.mediaType, size: m.bytes.length };
  }

  /**
   * `retry: false` makes one attempt only: a read-modify-write caller (the signature store) must
   * not have a stale document re-sent after others wrote; it re-reads and goes round itself.
   */
  async putManifest(ref: Reference, bytes: Uint8Array, mediaType: string, opts: { retry?: boolean } = {}): Promise<Digest> {
    const digest = sha256Digest(bytes);
    const what = `the manifest ${formatReference(ref)}`;
    if (ref.digest !== undefined && ref.digest !== digest) throw mismatch(`${what} to push`, ref.digest, digest);
    // A tag, when given, is where it goes; otherwise it is pushed by digest.
    const selector = ref.tag ?? digest;
    await this.request({ repo: ref, method: 'PUT', url: this.url(ref, `manifests/${selector}`), push: true, headers: { 'content-type': mediaType }, body: bytes, what }, async (res) => {
      if (res.status < 200 || res.status > 299) throw await statusError(res, ref.registry);
      await discard(res.body);
      const said = header(res.headers, 'docker-content-digest');
      if (said !== undefined && said.startsWith('sha256:') && said !== digest) throw mismatch(`${what} just pushed`, digest, said, 'the registry names it');
    }, opts.retry === false ? { ...this.retry, maxRetries: 0, maxRetriesInOperation: 0 } : this.retry);
    return digest;
  }

  /**
   * A blob, digest-checked, read into memory. With `expectedSize` (the size its descriptor
   * declares) the read stops as soon as the body is longer, and a body of another length is
   * SIZE_MISMATCH: a registry that streams gigabytes in place of a small payload costs a few
   * kilobytes, not memory. `maxSize` bounds blobs of unknown size (default 16 MiB).
   */
  async getBlob(repo: RepoRef, digest: Digest, limits: BlobLimits = {}): Promise<Uint8Array> {
    const what = blobWhat(repo, digest);
    const sizeError = (why: string) => new SignetError('SIZE_MISMATCH', `${cap(what)} ${why}.`, { digest });
    const maxSize = limits.maxSize ?? MAX_BLOB_IN_MEMORY;
    const expected = limits.expectedSize;
    if (expected !== undefined && expected > maxSize) throw sizeError(`is declared as ${expected} bytes, more than the ${maxSize} bytes Signet reads into memory for it`);
    return this.request({ repo, method: 'GET', url: this.url(repo, `blobs/${digest}`), what }, async (res) => {
      if (res.status === 404) throw await blobUnknown(res, what);
      if (res.status !== 200) throw await statusError(res, repo.registry);
      const bytes = expected === undefined
        ? await readBounded(res, maxSize, () => sizeError(`is larger than ${maxSize} bytes, the most read into memory for it`))
        : await readExactly(res, expected, sizeError);
      verifyBytes(bytes, digest, what);
      return bytes;
    });
  }

  async blobStream(repo: RepoRef, digest: Digest, size?: number): Promise<NodeJS.ReadableStream> {
    const what = blobWhat(repo, digest);
    const res = await this.request({ repo, method: 'GET', url: this.url(repo, `blobs/${digest}`), what, streamed: { bytes: size } }, async (r) => {
      if (r.status === 404) throw await blobUnknown(r, what);
      if (r.status !== 200) throw await statusError(r, repo.registry);
      return r;
    });
    const declared = header(res.headers, 'content-length');
    if (size !== undefined && declared !== undefined && Number(declared) !== size) {
      res.body.destroy();
      throw new SignetError('SIZE_MISMATCH', `${cap(what)} is ${declared} bytes according to the registry, but its descriptor declares ${size}.`, { digest });
    }
    // Consumers see the data only through the verifier, which fails the stream on a short or wrong body.
    const verifier = new DigestVerifier(digest, what, size);
    res.body.on('error', (e) => verifier.destroy(asSignetError(networkError(e, 'GET', res.url, this.transport.timeoutMs)) as Error));
    verifier.on('close', () => {
      if (!res.body.readableEnded) res.body.destroy();
    });
    res.body.pipe(verifier);
    return verifier;
  }

  hasBlob(repo: RepoRef, digest: Digest): Promise<boolean> {
    return this.blobExists(repo, digest, false);
  }

  async uploadBlob(repo: RepoRef, digest: Digest, data: Uint8Array): Promise<void> {
    const what = blobWhat(repo, digest);
    verifyBytes(data, digest, `${what} to upload`);
    // Push scope for the existence check too, so an upload needs one token, not two.
    if (await this.blobExists(repo, digest, true)) return;
    // POST and PUT retry together: after a failed PUT the upload session may be gone.
    await withRetries(this.retry, async () => {
      const location = await this.startUpload(repo, what);
      await this.commitUpload(repo, location, digest, data, what);
    });
  }

  /**
   * Uploads a blob from a stream, never holding it in memory. Skipped (returns false) when the
   * registry already has it. Otherwise one upload session: the bytes streamed in one PATCH
   * (a chunked upload) and committed with PUT ?digest=, or, where the registry refuses PATCH,
   * streamed in the PUT itself (monolithic). `open` is called again for each attempt; its stream
   * should fail at its end when the bytes are wrong, which aborts the upload before it commits.
   * `onBytes` gets the bytes sent so far in the current attempt.
   */
  async uploadBlobStream(repo: RepoRef, digest: Digest, size: number | undefined, open: () => Promise<Readable>, onBytes?: (sent: number) => void): Promise<boolean> {
    const what = blobWhat(repo, digest);
    if (await this.blobExists(repo, digest, true)) return false;
    const body = async (): Promise<Readable> => counting(await open(), onBytes);
    const headers = { 'content-type': 'application/octet-stream', ...(size !== undefined ? { 'content-length': String(size) } : {}) };
    const streamed = { bytes: size };
    await withRetries(this.retry, async () => {
      let location = await this.startUpload(repo, what);
      if (!this.noPatch.has(repo.registry)) {
        const patch = await this.once({ repo, method: 'PATCH', url: location, push: true, headers, body, what, streamed });
        if (patch.status === 202 || patch.status === 204) {
          await discard(patch.body);
          const next = header(patch.headers, 'location');
          await this.commitUpload(repo, next === undefined ? location : this.uploadLocation(next, patch.url, repo), digest, new Uint8Array(0), what);
          return;
        }
        if (![400, 404, 405, 415, 416, 501].includes(patch.status)) throw await statusError(patch, repo.registry);
        await discard(patch.body);
        this.noPatch.add(repo.registry);
        location = await this.startUpload(repo, what); // the refused session may be unusable
      }
      await this.commitUpload(repo, location, digest, body, what, headers, streamed);
    });
    return true;
  }

  private async startUpload(repo: RepoRef, what: string): Promise<URL> {
    const post = await this.once({ repo, method: 'POST', url: this.url(repo, 'blobs/uploads/'), push: true, what });
    if (post.status !== 202) throw await statusError(post, repo.registry);
    await discard(post.body);
    const location = header(post.headers, 'location');
    if (location === undefined) throw new SignetError('REGISTRY_ERROR', `The registry ${repo.registry} started an upload for ${what} but sent no Location for it.`);
    return this.uploadLocation(location, post.url, repo);
  }

  private uploadLocation(location: string, base: URL, repo: RepoRef): URL {
    const target = new URL(location, base);
    this.transport.checkScheme(target, `The upload location given by ${repo.registry}`);
    return target;
  }

  private async commitUpload(repo: RepoRef, location: URL, digest: Digest, body: Uint8Array | (() => Promise<Readable>), what: string, headers: Record<string, string> = { 'content-type': 'application/octet-stream' }, streamed?: Exchange['streamed']): Promise<void> {
    const target = new URL(location);
    // Append rather than rewrite the query: Location often carries opaque upload state.
    target.search = `${target.search === '' ? '?' : `${target.search}&`}digest=${encodeURIComponent(digest)}`;
    const put = await this.once({ repo, method: 'PUT', url: target, push: true, headers, body, what, ...(streamed ? { streamed } : {}) });
    if (put.status < 200 || put.status > 299) throw await statusError(put, repo.registry);
    await discard(put.body);
  }

  /**
   * Every tag of a repository, each once, following rel="next" pages on the registry's own origin.
   * Names outside the tag grammar are skipped and counted (`invalid`), never returned. More than
   * MAX_TAGS_PER_REPOSITORY names, or more than `budget` has left (a namespace listing's shared
   * count), is LIMIT_EXCEEDED: counted page by page as they arrive, so an endless listing stops
   * at the bound instead of growing in memory.
   */
  async listTags(repo: RepoRef, opts: { budget?: TagBudget } = {}): Promise<TagListing> {
    const tags = new Set<string>();
    let entries = 0;
    let invalid = 0;
    const seen = new Set<string>();
    let url: URL | undefined = this.url(repo, 'tags/list?n=1000');
    const name = `${repo.registry}/${repo.repository}`;
    const what = `the tags of ${name}`;
    while (url !== undefined && !seen.has(url.href)) {
      if (seen.size >= MAX_LISTING_PAGES) throw tooManyPages(what);
      seen.add(url.href);
      const page: TagPage & { next: URL | undefined } = await this.request({ repo, method: 'GET', url, what }, async (res) => {
        // A repository nobody pushed to yet has no tags; that is not an error for our callers.
        if (res.status === 404) return discard(res.body).then(() => ({ tags: [], entries: 0, next: undefined }));
        if (res.status !== 200) throw await statusError(res, repo.registry);
        const bytes = await readBounded(res, MAX_TAG_PAGE, () => new SignetError('REGISTRY_ERROR', `A page of ${what} is larger than 32 MiB.`));
        const next = nextPage(headerList(res.headers, 'link'), res.url, this.origin(repo.registry), repo.registry, what);
        return { ...parseTagPage(bytes, what), next };
      });
      entries += page.entries;
      invalid += page.entries - page.tags.length;
      if (entries > MAX_TAGS_PER_REPOSITORY) throw tooManyTags(name);
      opts.budget?.take(page.entries);
      for (const t of page.tags) tags.add(t);
      url = page.next;
    }
    return { tags: [...tags], invalid };
  }

  /**
   * The repositories of a registry (`GET /v2/_catalog`), or only those under `prefix` (on
   * path-segment boundaries: `team` holds `team/app`, not `teamx/app`), sorted. Pages are
   * followed through rel="next" links on the registry's own origin only. Names outside the
   * repository grammar are skipped and counted (those under `prefix`). A registry that does
   * not offer the catalog is CATALOG_UNSUPPORTED; more than MAX_REPOSITORIES matches is an error.
   */
  async listRepositories(opts: { registry: string; prefix?: string }): Promise<RepositoryListing> {
    const { registry } = opts;
    const prefix = normalisePrefix(opts.prefix);
    const what = `the list of repositories of ${registry}`;
    // The catalog belongs to no repository: the scope below is what the token must carry.
    const catalog: Exchange = { repo: { registry, repository: '' }, scope: CATALOG_SCOPE, method: 'GET', url: this.catalogUrl(registry, CATALOG_PAGE_SIZE), what };
    const found = new Set<string>();
    let invalid = 0;
    const seen = new Set<string>();
    let url: URL | undefined = catalog.url;
    try {
      while (url !== undefined && !seen.has(url.href)) {
        if (seen.size >= MAX_LISTING_PAGES) throw tooManyPages(what);
        seen.add(url.href);
        const page = await this.catalogPage({ ...catalog, url }, registry);
        if (page === 'page size refused') {
          url = this.catalogUrl(registry);
          continue;
        }
        for (const name of page.repositories) {
          if (!isUnderPrefix(name, prefix)) continue;
          found.add(name);
          if (found.size > MAX_REPOSITORIES) throw tooManyRepositories(registry, prefix);
        }
        for (const name of page.invalid) if (isUnderPrefix(name, prefix)) invalid += 1;
        url = page.next;
      }
    } catch (e) {
      throw catalogAuthError(e, registry);
    }
    return { repositories: [...found].sort(), invalid };
  }

  private catalogUrl(registry: string, pageSize?: number): URL {
    return new URL(`${this.origin(registry)}/v2/_catalog${pageSize !== undefined ? `?n=${pageSize}` : ''}`);
  }

  private catalogPage(x: Exchange, registry: string): Promise<CatalogPage & { next: URL | undefined } | 'page size refused'> {
    return this.request(x, async (res) => {
      if (res.status !== 200) {
        const summary = await errorSummary(res);
        if (res.status === 404 || res.status === 405 || res.status === 501 || /(^|; )UNSUPPORTED\b/.test(summary)) {
          throw catalogUnsupported(registry, `it answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}${summary ? `: ${summary}` : ''}`);
        }
        // distribution refuses an n above its configured maximum: let it choose the page size.
        if (res.status === 400 && x.url.searchParams.has('n')) return 'page size refused' as const;
        throw statusErrorWith(res, registry, summary);
      }
      const bytes = await readBounded(res, MAX_CATALOG_PAGE, () => new SignetError('REGISTRY_ERROR', `A page of ${x.what} is larger than 32 MiB.`));
      const next = nextPage(headerList(res.headers, 'link'), res.url, this.origin(registry), registry, x.what);
      return { ...parseCatalogPage(bytes, registry, x.what), next };
    });
  }

  close(): Promise<void> {
    return this.transport.close();
  }

  // -------------------------------------------------------------------------------------------

  private origin(registry: string): string {
    let base = this.bases.get(registry);
    if (base === undefined) {
      base = this.transport.registryBase(registry).origin;
      this.bases.set(registry, base);
    }
    return base;
  }

  private url(repo: RepoRef, suffix: string): URL {
    return new URL(`${this.origin(repo.registry)}/v2/${repo.repository}/${suffix}`);
  }

  private async blobExists(repo: RepoRef, digest: Digest, push: boolean): Promise<boolean> {
    return this.request({ repo, method: 'HEAD', url: this.url(repo, `blobs/${digest}`), push, what: blobWhat(repo, digest) }, async (res) => {
      await discard(res.body);
      if (res.status === 200) return true;
      if (res.status === 404) return false;
      throw await statusError(res, repo.registry);
    });
  }

  /** One exchange with retries; `handle` must consume or destroy the body on every path. */
  private request<T>(x: Exchange, handle: (res: Response) => Promise<T>, retry: RetryOptions = this.retry): Promise<T> {
    return withRetries(retry, async () => {
      const res = await this.once(x);
      try {
        return await handle(res);
      } catch (e) {
        if (!res.body.destroyed && !res.body.readableEnded) res.body.destroy();
        throw e;
      }
    });
  }

  /**
   * One attempt, authenticating as the registry asks: anonymous or with what we learned before;
   * on a 401 from the registry itself, learn from its challenge and try once more.
   */
  private async once(x: Exchange): Promise<Response> {
    const registry = x.repo.registry;
    const scope = x.scope ?? repositoryScope(x.repo.repository, x.push === true);
    const authOrigin = this.origin(registry);
    for (let round = 0; ; round++) {
      const authorization = await this.auth.authorization(registry, scope);
      const body = typeof x.body === 'function' ? await x.body() : x.body;
      let res: Response;
      try {
        res = await this.transport.send({
          method: x.method,
          url: x.url,
          ...(x.headers ? { headers: x.headers } : {}),
          ...(body ? { body } : {}),
          ...(authorization !== undefined ? { authorization } : {}),
          ...(x.streamed ? { streamed: x.streamed } : {}),
          authOrigin,
        });
      } catch (e) {
        if (body !== undefined && !(body instanceof Uint8Array)) body.destroy();
        throw e;
      }
      if (body !== undefined && !(body instanceof Uint8Array) && res.status >= 300) body.destroy(); // refused: stop reading the source
      if (res.status === 401 && res.url.origin === authOrigin) {
        const challenge = headerList(res.headers, 'www-authenticate');
        await discard(res.body);
        if (round >= 1) throw await this.auth.failure(registry, scope, challenge, x.what);
        await this.auth.onUnauthorized(registry, scope, challenge, authorization);
        continue;
      }
      if (isRetryableStatus(res.status)) throw await retryableStatus(res, registry);
      currentOperation()?.answered(); // earns the operation a fraction of a retry (operation.ts)
      if (res.status === 403) throw await statusError(res, registry, 'AUTH_DENIED');
      return res;
    }
  }
}

// ---------------------------------------------------------------------------------------------

/** Passes a stream through, reporting the running byte count; errors of `src` end it too. */
function counting(src: Readable, onBytes?: (sent: number) => void): Readable {
  let sent = 0;
  const t = new Transform({
    highWaterMark: 1 << 20,
    transform(chunk: Buffer, _enc, cb) {
      sent += chunk.length;
      onBytes?.(sent);
      cb(null, chunk);
    },
  });
  pipeline(src, t, () => { /* an error destroys t, which fails the request */ });
  return t;
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function blobWhat(repo: RepoRef, digest: Digest): string {
  return `the blob ${digest} in ${repo.registry}/${repo.repository}`;
}

async function blobUnknown(res: Response, what: string): Promise<SignetError> {
  await discard(res.body);
  return new SignetError('BLOB_UNKNOWN', `${cap(what)} was not found in the registry.`);
}

function mismatch(what: string, expected: string, actual: string, source = 'the bytes received hash to'): SignetError {
  const how = source === 'the registry names it' ? `but the registry names it ${actual}` : `but ${source} ${actual}`;
  return new SignetError('DIGEST_MISMATCH', `${cap(what)} does not match its digest: expected ${expected}, ${how}.`, { expected, actual });
}

/**
 * A body that must be exactly `size` bytes: a Content-Length that disagrees fails before the body
 * is read, a longer body at its first extra chunk, a shorter one at its end.
 */
async function readExactly(res: Response, size: number, sizeError: (why: string) => SignetError): Promise<Uint8Array> {
  const declared = header(res.headers, 'content-length');
  if (declared !== undefined && Number(declared) !== size) {
    res.body.destroy();
    throw sizeError(`is ${declared} bytes according to the registry, but its descriptor declares ${size}`);
  }
  const bytes = await readBounded(res, size, () => sizeError(`is longer than the ${size} bytes its descriptor declares; Signet stopped reading it`));
  if (bytes.length !== size) throw sizeError(`is ${bytes.length} bytes, but its descriptor declares ${size}`);
  return bytes;
}

/**
 * The digest of fetched manifest bytes. Pinned by digest: the bytes must hash to it. By tag:
 * the registry's Docker-Content-Digest, when given, must agree with the bytes.
 */
function checkManifestDigest(bytes: Uint8Array, ref: Reference, said: string | undefined, what: string): Digest {
  const actual = sha256Digest(bytes);
  if (ref.digest !== undefined) {
    if (actual !== ref.digest) throw mismatch(what, ref.digest, actual);
  } else if (said !== undefined && said.startsWith('sha256:') && said !== actual) {
    throw new SignetError('DIGEST_MISMATCH', `${cap(what)} does not match the digest the registry gave for it: the registry said ${said}, but the bytes received hash to ${actual}.`, { expected: said, actual });
  }
  return actual;
}

function contentType(res: Response): string | undefined {
  const v = header(res.headers, 'content-type');
  return v === undefined ? undefined : (v.split(';')[0] as string).trim();
}

/** Content-Type, or the manifest's own mediaType when the registry sent a generic type. */
function manifestMediaType(res: Response, bytes: Uint8Array): string {
  const ct = contentType(res);
  if (ct !== undefined && ct !== '' && ct !== 'application/json' && ct !== 'text/plain' && ct !== 'application/octet-stream') return ct;
  try {
    const mt = (JSON.parse(Buffer.from(bytes).toString('utf8')) as { mediaType?: unknown })?.mediaType;
    if (typeof mt === 'string') return mt;
  } catch {
    /* parseManifest reports malformed JSON properly later */
  }
  return ct ?? '';
}

/**
 * The next page of a paginated listing (tags, catalog), or undefined on the last page. A link to
 * another origin is refused: credentials go only to the registry, and a listing from elsewhere
 * could hide tags or repositories.
 */
export function nextPage(link: string | undefined, page: URL, registryOrigin: string, registry: string, what: string): URL | undefined {
  const next = nextLink(link, page);
  if (next === undefined || next.origin === registryOrigin) return next;
  throw new SignetError(
    'REGISTRY_ERROR',
    `The registry ${registry} linked the next page of ${what} to another host (${next.host}); Signet does not follow it, so that your credentials go only to ${registry}.`,
    { registry, host: next.host },
  );
}

/**
 * A catalog refused after authenticating: refused access (403, insufficient scope) means the
 * registry does not offer its catalog to this user; failed credentials stay what they are, with
 * the hint that the catalog may be closed even to a valid login.
 */
function catalogAuthError(e: unknown, registry: string): unknown {
  if (!isSignetError(e)) return e;
  if (e.code === 'AUTH_DENIED') return catalogUnsupported(registry, 'access was refused');
  if (e.code === 'AUTH_FAILED') {
    return new SignetError('AUTH_FAILED', `${e.message} Some registries do not let anyone list their repositories; then add each repository as its own source.`, { ...e.details });
  }
  return e;
}

/** The rel="next" target of an RFC 8288 Link header, resolved against the page's URL. */
export function nextLink(link: string | undefined, base: URL): URL | undefined {
  if (link === undefined) return undefined;
  const re = /<([^>]*)>([^,<]*)/g;
  for (let m = re.exec(link); m !== null; m = re.exec(link)) {
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(m[2] ?? '');
    const rels = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
    if (rels.includes('next')) {
      try {
        return new URL(m[1] as string, base);
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

