import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { configFiles, normaliseKey, resolveCredential, type CredentialOptions } from '../../../electron/engine/registry/credentials.js';
import { SignetError } from '../../../electron/engine/errors.js';
import { makeTempDir, removeTempDir } from '../../helpers/tmp.js';

let dir: string;
let n = 0;
before(async () => {
  dir = await makeTempDir('signet-creds-');
});
after(() => removeTempDir(dir));

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** A docker config file in its own dir; no auth.json files, unless given. */
async function setup(config: unknown, extra: Partial<CredentialOptions> = {}): Promise<CredentialOptions & { file: string }> {
  const file = join(dir, `config-${++n}.json`);
  await writeFile(file, typeof config === 'string' ? config : JSON.stringify(config));
  return { dockerConfigPath: file, authJsonPaths: [], env: { HOME: join(dir, 'nohome'), PATH: process.env.PATH }, ...extra, file };
}

const isCredErr = (file: string, re?: RegExp) => (e: unknown) =>
  e instanceof SignetError && e.code === 'CREDENTIALS_ERROR' && e.message.includes(file) && (re === undefined || re.test(e.message)) && !e.message.includes('s3cret');

test('auths "auth" is base64 user:password; the password may contain ":"', async () => {
  const o = await setup({ auths: { '127.0.0.1:5000': { auth: b64('alice:s3cret:with:colons') } } });
  assert.deepEqual(await resolveCredential('127.0.0.1:5000', o), { username: 'alice', password: 's3cret:with:colons', source: `${o.file} (auths)` });
  assert.equal(await resolveCredential('127.0.0.1:5001', o), null);
});

test('auths keys are normalised: scheme, /v1/ path and case do not matter', async () => {
  const o = await setup({ auths: { 'https://Registry.Example.com/v1/': { auth: b64('a:b') }, 'http://other.example:8080': { auth: b64('c:d') } } });
  assert.equal((await resolveCredential('registry.example.com', o))?.username, 'a');
  assert.equal((await resolveCredential('other.example:8080', o))?.username, 'c');
  assert.equal(normaliseKey('quay.io/org/repo'), null, 'podman per-repository keys are not registry keys');
  assert.equal(normaliseKey('https://index.docker.io/v1/'), 'docker.io');
});

test('Docker Hub: https://index.docker.io/v1/ and its aliases', async () => {
  for (const key of ['https://index.docker.io/v1/', 'docker.io', 'index.docker.io', 'registry-1.docker.io']) {
    const o = await setup({ auths: { [key]: { auth: b64('hubuser:pw') } } });
    assert.equal((await resolveCredential('docker.io', o))?.username, 'hubuser', key);
  }
});

test('identitytoken and registrytoken entries', async () => {
  const o = await setup({ auths: { 'a.example': { auth: b64('bob:'), identitytoken: 'refresh-xyz' }, 'b.example': { registrytoken: 'bearer-abc' } } });
  assert.deepEqual(await resolveCredential('a.example', o), { username: 'bob', identityToken: 'refresh-xyz', source: `${o.file} (auths)` });
  assert.deepEqual(await resolveCredential('b.example', o), { registryToken: 'bearer-abc', source: `${o.file} (auths)` });
});

test('search order: REGISTRY_AUTH_FILE, XDG_RUNTIME_DIR, ~/.config, then DOCKER_CONFIG', async () => {
  const home = join(dir, 'home'), run = join(dir, 'run'), dockerDir = join(dir, 'dockercfg');
  await mkdir(join(home, '.config', 'containers'), { recursive: true });
  await mkdir(join(run, 'containers'), { recursive: true });
  await mkdir(dockerDir, { recursive: true });
  const authFile = join(dir, 'explicit-auth.json');
  const entry = (u: string) => JSON.stringify({ auths: { 'r.example': { auth: b64(`${u}:pw`) } } });
  await writeFile(join(dockerDir, 'config.json'), entry('from-docker'));
  const env = { HOME: home, XDG_RUNTIME_DIR: run, DOCKER_CONFIG: dockerDir, REGISTRY_AUTH_FILE: authFile };
  assert.deepEqual(configFiles({}, env), [authFile, join(run, 'containers', 'auth.json'), join(home, '.config', 'containers', 'auth.json'), join(dockerDir, 'config.json')]);
  assert.equal((await resolveCredential('r.example', { env }))?.username, 'from-docker');
  await writeFile(join(home, '.config', 'containers', 'auth.json'), entry('from-config'));
  assert.equal((await resolveCredential('r.example', { env }))?.username, 'from-config');
  await writeFile(join(run, 'containers', 'auth.json'), entry('from-run'));
  assert.equal((await resolveCredential('r.example', { env }))?.username, 'from-run');
  await writeFile(authFile, entry('from-explicit'));
  const c = await resolveCredential('r.example', { env });
  assert.equal(c?.username, 'from-explicit');
  assert.equal(c?.source, `${authFile} (auths)`);
  // A file without an entry for the registry does not stop the search.
  assert.equal(await resolveCredential('elsewhere.example', { env }), null);
});

test('credHelpers runs docker-credential-<name> get with the server URL on stdin', async () => {
  const bin = join(dir, 'bin');
  await mkdir(bin, { recursive: true });
  const script = join(bin, 'docker-credential-fake');
  // Echoes what it was asked for into the username so the test can check stdin and argv.
  await writeFile(script, `#!/bin/sh
[ "$1" = get ] || { echo "bad verb $1" >&2; exit 3; }
read -r url
case "$url" in
  token.example) printf '{"ServerURL":"%s","Username":"<token>","Secret":"refresh-tok"}' "$url" ;;
  missing.example) echo "credentials not found in native keychain"; exit 1 ;;
  broken.example) echo "gpg: decryption failed: No secret key" >&2; exit 2 ;;
  *) printf '{"ServerURL":"%s","Username":"user-for-%s","Secret":"s3cret"}' "$url" "$url" ;;
esac
`);
  await chmod(script, 0o755);
  const cfg = { credHelpers: { 'h.example:5000': 'fake', 'token.example': 'fake', 'missing.example': 'fake', 'broken.example': 'fake', 'docker.io': 'fake', 'nohelper.example': 'absent' } };
  const o = await setup(cfg, { env: { PATH: `${bin}:${process.env.PATH}`, HOME: join(dir, 'nohome') } });
  assert.deepEqual(await resolveCredential('h.example:5000', o), { username: 'user-for-h.example:5000', password: 's3cret', source: `docker-credential-fake (credHelpers in ${o.file})` });
  assert.equal((await resolveCredential('docker.io', o))?.username, 'user-for-https://index.docker.io/v1/');
  assert.deepEqual(await resolveCredential('token.example', o), { identityToken: 'refresh-tok', source: `docker-credential-fake (credHelpers in ${o.file})` });
  assert.equal(await resolveCredential('missing.example', o), null);
  await assert.rejects(resolveCredential('broken.example', o), (e: unknown) => e instanceof SignetError && e.code === 'CREDENTIALS_ERROR' && /exited with status 2 when asked for broken.example: gpg: decryption failed/.test(e.message));
  await assert.rejects(resolveCredential('nohelper.example', o), (e: unknown) => e instanceof SignetError && e.code === 'CREDENTIALS_ERROR' && /docker-credential-absent was not found on PATH/.test(e.message));
});

test('credHelpers wins over auths; auths wins over credsStore; empty auths markers fall through to credsStore', async () => {
  const calls: string[] = [];
  const runHelper = async (name: string, url: string) => {
    calls.push(`${name} ${url}`);
    return JSON.stringify({ Username: `${name}-user`, Secret: 'x' });
  };
  const o = await setup({ credsStore: 'store', credHelpers: { 'a.example': 'helper' }, auths: { 'a.example': { auth: b64('inline:x') }, 'b.example': { auth: b64('inline:x') }, 'c.example': {} } }, { runHelper });
  assert.equal((await resolveCredential('a.example', o))?.username, 'helper-user');
  assert.equal((await resolveCredential('b.example', o))?.username, 'inline');
  const c = await resolveCredential('c.example', o);
  assert.equal(c?.username, 'store-user');
  assert.equal(c?.source, `docker-credential-store (credsStore in ${o.file})`);
  assert.deepEqual(calls, ['helper a.example', 'store c.example']);
});

test('a helper that prints non-JSON is a CREDENTIALS_ERROR that does not echo its output', async () => {
  const o = await setup({ credsStore: 'x' }, { runHelper: async () => 'Secret: s3cret' });
  await assert.rejects(resolveCredential('r.example', o), isCredErr('docker-credential-x', /printed something other/));
});

test('an unsafe helper name is refused', async () => {
  const o = await setup({ credsStore: '../../bin/sh' }, { runHelper: async () => '{}' });
  await assert.rejects(resolveCredential('r.example', o), (e: unknown) => e instanceof SignetError && e.code === 'CREDENTIALS_ERROR');
});

test('malformed config files are CREDENTIALS_ERRORs naming the file and the problem, never the secret', async () => {
  const cases: Array<[unknown, RegExp]> = [
    ['{"auths": {"r.example": {"auth": "s3cret', /not valid JSON/],
    ['[1,2]', /top level is not a JSON object/],
    [{ auths: [] }, /"auths" is not an object/],
    [{ auths: { 'r.example': 'x' } }, /auths\["r.example"\] is not an object/],
    [{ credHelpers: { 'r.example': 3 } }, /credHelpers\["r.example"\] is not a string/],
    [{ credsStore: 5 }, /"credsStore" is not a string/],
    [{ auths: { 'r.example': { auth: '!!s3cret!!' } } }, /auths\["r.example"\].auth is not base64/],
    [{ auths: { 'r.example': { auth: b64('s3cret') } } }, /does not decode to "username:password"/],
    [{ auths: { 'r.example': { auth: 42 } } }, /.auth is not a string/],
  ];
  for (const [cfg, re] of cases) {
    const o = await setup(cfg);
    await assert.rejects(resolveCredential('r.example', o), isCredErr(o.file, re), JSON.stringify(cfg));
  }
});

test('missing files and an empty file mean no credentials', async () => {
  assert.equal(await resolveCredential('r.example', { dockerConfigPath: join(dir, 'nope.json'), authJsonPaths: [join(dir, 'nope2.json')] }), null);
  const o = await setup('');
  assert.equal(await resolveCredential('r.example', o), null);
});
