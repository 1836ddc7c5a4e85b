// Docker token-auth server for the test registry (distribution 2.8 "token" auth), run as its own
// process by registry.ts so that a test blocked in spawnSync/execFileSync (e.g. running the CLI)
// can still get tokens.
//
//   node token-server.js KEY.pem CERT.pem PORT BIND_HOST ISSUER LOGFILE
//   env USERS=alice:s3cret[,user:pw...]
//
// Prints "token server on HOST:PORT" once listening. Signs ES256 JWTs with an x5c header (the
// self-signed cert is the registry's rootcertbundle). Accepts GET ?service=&scope= with Basic
// credentials (what docker/skopeo do) and the OAuth2 form POST (grant_type=password). Grants every
// action asked for to any known user. Appends one JSON line per request to LOGFILE.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { appendFileSync, readFileSync } from 'node:fs';
import { createPrivateKey, sign, X509Certificate } from 'node:crypto';
import { pathToFileURL } from 'node:url';

interface Access { type: string; name: string; actions: string[] }

function parseScopes(scopes: string[]): Access[] {
  return scopes.flatMap((s) => s.split(' ')).filter(Boolean).map((s) => {
    const i = s.indexOf(':');
    const j = s.lastIndexOf(':');
    return { type: s.slice(0, i), name: s.slice(i + 1, j), actions: s.slice(j + 1).split(',') };
  });
}

function main(): void {
  const [keyFile, certFile, port, bindHost, issuer, logFile] = process.argv.slice(2);
  if (!keyFile || !certFile) throw new Error('usage: token-server KEY CERT PORT HOST ISSUER LOGFILE');
  const key = createPrivateKey(readFileSync(keyFile));
  const cert = new X509Certificate(readFileSync(certFile));
  const users = new Set((process.env.USERS ?? 'alice:s3cret').split(','));
  const b64u = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');

  function issue(res: ServerResponse, user: string, service: string | null, scopes: string[]): void {
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: 'JWT', alg: 'ES256', x5c: [cert.raw.toString('base64')] };
    const claims = {
      iss: issuer ?? 'signet-test-issuer', sub: user, aud: service ?? '',
      exp: now + 300, nbf: now - 10, iat: now, jti: `${now}-${Math.random().toString(36).slice(2)}`,
      access: parseScopes(scopes),
    };
    const input = `${b64u(header)}.${b64u(claims)}`;
    const sig = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
    const token = `${input}.${sig.toString('base64url')}`;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date(now * 1000).toISOString() }));
  }

  function log(req: IncomingMessage, status: number, user: string | undefined): void {
    if (!logFile) return;
    try {
      appendFileSync(logFile, JSON.stringify({ method: req.method, url: req.url, user, status, time: Date.now() }) + '\n');
    } catch { /* dir removed during shutdown */ }
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const deny = (user?: string): void => {
        log(req, 401, user);
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="token"', 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'invalid username/password' }] }));
      };
      if (url.pathname !== '/token') {
        log(req, 404, undefined);
        res.writeHead(404);
        res.end();
        return;
      }
      if (req.method === 'POST') {
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        const creds = `${form.get('username') ?? ''}:${form.get('password') ?? ''}`;
        if (form.get('grant_type') !== 'password' || !users.has(creds)) return deny(form.get('username') ?? undefined);
        log(req, 200, form.get('username') ?? undefined);
        return issue(res, form.get('username') ?? '', form.get('service'), form.getAll('scope'));
      }
      const auth = req.headers.authorization ?? '';
      const creds = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString('utf8') : '';
      const user = creds.split(':')[0];
      if (!users.has(creds)) return deny(user || undefined);
      log(req, 200, user);
      issue(res, user ?? '', url.searchParams.get('service'), url.searchParams.getAll('scope'));
    });
  });
  server.listen(Number(port ?? 0), bindHost ?? '127.0.0.1', () => {
    const addr = server.address();
    if (addr && typeof addr === 'object') process.stdout.write(`token server on ${addr.address}:${addr.port}\n`);
  });
  // Exit if the parent goes away (stdin is a pipe from the parent).
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
  process.on('SIGTERM', () => process.exit(0));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
