// Namespace sources against the real registry in all three auth modes (none, htpasswd/Basic,
// token/Bearer), with repositories team/a, team/b, teamx/c and other/d, and catalog pages of two
// repositories (catalog.maxentries 2), so every listing takes several pages and Signet's first
// request (n=1000) is refused and asked again without n. `signet images HOST/team/` lists exactly
// team/a's and team/b's tags with their verdicts; the web host's sources.add with the namespace
// kind, then images.list, gives the same rows.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startRegistry, type AuthMode, type TestRegistry } from '../helpers/registry.js';
import { pushRandomImage } from '../helpers/push.js';
import { dockerConfigWith, jsonLines, runSignet } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/tmp.js';
import { MemoryBackend } from '../helpers/memory-keychain.js';
import { startWebHost, type WebHost } from '../../electron/host/web-host.js';

const MODES: AuthMode[] = ['none', 'htpasswd', 'token'];
const PASSWORD = 'namespace test key';
const REPOSITORIES: Array<[string, string[]]> = [['team/a', ['v1', 'v2']], ['team/b', ['v1']], ['teamx/c', ['v1']], ['other/d', ['v1']]];

interface Setup { reg: TestRegistry; env: NodeJS.ProcessEnv; key: string }
const setups = new Map<AuthMode, Setup>();
let dir: string;

before(async () => {
  dir = await makeTempDir();
  await Promise.all(MODES.map(async (auth) => {
    const reg = await startRegistry({ auth, catalogMaxEntries: 2 });
    for (const [repo, tags] of REPOSITORIES) for (const tag of tags) await pushRandomImage(reg, repo, tag);
    const env = { SIGNET_HOME: join(dir, 'signet-home'), COSIGN_PASSWORD: PASSWORD, DOCKER_CONFIG: dockerConfigWith([{ host: reg.host, username: reg.username, password: reg.password }]) };
    const key = join(dir, `key-${auth}`);
    const gen = await runSignet(['keys', 'generate-file', key, '--alg', 'ed25519'], { env });
    assert.equal(gen.code, 0, gen.stderr);
    const signed = await runSignet(['sign', `${reg.host}/team/a:v1`, '--key', `${key}.key`], { env });
    assert.equal(signed.code, 0, signed.stderr);
    setups.set(auth, { reg, env, key });
  }));
});
after(async () => {
  for (const s of setups.values()) await s.reg.stop();
});

/** The catalog requests in the registry's access log, as "STATUS PATH". */
async function catalogRequests(reg: TestRegistry): Promise<string[]> {
  const log = await reg.readLog();
  return [...log.matchAll(/"GET (\/v2\/_catalog[^ "]*) HTTP\/[\d.]+" (\d{3})/g)].map((m) => `${m[2]} ${m[1]}`);
}

for (const auth of MODES) {
  describe(`namespace sources, registry auth: ${auth}`, () => {
    test('signet images HOST/team/ lists exactly team/a and team/b, every tag with its verdict, over several catalog pages', async () => {
      const { reg, env, key } = setups.get(auth)!;
      const before = (await catalogRequests(reg)).length;
      const r = await runSignet(['images', `${reg.host}/team/`, '--key', `${key}.pub`, '--json'], { env });
      const rows = jsonLines(r.stdout);
      assert.deepEqual(rows.map((x) => [x.image, x.verdict]), [
        [`${reg.host}/team/a:v1`, 'verified'],
        [`${reg.host}/team/a:v2`, 'unsigned'],
        [`${reg.host}/team/b:v1`, 'unsigned'],
      ], r.stderr);
      assert.equal(r.code, 1, 'not every image is verified: exit 1');
      assert.match(rows[0].digest, /^sha256:[0-9a-f]{64}$/);

      // n=1000 refused (maxentries 2), asked again without n, then the registry's own next links.
      const catalog = (await catalogRequests(reg)).slice(before).filter((l) => !l.startsWith('401 '));
      assert.equal(catalog[0], '400 /v2/_catalog?n=1000', catalog.join('\n'));
      assert.equal(catalog[1], '200 /v2/_catalog', catalog.join('\n'));
      const pages = catalog.filter((l) => l.startsWith('200 '));
      assert.ok(pages.length >= 2 && pages.slice(1).every((l) => /[?&]last=/.test(l)), `several pages through Link: ${catalog.join('\n')}`);
      if (auth === 'token') {
        const scopes = (await reg.readTokenRequests()).flatMap((t) => new URL(t.url, 'http://x').searchParams.getAll('scope'));
        assert.ok(scopes.includes('registry:catalog:*'), `the token asked for the catalog scope: ${scopes.join(', ')}`);
      }
    });

    test('signet images HOST/ lists every repository of the registry; human output names each verdict', async () => {
      const { reg, env, key } = setups.get(auth)!;
      const json = await runSignet(['images', `${reg.host}/`, '--key', `${key}.pub`, '--json'], { env });
      assert.deepEqual(jsonLines(json.stdout).map((x) => x.image), [
        `${reg.host}/other/d:v1`, `${reg.host}/team/a:v1`, `${reg.host}/team/a:v2`, `${reg.host}/team/b:v1`, `${reg.host}/teamx/c:v1`,
      ], json.stderr);
      const human = await runSignet(['images', `${reg.host}/teamx/`, '--key', `${key}.pub`], { env });
      assert.match(human.stdout, new RegExp(`${reg.host.replace(/\./g, '\\.')}/teamx/c:v1.*unsigned`, 's'));
      assert.doesNotMatch(human.stdout, /team\/a|team\/b|other\/d/);
      assert.match(human.stderr, /1 image in /);
      // A namespace with nothing under it (a typo, say) verified nothing: not a passing exit.
      const empty = await runSignet(['images', `${reg.host}/tema/`, '--key', `${key}.pub`], { env });
      assert.equal(empty.code, 1, empty.stderr);
      assert.match(empty.stderr, /no images in .*\/tema\/, so nothing was verified/);
      assert.equal(empty.stdout, '');
    });

    if (auth !== 'none') {
      test('without credentials the namespace fails in plain words, and says the catalog may be closed', async () => {
        const { reg } = setups.get(auth)!;
        const r = await runSignet(['images', `${reg.host}/team/`, '--json'], { env: { SIGNET_HOME: join(dir, 'signet-home') } });
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, /requires authentication.*no credentials were found.*Some registries do not let anyone list their repositories/s);
      });
    }
  });
}

test('signing or verifying a namespace says to name one image', async () => {
  const { reg, env, key } = setups.get('none')!;
  const sign = await runSignet(['sign', `${reg.host}/team/`, '--key', `${key}.key`], { env });
  assert.notEqual(sign.code, 0);
  assert.match(sign.stderr, /names every repository under a namespace, not one image; name the image as HOST\/REPOSITORY:TAG/);
  const verify = await runSignet(['verify', `${reg.host}/team/`, '--key', `${key}.pub`, '--json'], { env });
  assert.equal(verify.code, 2);
  assert.equal(jsonLines(verify.stdout)[0].verdict, 'error');
  assert.match(jsonLines(verify.stdout)[0].message, /not one image/);
});

describe('namespace sources through the web host API (token auth, password in the keychain)', () => {
  let host: WebHost;
  const call = async (name: string, args: unknown) => {
    const res = await fetch(`http://127.0.0.1:${host.port}/api/${name}`, { method: 'POST', headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/json' }, body: JSON.stringify(args) });
    return (await res.json()) as { ok: boolean; result?: any; error?: { code: string; message: string } };
  };

  before(async () => {
    const dir = await makeTempDir();
    await mkdir(join(dir, 'renderer'));
    await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html>');
    // No docker login: the only credentials are the ones added through the API.
    await writeFile(join(dir, 'config.json'), '{}');
    process.env.DOCKER_CONFIG = dir;
    process.env.REGISTRY_AUTH_FILE = join(dir, 'auth.json');
    host = await startWebHost({ dataDir: join(dir, 'home'), rendererDir: join(dir, 'renderer'), context: { keyBackend: new MemoryBackend(), registryBackend: new MemoryBackend() } });
  });
  after(async () => { await host?.close(); });

  test('sources.add with kind namespace, then images.list: team/a and team/b with verdicts, progress while listing', async () => {
    const { reg, key } = setups.get('token')!;
    assert.equal((await call('registries.add', { host: reg.host, auth: 'keychain', username: reg.username, password: reg.password })).ok, true);
    const trusted = await call('trust.add', { name: 'ci', pem: await readFile(`${key}.pub`, 'utf8') });
    assert.equal(trusted.ok, true, JSON.stringify(trusted));

    const added = await call('sources.add', { kind: 'namespace', location: `${reg.host}/team` });
    assert.equal(added.ok, true, JSON.stringify(added));
    assert.equal(added.result.kind, 'namespace');
    assert.equal(added.result.label, `Every repository under ${reg.host}/team/`);
    assert.deepEqual((await call('sources.list', {})).result.map((s: { id: string }) => s.id), [added.result.id]);

    let events = '';
    const stream = request({ host: '127.0.0.1', port: host.port, path: `/api/events?token=${host.token}`, method: 'GET', agent: false });
    await new Promise<void>((resolve, reject) => {
      stream.on('response', (res) => { res.on('data', (d: Buffer) => { events += d.toString(); }); resolve(); });
      stream.on('error', reject);
      stream.end();
    });
    const rows = await call('images.list', { sourceId: added.result.id, opId: 'ns1' });
    await new Promise((r) => setTimeout(r, 100));
    stream.destroy();
    assert.equal(rows.ok, true, JSON.stringify(rows));
    assert.deepEqual(rows.result.map((x: { image: string; verdict: string; signers: string[] }) => [x.image, x.verdict, x.signers]), [
      [`${reg.host}/team/a:v1`, 'verified', ['ci']],
      [`${reg.host}/team/a:v2`, 'unsigned', []],
      [`${reg.host}/team/b:v1`, 'unsigned', []],
    ]);
    assert.match(events, new RegExp(`"opId":"ns1","message":"Listing the repositories under ${reg.host.replace(/\./g, '\\.')}/team/…"`));
    assert.match(events, /"opId":"ns1","message":"Checked 3 of 3 images","done":3,"total":3/);

    const whole = await call('sources.add', { kind: 'namespace', location: reg.host });
    assert.equal(whole.result.label, `Every repository under ${reg.host}/`);
    const all = await call('images.list', { sourceId: whole.result.id });
    assert.equal(all.result.length, 5, JSON.stringify(all.result.map((x: { image: string }) => x.image)));
  });

  test('sources.add refuses a namespace without a registry host, or with a trailing slash, before any handler', async () => {
    for (const location of ['team', 'team/app', `${setups.get('token')!.reg.host}/team/`, `${setups.get('token')!.reg.host}/Team`, `${setups.get('token')!.reg.host}/../x`]) {
      const r = await call('sources.add', { kind: 'namespace', location });
      assert.equal(r.ok, false, location);
      assert.equal(r.error?.code, 'VALIDATION', location);
    }
    const noHost = await call('sources.add', { kind: 'namespace', location: 'team' });
    assert.match(noHost.error!.message, /must start with a registry host/);
  });
});
