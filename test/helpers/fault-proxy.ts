// A loopback HTTP proxy in front of a test registry, for fault injection, plus a recording server
// to stand in for "another host".
//
//   const proxy = await startFaultProxy(reg.url);                   // or { bindHost: '127.0.0.2' }
//   proxy.setHandler((req, n) => req.path.includes('/blobs/') ? { kind: 'status', status: 500 } : { kind: 'pass' });
//   // point the client at proxy.url / proxy.host instead of reg.url / reg.host
//
// The proxy keeps clients on the proxy:
//  - it forwards the client's Host header unchanged, so the registry builds upload Locations
//    against the proxy; any Location that still names the upstream origin is rewritten;
//  - a Bearer `realm` in WWW-Authenticate that names another origin (the token server) is
//    rewritten to the same path on the proxy, and requests for that path are then routed to the
//    realm's origin. So token requests go through the proxy too: they show up in `requests`
//    (path '/token?...') and can be faulted like any other request.
// This proxy runs inside the test process: drive clients that use it with async spawn/exec,
// never spawnSync/execFileSync (that blocks the event loop the proxy needs).
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse, type ClientRequest, type IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';

export type FaultAction =
  | { kind: 'pass' }
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string }
  | { kind: 'reset' }                        // destroy the socket without answering
  | { kind: 'stall'; ms: number }            // hold the request that long, then pass (never answer if ms=Infinity)
  | { kind: 'truncate'; bytes: number }      // upstream headers but only the first N body bytes, then close
  | { kind: 'replaceBody'; body: Uint8Array | string } // upstream status/headers (content-length fixed) but this body
  // upstream status/headers, then a body that does not end: 8 KiB every 10 ms, chunked or under
  // this Content-Length, until the client hangs up (or 256 MiB, so a broken client cannot hang a
  // test); onClose gets the bytes written by then
  | { kind: 'endless'; contentLength?: number; onClose?: (bytesSent: number) => void }
  // upstream status/headers at once, then the upstream body one byte every `everyMs`: never silent
  // long enough for an idle timeout, so only a whole-request deadline ends it; onClose gets the
  // bytes written when the client hung up (or the body ended)
  | { kind: 'trickle'; everyMs: number; onClose?: (bytesSent: number) => void }
  | { kind: 'redirect'; location: string; status?: number };

export interface ProxyRequestRecord { method: string; path: string; headers: Record<string, string | string[] | undefined> }

export interface FaultProxy {
  host: string;
  port: number;
  url: string;
  /** Every request received, in order (including token requests routed through the proxy). */
  requests: ProxyRequestRecord[];
  /** Decide what to do with each request. Default: always pass. May also return a Promise. */
  setHandler(fn: (req: ProxyRequestRecord, n: number) => FaultAction | Promise<FaultAction>): void;
  stop(): Promise<void>;
}

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'upgrade'];

function track(server: ReturnType<typeof createServer>): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return sockets;
}

function listen(server: ReturnType<typeof createServer>, bindHost: string, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, bindHost, () => {
      server.off('error', reject);
      const addr = server.address();
      if (!addr || typeof addr === 'string') return reject(new Error('no address'));
      resolve(addr.port);
    });
  });
}

export interface FaultProxyOptions {
  /** Default '127.0.0.1'; '127.0.0.2' works for "second host" tests. */
  bindHost?: string;
  /** Rewrite a Bearer realm on another origin to the proxy and route it there (default true). */
  rewriteRealm?: boolean;
}

export async function startFaultProxy(upstream: string, opts: FaultProxyOptions = {}): Promise<FaultProxy> {
  const bindHost = opts.bindHost ?? '127.0.0.1';
  const upstreamUrl = new URL(upstream);
  const upstreamOrigin = upstreamUrl.origin;
  const requests: ProxyRequestRecord[] = [];
  const realmRoutes = new Map<string, string>(); // pathname on the proxy -> origin it really lives at
  const timers = new Set<NodeJS.Timeout>();
  const upstreamReqs = new Set<ClientRequest>();
  let handler: (req: ProxyRequestRecord, n: number) => FaultAction | Promise<FaultAction> = () => ({ kind: 'pass' });
  let count = 0;
  let selfHost = '';

  const clientOrigin = (req: IncomingMessage): string => `http://${req.headers.host ?? selfHost}`;

  function rewriteResponseHeaders(req: IncomingMessage, headers: IncomingHttpHeaders): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(headers)) {
      if (v === undefined || HOP_BY_HOP.includes(k) || k === 'transfer-encoding') continue;
      out[k] = v;
    }
    const me = clientOrigin(req);
    const loc = out.location;
    if (typeof loc === 'string' && /^https?:\/\//i.test(loc)) {
      const u = new URL(loc);
      if (u.origin === upstreamOrigin) out.location = me + loc.slice(u.origin.length);
    }
    const wa = out['www-authenticate'];
    const rewriteRealm = (h: string): string => h.replace(/realm="([^"]*)"/i, (all, realm: string) => {
      let u: URL;
      try { u = new URL(realm); } catch { return all; }
      if (u.origin === me) return all;
      if (u.origin !== upstreamOrigin) {
        if (opts.rewriteRealm === false) return all;
        if (u.pathname.startsWith('/v2')) return all; // would clash with registry paths; leave it alone
        realmRoutes.set(u.pathname, u.origin);
      }
      return `realm="${me}${u.pathname}${u.search}"`;
    });
    if (typeof wa === 'string') out['www-authenticate'] = rewriteRealm(wa);
    else if (Array.isArray(wa)) out['www-authenticate'] = wa.map(rewriteRealm);
    return out;
  }

  function forward(req: IncomingMessage, res: ServerResponse, onResponse: (up: IncomingMessage) => void): void {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    const target = new URL(realmRoutes.get(pathname) ?? upstreamOrigin);
    const headers: IncomingHttpHeaders = {};
    for (const [k, v] of Object.entries(req.headers)) if (!HOP_BY_HOP.includes(k)) headers[k] = v;
    const up = httpRequest({
      host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent: false,
    });
    upstreamReqs.add(up);
    up.on('close', () => upstreamReqs.delete(up));
    up.on('response', onResponse);
    up.on('error', (e) => {
      if (!res.headersSent) {
        res.writeHead(502, { 'Content-Type': 'text/plain' });
        res.end(`fault proxy: upstream error: ${e.message}`);
      } else {
        res.socket?.destroy();
      }
    });
    res.on('close', () => { if (!up.writableFinished || !res.writableFinished) up.destroy(); });
    req.pipe(up);
  }

  function pass(req: IncomingMessage, res: ServerResponse): void {
    forward(req, res, (up) => {
      res.writeHead(up.statusCode ?? 502, rewriteResponseHeaders(req, up.headers));
      up.pipe(res);
    });
  }

  function truncate(req: IncomingMessage, res: ServerResponse, limit: number): void {
    forward(req, res, (up) => {
      res.writeHead(up.statusCode ?? 502, rewriteResponseHeaders(req, up.headers));
      let sent = 0;
      let done = false;
      const cut = (): void => {
        done = true;
        up.destroy();
        const s = res.socket;
        if (!s) return;
        // Flush what was written, then close the connection under the client.
        s.end(() => s.destroy());
      };
      if (limit <= 0) { res.flushHeaders(); cut(); return; }
      up.on('data', (chunk: Buffer) => {
        if (done) return;
        const room = limit - sent;
        if (chunk.length < room) { sent += chunk.length; res.write(chunk); return; }
        res.write(chunk.subarray(0, room));
        sent = limit;
        cut();
      });
      up.on('end', () => { if (!done) res.end(); });
    });
  }

  function replaceBody(req: IncomingMessage, res: ServerResponse, body: Uint8Array | string): void {
    const bytes = Buffer.from(body);
    forward(req, res, (up) => {
      up.resume();
      const headers = rewriteResponseHeaders(req, up.headers);
      delete headers['content-encoding'];
      headers['content-length'] = String(bytes.length);
      res.writeHead(up.statusCode ?? 502, headers);
      res.end(req.method === 'HEAD' ? undefined : bytes);
    });
  }

  function endless(req: IncomingMessage, res: ServerResponse, action: Extract<FaultAction, { kind: 'endless' }>): void {
    forward(req, res, (up) => {
      up.resume();
      const headers = rewriteResponseHeaders(req, up.headers);
      delete headers['content-encoding'];
      delete headers['content-length'];
      if (action.contentLength !== undefined) headers['content-length'] = String(action.contentLength);
      res.writeHead(up.statusCode ?? 502, headers);
      const chunk = Buffer.alloc(8192, 'x');
      let sent = 0;
      const drip = setInterval(() => {
        if (sent >= 256 << 20) return void res.end();
        sent += chunk.length;
        res.write(chunk);
      }, 10);
      timers.add(drip);
      res.on('close', () => {
        clearInterval(drip);
        timers.delete(drip);
        action.onClose?.(sent);
      });
    });
  }

  function trickle(req: IncomingMessage, res: ServerResponse, action: Extract<FaultAction, { kind: 'trickle' }>): void {
    forward(req, res, (up) => {
      const chunks: Buffer[] = [];
      up.on('data', (c: Buffer) => chunks.push(c));
      up.on('end', () => {
        const body = Buffer.concat(chunks);
        res.writeHead(up.statusCode ?? 502, rewriteResponseHeaders(req, up.headers));
        res.flushHeaders();
        let sent = 0;
        const drip = setInterval(() => {
          if (sent >= body.length) return void res.end();
          res.write(body.subarray(sent, sent + 1));
          sent += 1;
        }, action.everyMs);
        timers.add(drip);
        res.on('close', () => {
          clearInterval(drip);
          timers.delete(drip);
          action.onClose?.(sent);
        });
      });
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rec: ProxyRequestRecord = { method: req.method ?? 'GET', path: req.url ?? '/', headers: { ...req.headers } };
    requests.push(rec);
    const n = count++;
    let action: FaultAction;
    try {
      action = await handler(rec, n);
    } catch (e) {
      req.resume();
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`fault proxy handler threw: ${(e as Error).message}`);
      return;
    }
    switch (action.kind) {
      case 'pass': return pass(req, res);
      case 'status': {
        req.resume();
        const body = action.body ?? '';
        res.writeHead(action.status, { 'Content-Length': String(Buffer.byteLength(body)), ...(action.headers ?? {}) });
        res.end(req.method === 'HEAD' ? undefined : body);
        return;
      }
      case 'reset':
        req.socket.destroy();
        return;
      case 'stall': {
        if (action.ms === Infinity) return; // never answered; stop() cleans up
        const t = setTimeout(() => { timers.delete(t); if (!req.socket.destroyed) pass(req, res); }, action.ms);
        timers.add(t);
        req.socket.once('close', () => { clearTimeout(t); timers.delete(t); });
        return;
      }
      case 'truncate': return truncate(req, res, action.bytes);
      case 'replaceBody': return replaceBody(req, res, action.body);
      case 'endless': return endless(req, res, action);
      case 'trickle': return trickle(req, res, action);
      case 'redirect':
        req.resume();
        res.writeHead(action.status ?? 307, { Location: action.location, 'Content-Length': '0' });
        res.end();
        return;
      default: {
        const never: never = action;
        throw new Error(`unknown fault action ${JSON.stringify(never)}`);
      }
    }
  }

  const server = createServer((req, res) => { void handle(req, res); });
  server.requestTimeout = 0; // let 'stall' hold requests as long as asked
  const sockets = track(server);
  const port = await listen(server, bindHost);
  selfHost = `${bindHost}:${port}`;
  let stopped = false;
  return {
    host: selfHost,
    port,
    url: `http://${selfHost}`,
    requests,
    setHandler(fn) { handler = fn; },
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const r of upstreamReqs) r.destroy();
      const closed = new Promise<void>((r) => server.close(() => r()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

export interface RecordedRequest extends ProxyRequestRecord { body: Buffer }
export interface RecordingServer {
  host: string;
  port: number;
  url: string;
  requests: RecordedRequest[];
  /** Change what it answers (default 200, body 'ok'). */
  setResponse(r: { status?: number; body?: Uint8Array | string; headers?: Record<string, string> }): void;
  stop(): Promise<void>;
}

/**
 * A server that answers every request with a fixed response (default 200 'ok') and records method,
 * path, headers and body. Use it as the other host of a cross-host redirect, e.g. bound to
 * 127.0.0.2, to prove that no Authorization header arrives there.
 */
export async function startRecordingServer(bindHost = '127.0.0.1', response: { status?: number; body?: Uint8Array | string; headers?: Record<string, string> } = {}): Promise<RecordingServer> {
  let resp = response;
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: { ...req.headers }, body: Buffer.concat(chunks) });
      const body = Buffer.from(resp.body ?? 'ok');
      res.writeHead(resp.status ?? 200, { 'Content-Length': String(body.length), ...(resp.headers ?? {}) });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
  });
  const sockets = track(server);
  const port = await listen(server, bindHost);
  const host = `${bindHost}:${port}`;
  let stopped = false;
  return {
    host, port, url: `http://${host}`, requests,
    setResponse(r) { resp = r; },
    async stop() {
      if (stopped) return;
      stopped = true;
      const closed = new Promise<void>((r) => server.close(() => r()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
