/**
 * The web host: the same API as the Electron app, over HTTP on 127.0.0.1 for a browser.
 *
 *  - binds 127.0.0.1 only, on a free port unless told one;
 *  - every /api request needs the per-launch token (`Authorization: Bearer T`; the event stream,
 *    which EventSource opens without headers, takes `?token=T`), compared in constant time;
 *  - every request needs `Host: 127.0.0.1:PORT` or `localhost:PORT`, and an `Origin`, when sent, of
 *    exactly that (DNS rebinding and cross-site requests are refused);
 *  - every response carries a strict CSP; the renderer is served from dist/renderer;
 *  - POST /api/<name> with a JSON body runs one operation through api-handlers' dispatch;
 *  - GET /api/events?token=T is a Server-Sent Events stream of progress events.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { dispatch, type HostContext } from './api-handlers.js';
import { newSessionToken, tokenMatches } from './session-token.js';
import type { ProgressEvent } from '../../shared/api.js';

export const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
const MAX_BODY = 1024 * 1024;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json', '.woff2': 'font/woff2',
};

export interface WebHostOptions {
  dataDir: string;
  rendererDir: string;
  port?: number;
  token?: string;
  /** Passed on to the handlers (tests inject keychains and count calls). */
  context?: Partial<Omit<HostContext, 'dataDir' | 'progress'>>;
  /** Every API request and response body, as sent (tests search them for key material). */
  record?: (entry: { name: string; request: string; response: string }) => void;
}

export interface WebHost {
  /** The address the server is listening on, as the socket reports it (always 127.0.0.1). */
  address: string;
  port: number;
  token: string;
  url: string;
  close(): Promise<void>;
}

function baseHeaders(): Record<string, string> {
  return {
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cache-control': 'no-store',
  };
}

function send(res: ServerResponse, status: number, body: string, type = 'application/json; charset=utf-8'): void {
  res.writeHead(status, { ...baseHeaders(), 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** A refusal closes the connection: an unread request body must not be taken for the next request. */
function refuse(res: ServerResponse, status: number, message: string): void {
  res.setHeader('connection', 'close');
  send(res, status, JSON.stringify({ ok: false, error: { code: 'REFUSED', message } }));
}

async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) return null;
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const token = opts.token ?? newSessionToken();
  const streams = new Set<ServerResponse>();
  const rendererDir = resolve(opts.rendererDir);
  let port = 0;

  const progress = (e: ProgressEvent) => {
    const line = `data: ${JSON.stringify(e)}\n\n`;
    for (const s of streams) s.write(line);
  };
  const ctx: HostContext = { ...opts.context, dataDir: opts.dataDir, progress };

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) refuse(res, 500, 'The request failed inside Signet.');
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`];
    if (!allowedHosts.includes(req.headers.host ?? '')) return refuse(res, 421, 'This Signet host answers only to 127.0.0.1 or localhost on its own port.');
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedHosts.map((h) => `http://${h}`).includes(origin)) return refuse(res, 403, 'Requests from other sites are refused.');
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);

    if (url.pathname.startsWith('/api/')) {
      if (url.pathname === '/api/events' && req.method === 'GET') {
        if (!tokenMatches(token, url.searchParams.get('token'))) return refuse(res, 401, 'The session token is missing or wrong; open the address Signet printed.');
        res.writeHead(200, { ...baseHeaders(), 'content-type': 'text/event-stream', connection: 'keep-alive' });
        res.write(': signet progress\n\n');
        streams.add(res);
        req.on('close', () => streams.delete(res));
        return;
      }
      const auth = req.headers.authorization;
      const given = auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
      if (!tokenMatches(token, given)) return refuse(res, 401, 'The session token is missing or wrong; open the address Signet printed.');
      if (req.method !== 'POST') return refuse(res, 405, 'Use POST.');
      if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) return refuse(res, 415, 'Send JSON.');
      const name = decodeURIComponent(url.pathname.slice('/api/'.length));
      const body = await readBody(req);
      if (body === null) return refuse(res, 413, 'The request is too large.');
      let args: unknown;
      try {
        args = body === '' ? {} : JSON.parse(body);
      } catch {
        return send(res, 400, JSON.stringify({ ok: false, error: { code: 'VALIDATION', message: 'The request is not JSON.' } }));
      }
      const answer = await dispatch(name, args, ctx);
      const out = JSON.stringify(answer);
      opts.record?.({ name, request: body, response: out });
      return send(res, answer.ok ? 200 : answer.error.code === 'VALIDATION' ? 400 : 422, out);
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Use GET.');
    let path = decodeURIComponent(url.pathname);
    if (path === '/' || path === '') path = '/index.html';
    const file = resolve(join(rendererDir, path));
    if (!file.startsWith(rendererDir + sep)) return refuse(res, 404, 'Not found.');
    try {
      const st = await stat(file);
      if (!st.isFile()) return refuse(res, 404, 'Not found.');
      const bytes = await readFile(file);
      res.writeHead(200, { ...baseHeaders(), 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': bytes.length });
      res.end(req.method === 'HEAD' ? undefined : bytes);
    } catch {
      if (path === '/index.html') return send(res, 500, 'The renderer is not built: run npm run build:renderer.', 'text/plain; charset=utf-8');
      return refuse(res, 404, 'Not found.');
    }
  }

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, '127.0.0.1', () => ok());
  });
  const bound = server.address() as AddressInfo;
  port = bound.port;
  return {
    address: bound.address,
    port,
    token,
    url: `http://127.0.0.1:${port}/#token=${token}`,
    close: () => new Promise<void>((ok) => {
      for (const s of streams) s.end();
      streams.clear();
      server.closeAllConnections();
      server.close(() => ok());
    }),
  };
}
