import { STATUS_CODES, type IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, type Dispatcher } from 'undici';
import { SignetError } from '../errors.js';
import { isLoopbackRegistry } from '../content/reference.js';
import { currentOperation, seconds, type Operation } from './operation.js';

/**
 * One HTTP exchange with manual redirects, plus the plain-HTTP policy. Redirects are followed
 * by hand (never by undici) so that an Authorization header is only ever sent to the origin it
 * belongs to: blob GETs are routinely redirected to storage hosts, which must not see tokens.
 * URLs in messages and --debug lines never carry their query (signed storage URLs hold secrets).
 */
export interface SendRequest {
  method: string;
  url: URL;
  headers?: Record<string, string>;
  /** A stream body (blob uploads) is sent once: a redirect of it is an error, not a replay. */
  body?: Uint8Array | string | Readable;
  /** Sent only to hops on `authOrigin` (default: the first URL's origin). */
  authorization?: string;
  authOrigin?: string;
  /**
   * A streamed blob transfer (an upload, or a blob read as a stream) of this many bytes, which is
   * legitimately long: its deadline grows with its size (MIN_STREAM_BYTES_PER_S), and without a
   * size only the idle timeout holds. Every other exchange is read into memory and must finish,
   * headers and body, within the transport's deadline.
   */
  streamed?: { bytes: number | undefined };
}

type BodyReadable = Dispatcher.ResponseData['body'];

export interface Response {
  method: string;
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  body: BodyReadable;
  /** The URL that answered (after redirects). */
  url: URL;
}

export interface TransportOptions {
  allowHttp?: string[];
  debug?: (msg: string) => void;
  /** How long a registry may stay silent (undici's idle timeouts); default 30 s. */
  timeoutMs?: number;
  /** How long one whole exchange (headers and body) read into memory may take; default DEFAULT_DEADLINE_MS, at least twice timeoutMs. */
  deadlineMs?: number;
  connections?: number;
}

const MAX_REDIRECTS = 5;
/**
 * The whole-exchange deadline by default. The idle timeout alone does not bound a request: a
 * registry sending one byte a second is never idle, and kept `verify` busy for as long as it
 * liked. Manifests, tag pages and payloads are at most a few MiB; a minute is generous for them.
 */
export const DEFAULT_DEADLINE_MS = 60_000;
/** The slowest a streamed blob transfer may be on average (64 KiB/s): 1 GiB gets 4.5 hours. */
export const MIN_STREAM_BYTES_PER_S = 64 * 1024;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const USER_AGENT = 'signet/0.1';

export class Transport {
  private readonly agent: Agent;
  private readonly allowHttp: Set<string>;
  readonly debug: ((msg: string) => void) | undefined;
  readonly timeoutMs: number;
  readonly deadlineMs: number;

  constructor(opts: TransportOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.deadlineMs = opts.deadlineMs ?? Math.max(DEFAULT_DEADLINE_MS, 2 * this.timeoutMs);
    this.debug = opts.debug;
    this.allowHttp = new Set((opts.allowHttp ?? []).map((h) => h.toLowerCase()));
    this.agent = new Agent({
      connections: opts.connections ?? 32,
      keepAliveTimeout: 10_000,
      keepAliveMaxTimeout: 60_000,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      connectTimeout: Math.min(this.timeoutMs, 30_000),
    });
  }

  /** The base URL for a registry: http for loopback and --allow-http hosts, https otherwise. */
  registryBase(registry: string): URL {
    const host = registry === 'docker.io' ? 'registry-1.docker.io' : registry;
    return new URL(`${this.httpAllowed(host) ? 'http' : 'https'}://${host}`);
  }

  httpAllowed(hostPort: string): boolean {
    const h = hostPort.toLowerCase();
    return isLoopbackRegistry(h) || this.allowHttp.has(h) || this.allowHttp.has(h.replace(/:\d+$/, ''));
  }

  /** Throws INSECURE_REFUSED for plain-HTTP URLs (redirect targets, token realms) we may not use. */
  checkScheme(url: URL, why: string): void {
    if (url.protocol === 'https:') return;
    if (url.protocol !== 'http:') {
      throw new SignetError('REGISTRY_ERROR', `${why} uses the unsupported URL scheme "${url.protocol}".`);
    }
    if (!this.httpAllowed(url.host)) throw insecure(url.host, `${why} is plain HTTP (${describeUrl(url)})`);
  }

  /**
   * One exchange, redirects followed. The response body must be consumed or destroyed; until it
   * has been, the exchange's deadline (and its operation's end) can still abort it.
   */
  async send(req: SendRequest): Promise<Response> {
    // One deadline for the whole exchange: every redirect hop, the headers and the body.
    const guard = new ExchangeGuard(this.exchangeLimitMs(req), req.streamed !== undefined, currentOperation());
    try {
      const res = await this.follow(req, guard.signal);
      guard.endsWith(res.body);
      return res;
    } catch (e) {
      guard.done();
      throw e;
    }
  }

  private async follow(req: SendRequest, signal: AbortSignal): Promise<Response> {
    let url = req.url;
    let method = req.method;
    let body = req.body;
    const authOrigin = req.authOrigin ?? url.origin;
    for (let hop = 0; ; hop++) {
      const headers: Record<string, string> = { 'user-agent': USER_AGENT, ...req.headers };
      const withAuth = req.authorization !== undefined && url.origin === authOrigin;
      if (withAuth) headers.authorization = req.authorization as string;
      if (body === undefined) delete headers['content-type'];
      const started = Date.now();
      let res;
      try {
        res = await this.agent.request({ origin: url.origin, path: url.pathname + url.search, method: method as 'GET', headers, body: body ?? null, signal });
      } catch (e) {
        throw networkError(e, method, url, this.timeoutMs);
      }
      const status = res.statusCode;
      this.debug?.(`${method} ${describeUrl(url)} -> ${status} (${Date.now() - started} ms${req.authorization !== undefined && !withAuth ? ', no Authorization: other host' : ''})`);
      const location = header(res.headers, 'location');
      if (!REDIRECTS.has(status) || location === undefined) {
        return { method, status, statusText: res.statusText || STATUS_CODES[status] || '', headers: res.headers, body: res.body, url };
      }
      await discard(res.body);
      if (body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)) {
        throw new SignetError('REGISTRY_ERROR', `${url.host} redirected the upload ${method} ${describeUrl(url)} (${status}); Signet does not replay streamed uploads to another location.`);
      }
      if (hop >= MAX_REDIRECTS) {
        throw new SignetError('REGISTRY_ERROR', `${method} ${describeUrl(req.url)} was redirected more than ${MAX_REDIRECTS} times; giving up.`);
      }
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        throw new SignetError('REGISTRY_ERROR', `${url.host} answered ${status} with a Location that is not a URL.`);
      }
      this.checkScheme(next, `The redirect from ${url.host}`);
      // 303 always, and 301/302 for POST (as browsers and Go do), become a GET without a body.
      if (status === 303 ? method !== 'HEAD' : (status === 301 || status === 302) && method === 'POST') {
        method = 'GET';
        body = undefined;
      }
      url = next;
    }
  }

  /** The deadline of one exchange, undefined for a streamed transfer of unknown size. */
  private exchangeLimitMs(req: SendRequest): number | undefined {
    if (req.streamed === undefined) return this.deadlineMs;
    const bytes = req.streamed.bytes;
    return bytes === undefined ? undefined : this.deadlineMs + Math.ceil((bytes / MIN_STREAM_BYTES_PER_S) * 1000);
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

/**
 * Aborts one exchange, through the signal undici gets, when its deadline passes or its operation
 * ends, until its response body has been read or dropped.
 */
class ExchangeGuard {
  private readonly controller = new AbortController();
  readonly signal = this.controller.signal;
  private readonly timer: NodeJS.Timeout | undefined;
  private unlink: (() => void) | undefined;

  constructor(limitMs: number | undefined, streamed: boolean, operation: Operation | undefined) {
    if (limitMs !== undefined) {
      this.timer = setTimeout(() => this.controller.abort(new DeadlineExceeded(limitMs, streamed)), limitMs);
      this.timer.unref(); // a forgotten body must not keep the process alive
    }
    if (operation !== undefined) {
      const ended = operation.signal;
      const onEnd = () => this.controller.abort(ended.reason);
      if (ended.aborted) onEnd();
      ended.addEventListener('abort', onEnd, { once: true });
      this.unlink = () => ended.removeEventListener('abort', onEnd);
    }
  }

  /** The exchange ends when its body has been read to the end or destroyed. */
  endsWith(body: BodyReadable): void {
    if (body.destroyed) this.done();
    else body.once('close', () => this.done());
  }

  done(): void {
    clearTimeout(this.timer);
    this.unlink?.();
    this.unlink = undefined;
  }
}

/** The abort reason of an exchange that outlived its deadline: a registry trickling its answer. */
export class DeadlineExceeded extends Error {
  constructor(
    readonly limitMs: number,
    readonly streamed: boolean,
  ) {
    super(`the exchange did not finish within ${seconds(limitMs)} s`);
  }
}

export function insecure(host: string, what: string): SignetError {
  return new SignetError(
    'INSECURE_REFUSED',
    `Refusing to talk plain HTTP to ${host}: ${what}. Signet uses HTTPS for every registry except loopback ones. If you trust the network path to this registry, use --allow-http ${host}.`,
    { host },
  );
}

export function header(h: IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

/** All values of a header that may be repeated (WWW-Authenticate, Link), as one comma-joined list. */
export function headerList(h: IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

/** scheme://host/path without the query or fragment. */
export function describeUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** Reads and drops a body so the connection can be reused; errors are irrelevant here. */
export async function discard(body: BodyReadable): Promise<void> {
  try {
    await body.dump({ limit: 64 * 1024 });
  } catch {
    /* the connection is closed instead of reused */
  }
}

/**
 * Reads a body into memory, refusing more than `max` bytes (by Content-Length up front, and by
 * counting, since Content-Length may be absent or lie). Network errors mid-body are retryable.
 */
export async function readBounded(res: Response, max: number, tooBig: () => SignetError): Promise<Uint8Array> {
  const declared = header(res.headers, 'content-length');
  if (declared !== undefined && Number(declared) > max) {
    res.body.destroy();
    throw tooBig();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > max) {
        res.body.destroy();
        throw tooBig();
      }
      chunks.push(chunk);
    }
  } catch (e) {
    if (e instanceof SignetError) throw e;
    throw networkError(e, res.method, res.url, 0);
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
}

// ---------------------------------------------------------------------------------------------
// Errors and retries

/** Thrown inside a retried operation for a failure worth another try; `final` makes the error to report. */
export class Retryable extends Error {
  constructor(
    readonly final: (attempts: number) => SignetError,
    readonly reason: string,
    readonly retryAfterMs?: number,
  ) {
    super(reason);
  }
}

/** " (after N attempts)" when there was more than one, for final error messages. */
export function afterAttempts(n: number): string {
  return n > 1 ? ` (after ${n} attempts)` : '';
}

/** The SignetError to report for anything caught from this module, outside a retry loop. */
export function asSignetError(e: unknown): unknown {
  return e instanceof Retryable ? e.final(1) : e;
}

export interface RetryOptions {
  /** Retries of one request made outside an operation. */
  maxRetries: number;
  /** Retries of one request inside an operation, where each is also drawn from the operation's budget. */
  maxRetriesInOperation: number;
  baseMs: number;
  debug?: ((msg: string) => void) | undefined;
}

/** The longest backoff between two attempts. */
const MAX_BACKOFF_MS = 15_000;
/** The longest Retry-After honoured; a registry asking for more is asked again after this. */
const MAX_RETRY_AFTER_MS = 60_000;

/**
 * Runs `fn` again for each Retryable it throws. Inside an operation, every retry is drawn from
 * the operation's budget (shared by all its requests) and must fit before its deadline; outside
 * one, each request gets `maxRetries`.
 */
export async function withRetries<T>(opts: RetryOptions, fn: () => Promise<T>): Promise<T> {
  const op = currentOperation();
  const cap = op === undefined ? opts.maxRetries : opts.maxRetriesInOperation;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof Retryable)) throw e;
      if (attempt > cap) throw e.final(attempt);
      const delay = retryDelay(attempt, opts.baseMs, e.retryAfterMs);
      if (op !== undefined) {
        if (delay > op.remainingMs()) throw notRetried(e.final(attempt), `trying again in ${seconds(delay)} s would pass the time allowed for ${op.what}`);
        if (!op.takeRetry(e.reason)) throw notRetried(e.final(attempt), `${op.what} had used all the ${op.retries} retries it may make`);
      }
      opts.debug?.(`retry ${attempt}/${cap}${op !== undefined ? ` (${op.retries} in ${op.what})` : ''} in ${delay} ms: ${e.reason}`);
      try {
        await sleep(delay, undefined, op !== undefined ? { signal: op.signal } : undefined);
      } catch {
        throw op?.signal.reason ?? e.final(attempt); // the operation ended while waiting
      }
    }
  }
}

/**
 * How long to wait before attempt `attempt + 1`: what Retry-After asks (up to a minute), else
 * full jitter, a uniform pick in [0, min(15 s, base * 2^(attempt-1))], so that many clients
 * failing together do not come back together.
 */
export function retryDelay(attempt: number, baseMs: number, retryAfter?: number, random: () => number = Math.random): number {
  if (retryAfter !== undefined) return Math.min(MAX_RETRY_AFTER_MS, retryAfter);
  return Math.round(random() * Math.min(MAX_BACKOFF_MS, baseMs * 2 ** (attempt - 1)));
}

/** The final error of a request not retried any more, with why. */
function notRetried(err: SignetError, why: string): SignetError {
  return new SignetError(err.code, `${err.message} Not retried again: ${why}.`, { ...err.details, stoppedBecause: why }, { cause: err });
}

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

/** Retry-After as seconds or an HTTP date, in ms; undefined when absent or unreadable. */
export function retryAfterMs(h: IncomingHttpHeaders): number | undefined {
  const v = header(h, 'retry-after')?.trim();
  if (v === undefined || v === '') return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, t - Date.now());
}

const RETRYABLE_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ECONNABORTED', 'ENETDOWN',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);

function errCode(e: unknown): string | undefined {
  const err = e as { code?: unknown; cause?: { code?: unknown } };
  const c = typeof err?.code === 'string' ? err.code : typeof err?.cause?.code === 'string' ? err.cause.code : undefined;
  return c;
}

function plainReason(code: string | undefined, e: unknown, timeoutMs: number): string {
  switch (code) {
    case 'ECONNREFUSED': return 'connection refused';
    case 'ECONNRESET': case 'UND_ERR_SOCKET': case 'EPIPE': return 'the connection was closed unexpectedly';
    case 'ENOTFOUND': return 'host name not found';
    case 'EAI_AGAIN': return 'host name lookup failed temporarily';
    case 'UND_ERR_CONNECT_TIMEOUT': case 'ETIMEDOUT': return 'connecting timed out';
    case 'UND_ERR_HEADERS_TIMEOUT': case 'UND_ERR_BODY_TIMEOUT': return timeoutMs > 0 ? `no data for ${Math.round(timeoutMs / 1000)} s` : 'no data within the timeout';
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH': return 'the answer was shorter or longer than its Content-Length';
    default: {
      const msg = e instanceof Error ? e.message : String(e);
      return `${msg.replace(/[^\x20-\x7e]/g, '?').slice(0, 200)}${code ? ` (${code})` : ''}`;
    }
  }
}

/** A deadline hit is retried like a timeout; finally NETWORK, in plain words. */
function tooSlow(e: DeadlineExceeded, method: string, url: URL): Retryable {
  const what = `${method} ${describeUrl(url)}`;
  const s = seconds(e.limitMs);
  const reason = e.streamed
    ? `the transfer did not finish within ${s} s (the deadline plus the time it takes at ${MIN_STREAM_BYTES_PER_S / 1024} KiB/s)`
    : `the whole answer did not arrive within ${s} s`;
  const head = e.streamed ? `The registry ${url.host} was too slow for ${what}` : `The registry ${url.host} sent its answer to ${what} too slowly`;
  return new Retryable(
    (n) => new SignetError('NETWORK', `${head}: ${reason}${afterAttempts(n)}.`, { host: url.host, deadlineMs: e.limitMs }),
    `${what}: ${reason}`,
  );
}

/**
 * Maps a connection-level failure to Retryable (later NETWORK) or, for the ones retrying cannot
 * fix (unknown host, bad certificate, plain HTTP where TLS was expected), a SignetError now.
 */
export function networkError(e: unknown, method: string, url: URL, timeoutMs: number): Error {
  if (e instanceof SignetError || e instanceof Retryable) return e;
  if (e instanceof DeadlineExceeded) return tooSlow(e, method, url);
  const code = errCode(e);
  const msg = e instanceof Error ? e.message : String(e);
  if (url.protocol === 'https:' && /wrong version number|packet length too long/i.test(msg)) {
    return insecure(url.host, 'it does not answer HTTPS, so it looks like a plain-HTTP registry');
  }
  const reason = plainReason(code, e, timeoutMs);
  const what = `${method} ${describeUrl(url)}`;
  if (code !== undefined && (RETRYABLE_CODES.has(code) || code.startsWith('HPE_'))) {
    return new Retryable((n) => new SignetError('NETWORK', `Could not reach ${url.host} for ${what}: ${reason}${afterAttempts(n)}.`, { host: url.host, code }), `${what}: ${reason}`);
  }
  if (/certificate|self.signed|CERT_|ERR_TLS/i.test(`${code} ${msg}`)) {
    return new SignetError('NETWORK', `The TLS certificate of ${url.host} was not accepted for ${what}: ${reason}.`, { host: url.host, code });
  }
  return new SignetError('NETWORK', `Could not reach ${url.host} for ${what}: ${reason}.`, { host: url.host, code }, { cause: e });
}
