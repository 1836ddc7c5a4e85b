// Credentials never reach a second loopback host (127.0.0.2) on redirects, with the real registry
// in each auth variant (none, htpasswd/Basic, token/Bearer) behind a proxy that redirects
// manifest and blob reads (301/302/303/307/308) and hands out blob-upload Locations on the other
// host. The other host records every header it receives: no Authorization, no password, no token.
// A catalog page whose rel="next" link names the other host is refused before anything is sent.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startRegistry, type AuthMode, type TestRegistry } from '../helpers/registry.js';
import { pushRandomImage } from '../helpers/push.js';
import { startFaultProxy, startRecordingServer, type FaultProxy, type RecordingServer } from '../helpers/fault-proxy.js';
import { RegistryClient } from '../../electron/engine/registry/client.js';
import { parseReference } from '../../electron/engine/content/reference.js';
import { sha256Digest, type Digest } from '../../electron/engine/content/digest.js';
import { SignetError } from '../../electron/engine/errors.js';

const MODES: AuthMode[] = ['none', 'htpasswd', 'token'];
const STATUSES = [301, 302, 303, 307, 308];

interface Setup { reg: TestRegistry; proxy: FaultProxy; digest: string; layer: string }
const setups = new Map<AuthMode, Setup>();
let other: RecordingServer;

before(async () => {
  other = await startRecordingServer('127.0.0.2');
  await Promise.all(MODES.map(async (auth) => {
    const reg = await startRegistry({ auth });
    const proxy = await startFaultProxy(reg.url);
    const img = await pushRandomImage(reg, 'cross/app', 'v1');
    const layer = (JSON.parse(img.manifest.toString()) as { layers: Array<{ digest: string }> }).layers[0]!.digest;
    setups.set(auth, { reg, proxy, digest: img.digest, layer });
  }));
});
after(async () => {
  await other?.stop();
  for (const s of setups.values()) { await s.proxy.stop(); await s.reg.stop(); }
});

function clientFor(s: Setup): RegistryClient {
  return new RegistryClient({ credentials: async () => ({ username: s.reg.username, password: s.reg.password, source: 'test' }), retryBaseMs: 1, maxRetries: 0 });
}

/** Nothing secret in any header the other host received. */
function assertNoSecrets(s: Setup, what: string): void {
  assert.ok(other.requests.length > 0, `${what}: the client went to the other host`);
  const basic = Buffer.from(`${s.reg.username}:${s.reg.password}`).toString('base64');
  for (const r of other.requests) {
    assert.equal(r.headers.authorization, undefined, `${what}: no Authorization header on 127.0.0.2 (${r.method} ${r.path})`);
    const all = JSON.stringify(r.headers);
    assert.ok(!all.includes(s.reg.password) && !all.includes(basic), `${what}: no password in any header`);
    assert.ok(!/bearer|basic/i.test(all), `${what}: no credential scheme in any header`);
  }
}

for (const auth of MODES) {
  test(`${auth}: manifest and blob reads redirected to 127.0.0.2 (${STATUSES.join('/')}) carry no credentials`, async () => {
    const s = setups.get(auth)!;
    const client = clientFor(s);
    try {
      // The registry itself does get credentials, where it asks for them.
      s.proxy.setHandler(() => ({ kind: 'pass' }));
      await client.getManifest(parseReference(`${s.proxy.host}/cross/app:v1`));
      if (auth !== 'none') assert.ok(s.proxy.requests.some((q) => typeof q.headers.authorization === 'string'), 'the registry got credentials');
      for (const status of STATUSES) {
        for (const kind of ['manifest', 'blob'] as const) {
          other.requests.length = 0;
          const path = kind === 'manifest' ? `/v2/cross/app/manifests/${s.digest}` : `/v2/cross/app/blobs/${s.layer}`;
          s.proxy.setHandler((req) => (req.path === path ? { kind: 'redirect', status, location: `${other.url}/storage${path}?sig=1` } : { kind: 'pass' }));
          const read = kind === 'manifest'
            ? client.getManifest(parseReference(`${s.proxy.host}/cross/app@${s.digest}`))
            : client.getBlob({ registry: s.proxy.host, repository: 'cross/app' }, s.layer as Digest);
          // The other host answers "ok", which is not the content: a typed error, never accepted.
          await assert.rejects(read, (e: unknown) => e instanceof SignetError);
          assertNoSecrets(s, `${auth} ${kind} ${status}`);
        }
      }
    } finally {
      s.proxy.setHandler(() => ({ kind: 'pass' }));
      await client.close();
    }
  });

  test(`${auth}: a catalog page whose next link names 127.0.0.2 is refused, and nothing at all is sent there`, async () => {
    const s = setups.get(auth)!;
    const client = clientFor(s);
    other.requests.length = 0;
    // The page is answered once the client has authenticated, so credentials are in play.
    s.proxy.setHandler((req) => (req.path.startsWith('/v2/_catalog') && (auth === 'none' || req.headers.authorization !== undefined)
      ? { kind: 'status', status: 200, headers: { 'Content-Type': 'application/json', Link: `<${other.url}/v2/_catalog?last=cross%2Fapp&n=1>; rel="next"` }, body: '{"repositories":["cross/app"]}' }
      : { kind: 'pass' }));
    try {
      await assert.rejects(client.listRepositories({ registry: s.proxy.host }), (e: unknown) => e instanceof SignetError && e.code === 'REGISTRY_ERROR' && e.message.includes(`another host (${other.host})`));
      assert.equal(other.requests.length, 0, 'no request reached 127.0.0.2');
      if (auth !== 'none') assert.ok(s.proxy.requests.some((q) => q.path.startsWith('/v2/_catalog') && typeof q.headers.authorization === 'string'), 'the registry got credentials for its catalog');
    } finally {
      s.proxy.setHandler(() => ({ kind: 'pass' }));
      await client.close();
    }
  });

  test(`${auth}: a blob upload whose Location names 127.0.0.2 sends no credentials there`, async () => {
    const s = setups.get(auth)!;
    const client = clientFor(s);
    other.requests.length = 0;
    s.proxy.setHandler((req) => (req.method === 'POST' && req.path.startsWith('/v2/cross/app/blobs/uploads/')
      ? { kind: 'status', status: 202, headers: { Location: `${other.url}/v2/cross/app/blobs/uploads/evil-session`, 'Docker-Upload-UUID': 'evil-session', Range: '0-0' } }
      : { kind: 'pass' }));
    try {
      const bytes = Buffer.from(`upload to another host ${auth} ${Date.now()}`);
      await client.uploadBlob({ registry: s.proxy.host, repository: 'cross/app' }, sha256Digest(bytes), bytes).catch((e: unknown) => {
        assert.ok(e instanceof SignetError, String(e));
      });
      assertNoSecrets(s, `${auth} upload`);
    } finally {
      s.proxy.setHandler(() => ({ kind: 'pass' }));
      await client.close();
    }
  });
}
