import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { RegistryClient, type RegistryClientOptions } from '../../../electron/engine/registry/client.js';
import type { Credential } from '../../../electron/engine/registry/credentials.js';
import { parseReference } from '../../../electron/engine/content/reference.js';
import { sha256Digest } from '../../../electron/engine/content/digest.js';
import { SignetError } from '../../../electron/engine/errors.js';
import { registryError, send, startFake, type FakeServer, type SeenRequest } from './fake-http.js';

/**
 * A scripted registry (Basic or Bearer) and token server. Tokens are "tok-<n>"; the registry
 * remembers the scope each was issued for, so push with a pull token gets insufficient_scope.
 */
const MANIFEST = Buffer.from('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{},"layers":[]}');
const USER = 'alice';
const PASS = 's3cret-pw';
const BASIC = `Basic ${Buffer.from(`${USER}:${PASS}`).toString('base64')}`;

let reg: FakeServer;
let tokens: FakeServer;
let mode: 'basic' | 'bearer' = 'bearer';
let issued = new Map<string, string>(); // token -> scope
let revoked = new Set<string>();
let expiresIn = 300;
let tokenField: 'token' | 'access_token' = 'token';
let n = 0;

function registryHandler(req: SeenRequest, res: ServerResponse): void {
  const auth = String(req.headers.authorization ?? '');
  const repo = /^\/v2\/(.+?)\/(manifests|blobs|tags)\//.exec(req.path)?.[1] ?? '';
  const push = req.method !== 'GET' && req.method !== 'HEAD';
  if (mode === 'basic') {
    if (auth !== BASIC) return registryError(res, 401, 'UNAUTHORIZED', 'authentication required', { 'www-authenticate': 'Basic realm="fake"' });
  } else {
    const scope = `repository:${repo}:${push ? 'pull,push' : 'pull'}`;
    const challenge = `Bearer realm="${tokens.url}/token",service="fake-registry",scope="${scope}"`;
    const tok = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    const granted = issued.get(tok);
    if (granted === undefined || revoked.has(tok)) return registryError(res, 401, 'UNAUTHORIZED', 'authentication required', { 'www-authenticate': challenge });
    if (push && !granted.endsWith('pull,push')) return registryError(res, 401, 'DENIED', 'insufficient scope', { 'www-authenticate': `${challenge},error="insufficient_scope"` });
    if (repo === 'forbidden/repo') return registryError(res, 403, 'DENIED', 'requested access to the resource is denied');
  }
  if (req.method === 'PUT') return send(res, 201, '', { 'docker-content-digest': sha256Digest(req.body) });
  send(res, 200, MANIFEST, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': sha256Digest(MANIFEST) });
}

function tokenHandler(req: SeenRequest, res: ServerResponse): void {
  const url = new URL(req.path, 'http://x');
  let scope = url.searchParams.get('scope') ?? '';
  if (req.method === 'POST') {
    const form = new URLSearchParams(req.body.toString());
    if (form.get('grant_type') !== 'refresh_token' || form.get('refresh_token') !== 'refresh-123') return send(res, 401);
    scope = form.get('scope') ?? '';
  } else if (req.headers.authorization !== undefined && req.headers.authorization !== BASIC) {
    return send(res, 401, '{"details":"bad creds"}');
  } else if (req.headers.authorization === undefined && scope.endsWith('push')) {
    return send(res, 401);
  }
  const tok = `tok-${++n}`;
  issued.set(tok, scope);
  // Slow enough that concurrent requests really do overlap with the fetch.
  setTimeout(() => send(res, 200, JSON.stringify({ [tokenField]: tok, expires_in: expiresIn }), { 'content-type': 'application/json' }), 30);
}

before(async () => {
  reg = await startFake(registryHandler);
  tokens = await startFake(tokenHandler);
});
after(async () => {
  await reg.stop();
  await tokens.stop();
});
beforeEach(() => {
  mode = 'bearer';
  issued = new Map();
  revoked = new Set();
  expiresIn = 300;
  tokenField = 'token';
  reg.requests.length = 0;
  tokens.requests.length = 0;
});

const password: Credential = { username: USER, password: PASS, source: 'test creds' };

function makeClient(cred: Credential | null, extra: RegistryClientOptions = {}): { client: RegistryClient; lines: string[]; credCalls: () => number } {
  const lines: string[] = [];
  let calls = 0;
  const client = new RegistryClient({
    credentials: async () => {
      calls++;
      return cred;
    },
    debug: (l) => lines.push(l),
    retryBaseMs: 1,
    ...extra,
  });
  return { client, lines, credCalls: () => calls };
}

const ref = (r = 'team/app:v1') => parseReference(`${reg.host}/${r}`);

test('bearer: one token fetch shared by concurrent requests, then reused; credentials resolved once', async () => {
  const { client, lines, credCalls } = makeClient(password);
  try {
    await Promise.all(Array.from({ length: 25 }, () => client.getManifest(ref())));
    for (let i = 0; i < 10; i++) await client.getManifest(ref());
    assert.equal(tokens.requests.length, 1, 'one token request');
    assert.equal(credCalls(), 1);
    assert.equal(tokens.requests[0]?.headers.authorization, BASIC, 'the token server (named by the challenge) gets the basic credentials');
    const q = new URL(tokens.requests[0]?.path ?? '', 'http://x').searchParams;
    assert.equal(q.get('service'), 'fake-registry');
    assert.equal(q.get('scope'), 'repository:team/app:pull');
    assert.equal(q.get('account'), USER);
    // The registry only ever sees the bearer token (never the password).
    for (const r of reg.requests) assert.ok(r.headers.authorization === undefined || String(r.headers.authorization).startsWith('Bearer '));
    assert.ok(lines.some((l) => l.includes('credentials for') && l.includes('test creds')));
    assert.ok(!lines.join('\n').includes(PASS) && !lines.join('\n').includes('tok-'), 'debug output has no secrets');
  } finally {
    await client.close();
  }
});

test('bearer: a push needs a broader scope and gets its own token; another repository another one', async () => {
  const { client } = makeClient(password);
  try {
    await client.getManifest(ref());
    const d = await client.putManifest(ref('team/app:v2'), MANIFEST, 'application/vnd.oci.image.manifest.v1+json');
    assert.equal(d, sha256Digest(MANIFEST));
    await client.putManifest(ref('team/app:v3'), MANIFEST, 'application/vnd.oci.image.manifest.v1+json');
    await client.getManifest(ref('team/other:v1'));
    const scopes = tokens.requests.map((r) => new URL(r.path, 'http://x').searchParams.get('scope'));
    assert.deepEqual(scopes, ['repository:team/app:pull', 'repository:team/app:pull,push', 'repository:team/other:pull']);
  } finally {
    await client.close();
  }
});

test('bearer: an expired token is replaced; access_token is accepted', async () => {
  expiresIn = 1; // usable for 0.75 s
  tokenField = 'access_token';
  const { client } = makeClient(password);
  try {
    await client.getManifest(ref());
    await client.getManifest(ref());
    assert.equal(tokens.requests.length, 1);
    await new Promise((r) => setTimeout(r, 800));
    await client.getManifest(ref());
    assert.equal(tokens.requests.length, 2);
  } finally {
    await client.close();
  }
});

test('bearer: a token the registry stops accepting is replaced once', async () => {
  const { client } = makeClient(password);
  try {
    await client.getManifest(ref());
    for (const t of issued.keys()) revoked.add(t);
    await client.getManifest(ref());
    assert.equal(tokens.requests.length, 2);
  } finally {
    await client.close();
  }
});

test('bearer: anonymous pull works without credentials', async () => {
  const { client } = makeClient(null);
  try {
    await client.getManifest(ref());
    assert.equal(tokens.requests[0]?.headers.authorization, undefined);
  } finally {
    await client.close();
  }
});

test('bearer: an identity token is exchanged with the OAuth2 refresh_token grant', async () => {
  const { client } = makeClient({ identityToken: 'refresh-123', source: 'helper' });
  try {
    await client.getManifest(ref());
    const t = tokens.requests[0];
    assert.equal(t?.method, 'POST');
    const form = new URLSearchParams(t?.body.toString());
    assert.equal(form.get('grant_type'), 'refresh_token');
    assert.equal(form.get('service'), 'fake-registry');
    assert.equal(form.get('scope'), 'repository:team/app:pull');
    assert.equal(t?.headers.authorization, undefined);
  } finally {
    await client.close();
  }
});

test('wrong password: AUTH_FAILED naming the credential source, never the secret', async () => {
  const { client } = makeClient({ username: USER, password: 'wrong-pw', source: '/root/.docker/config.json (auths)' });
  try {
    await assert.rejects(client.getManifest(ref()), (e: unknown) => {
      assert.ok(e instanceof SignetError);
      assert.equal(e.code, 'AUTH_FAILED');
      assert.match(e.message, /check the username and password \(credentials from \/root\/\.docker\/config\.json \(auths\)\)/);
      assert.ok(!e.message.includes('wrong-pw'));
      return true;
    });
  } finally {
    await client.close();
  }
});

test('no credentials where they are needed: AUTH_FAILED that says how to log in', async () => {
  const { client } = makeClient(null);
  try {
    await assert.rejects(client.putManifest(ref('team/app:v9'), MANIFEST, 'x/y'), (e: unknown) => e instanceof SignetError && e.code === 'AUTH_FAILED' && /no credentials were found.*docker login/.test(e.message));
  } finally {
    await client.close();
  }
});

test('insufficient scope and 403 are AUTH_DENIED', async () => {
  // The token server grants pull only, whatever is asked: a push is then refused for scope.
  const { client } = makeClient(password);
  const saved = issued;
  const realSet = saved.set.bind(saved);
  saved.set = (k: string, v: string) => realSet(k, v.replace(',push', ''));
  try {
    await assert.rejects(client.putManifest(ref('team/app:v9'), MANIFEST, 'x/y'), (e: unknown) => e instanceof SignetError && e.code === 'AUTH_DENIED' && /refused push access.*insufficient scope/.test(e.message));
    await assert.rejects(client.getManifest(ref('forbidden/repo:v1')), (e: unknown) => e instanceof SignetError && e.code === 'AUTH_DENIED' && /403/.test(e.message));
  } finally {
    await client.close();
  }
});

test('basic: credentials are sent after the first challenge and then up front', async () => {
  mode = 'basic';
  const { client } = makeClient(password);
  try {
    for (let i = 0; i < 5; i++) await client.getManifest(ref());
    assert.equal(reg.requests.filter((r) => r.headers.authorization === undefined).length, 1, 'only the first request is anonymous');
    assert.equal(reg.requests.length, 6);
    assert.equal(tokens.requests.length, 0);
  } finally {
    await client.close();
  }
});

test('basic: a wrong password is AUTH_FAILED after one retry, and no credentials is AUTH_FAILED too', async () => {
  mode = 'basic';
  const bad = makeClient({ username: USER, password: 'nope', source: 'explicit' });
  const none = makeClient(null);
  try {
    await assert.rejects(bad.client.getManifest(ref()), (e: unknown) => e instanceof SignetError && e.code === 'AUTH_FAILED' && /credentials from explicit/.test(e.message));
    assert.equal(reg.requests.length, 2);
    await assert.rejects(none.client.getManifest(ref()), (e: unknown) => e instanceof SignetError && e.code === 'AUTH_FAILED' && /no credentials were found/.test(e.message));
  } finally {
    await bad.client.close();
    await none.client.close();
  }
});

test('a plain-HTTP token realm on a non-loopback host is refused before anything is sent', async () => {
  const other = await startFake((req, res) => registryError(res, 401, 'UNAUTHORIZED', 'x', { 'www-authenticate': 'Bearer realm="http://auth.example.invalid/token",service="s"' }));
  const { client } = makeClient(password);
  try {
    await assert.rejects(client.getManifest(parseReference(`${other.host}/a/b:v1`)), (e: unknown) => e instanceof SignetError && e.code === 'INSECURE_REFUSED' && /--allow-http auth\.example\.invalid/.test(e.message));
  } finally {
    await client.close();
    await other.stop();
  }
});

test('a malformed challenge is an AUTH_FAILED error', async () => {
  const other = await startFake((req, res) => send(res, 401, '', { 'www-authenticate': 'Bearer realm="unterminated' }));
  const { client } = makeClient(password);
  try {
    await assert.rejects(client.getManifest(parseReference(`${other.host}/a/b:v1`)), (e: unknown) => e instanceof SignetError && e.code === 'AUTH_FAILED' && /malformed WWW-Authenticate/.test(e.message));
  } finally {
    await client.close();
    await other.stop();
  }
});

test('challenges split over several WWW-Authenticate headers: Bearer is preferred', async () => {
  const other = await startFake((req, res) => {
    if (String(req.headers.authorization ?? '').startsWith('Bearer tok-')) return send(res, 200, MANIFEST, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
    res.writeHead(401, { 'www-authenticate': ['Basic realm="x"', `Bearer realm="${tokens.url}/token",service="fake-registry"`], 'content-length': '0' });
    res.end();
  });
  const { client } = makeClient(password);
  try {
    await client.getManifest(parseReference(`${other.host}/a/b:v1`));
    assert.equal(tokens.requests.length, 1);
  } finally {
    await client.close();
    await other.stop();
  }
});
