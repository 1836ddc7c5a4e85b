// A tiny scriptable HTTP server for registry-client unit tests: records every request and lets
// the test answer it with a plain function. Not a registry; each test scripts what it needs.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface SeenRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export type Handler = (req: SeenRequest, res: ServerResponse, raw: IncomingMessage) => void | Promise<void>;

export interface FakeServer {
  host: string;
  url: string;
  requests: SeenRequest[];
  handle(fn: Handler): void;
  stop(): Promise<void>;
}

export async function startFake(handler: Handler = notFound, bindHost = '127.0.0.1'): Promise<FakeServer> {
  let fn = handler;
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((raw, res) => {
    const chunks: Buffer[] = [];
    raw.on('data', (c: Buffer) => chunks.push(c));
    raw.on('end', () => {
      const seen = { method: raw.method ?? 'GET', path: raw.url ?? '/', headers: { ...raw.headers }, body: Buffer.concat(chunks) };
      requests.push(seen);
      Promise.resolve(fn(seen, res, raw)).catch((e: unknown) => {
        res.writeHead(599);
        res.end(String(e));
      });
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, bindHost, r));
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('no address');
  const host = `${bindHost}:${addr.port}`;
  return {
    host,
    url: `http://${host}`,
    requests,
    handle(h) {
      fn = h;
    },
    async stop() {
      const closed = new Promise<void>((r) => server.close(() => r()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

export function notFound(_req: SeenRequest, res: ServerResponse): void {
  send(res, 404, JSON.stringify({ errors: [{ code: 'NOT_FOUND', message: 'nothing here' }] }), { 'content-type': 'application/json' });
}

export function send(res: ServerResponse, status: number, body: Uint8Array | string = '', headers: Record<string, string> = {}): void {
  const b = Buffer.from(body);
  res.writeHead(status, { 'content-length': String(b.length), ...headers });
  res.end(b);
}

export function registryError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  send(res, status, JSON.stringify({ errors: [{ code, message }] }), { 'content-type': 'application/json', ...headers });
}
