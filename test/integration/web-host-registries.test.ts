// Registries and sources through the API (the Registries and Images screens' operations): a
// password kept in the (here in-memory) keychain, never in registries.json, is what the engine
// uses; a wrong one fails the connection test in plain words; removing the registry removes it
// from the keychain.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startWebHost, type WebHost } from '../../electron/host/web-host.js';
import { MemoryBackend } from '../helpers/memory-keychain.js';
import { makeTempDir } from '../helpers/tmp.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { pushFixtureImage } from '../helpers/push.js';
import { writeArchive } from '../helpers/archive.js';

describe('registries with stored credentials, through the web host API', () => {
  let host: WebHost;
  let reg: TestRegistry;
  let dir: string;
  const registryBackend = new MemoryBackend();

  const call = async (name: string, args: unknown) => {
    const res = await fetch(`http://127.0.0.1:${host.port}/api/${name}`, { method: 'POST', headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/json' }, body: JSON.stringify(args) });
    return (await res.json()) as { ok: boolean; result?: any; error?: { code: string; message: string } };
  };

  before(async () => {
    [dir, reg] = await Promise.all([makeTempDir(), startRegistry({ auth: 'htpasswd' })]);
    await mkdir(join(dir, 'renderer'));
    await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html>');
    // No docker login for this registry: an empty docker config.
    await writeFile(join(dir, 'config.json'), '{}');
    process.env.DOCKER_CONFIG = dir;
    process.env.REGISTRY_AUTH_FILE = join(dir, 'auth.json');
    host = await startWebHost({ dataDir: join(dir, 'home'), rendererDir: join(dir, 'renderer'), context: { keyBackend: new MemoryBackend(), registryBackend } });
    await pushFixtureImage(reg, 'team/app', 'v1');
  });
  after(async () => { await host?.close(); await reg?.stop(); });

  // Issue 13 changed this test: a registry is tested before it is saved, so anonymous access and
  // a wrong password, which were saved before and failed their test afterwards, are now refused
  // and nothing is saved.
  test('anonymous and a wrong password are refused before anything is saved; the right one lists the images; the password is only in the keychain', async () => {
    const anon = await call('registries.add', { host: reg.host, auth: 'none' });
    assert.equal(anon.ok, false);
    assert.equal(anon.error?.code, 'AUTH_FAILED');
    assert.equal(anon.error?.message, `${reg.host} does not let anyone in without credentials: store a user name and password, or use your docker/podman login. Nothing was saved.`);
    assert.deepEqual((await call('registries.list', {})).result, []);
    const src = (await call('sources.add', { kind: 'registry', location: `${reg.host}/team/app` })).result;
    const denied = await call('images.list', { sourceId: src.id });
    const deniedText = denied.ok ? denied.result[0].message : denied.error!.message;
    assert.ok(!denied.ok || denied.result[0].verdict === 'error', JSON.stringify(denied));
    // The desktop's words: where to give the credentials in Signet, not only "docker login".
    assert.ok(deniedText.includes(`Add credentials for ${reg.host} on the Registries screen`), deniedText);

    const wrong = await call('registries.add', { host: reg.host, auth: 'keychain', username: reg.username, password: 'wrong-password' });
    assert.equal(wrong.ok, false);
    assert.equal(wrong.error?.message, `${reg.host} did not accept the user name "${reg.username}" with that password: check both and try again. Nothing was saved.`);
    assert.doesNotMatch(wrong.error!.message, /connection-test|signet\//, 'it names only what the user typed');
    assert.equal(registryBackend.secrets.has(reg.host), false, 'a wrong password is never saved');
    assert.deepEqual((await call('registries.list', {})).result, []);

    const tested = await call('registries.test', { host: reg.host, auth: 'keychain', username: reg.username, password: reg.password });
    assert.deepEqual(tested.result, { ok: true, reached: true, message: `Signed in to ${reg.host} as "${reg.username}".` });
    assert.equal(registryBackend.secrets.has(reg.host), false, 'a test saves nothing');

    assert.equal((await call('registries.add', { host: reg.host, auth: 'keychain', username: reg.username, password: reg.password })).ok, true);
    const ok = await call('registries.test', { host: reg.host });
    assert.equal(ok.result.ok, true, ok.result.message);
    assert.match(ok.result.message, /^Signed in to .* with the credentials from the OS keychain \(Signet\)\.$/);
    const rows = await call('images.list', { sourceId: src.id });
    assert.equal(rows.ok, true, JSON.stringify(rows));
    assert.equal(rows.result[0].verdict, 'unsigned');

    const listed = await call('registries.list', {});
    assert.deepEqual(listed.result, [{ host: reg.host, auth: 'keychain', username: reg.username }]);
    const file = await readFile(join(dir, 'home', 'registries.json'), 'utf8');
    assert.ok(!file.includes(reg.password!), 'no password in registries.json');
    assert.equal(registryBackend.secrets.get(reg.host), reg.password);
    assert.ok(!JSON.stringify(listed).includes(reg.password!));

    assert.equal((await call('registries.remove', { host: reg.host })).ok, true);
    assert.equal(registryBackend.secrets.has(reg.host), false);
    assert.deepEqual((await call('registries.list', {})).result, []);
    assert.equal((await call('sources.remove', { id: src.id })).ok, true);
    assert.deepEqual((await call('sources.list', {})).result, []);
  });

  test('edit: a new host or user name is tested first; the stored password is kept when none is typed; a refused change leaves the entry as it was', async () => {
    assert.equal((await call('registries.add', { host: reg.host, auth: 'keychain', username: reg.username, password: reg.password })).ok, true);
    const alias = reg.host.replace('127.0.0.1', 'localhost');
    // The same registry under another name, the password not typed again: kept, moved to the new name.
    const moved = await call('registries.edit', { host: reg.host, newHost: alias, auth: 'keychain', username: reg.username });
    assert.equal(moved.ok, true, JSON.stringify(moved));
    assert.deepEqual((await call('registries.list', {})).result, [{ host: alias, auth: 'keychain', username: reg.username }]);
    assert.equal(registryBackend.secrets.get(alias), reg.password);
    assert.equal(registryBackend.secrets.has(reg.host), false, 'the old name leaves the keychain');

    const refused = await call('registries.edit', { host: alias, auth: 'keychain', username: 'mallory', password: 'guess' });
    assert.equal(refused.ok, false);
    assert.equal(refused.error?.message, `${alias} did not accept the user name "mallory" with that password: check both and try again. Nothing was saved.`);
    assert.deepEqual((await call('registries.list', {})).result, [{ host: alias, auth: 'keychain', username: reg.username }], 'unchanged');
    assert.equal(registryBackend.secrets.get(alias), reg.password, 'the working password stays');

    const gone = await call('registries.edit', { host: 'nothere.example:5000', auth: 'none' });
    assert.equal(gone.error?.code, 'NOT_FOUND');
    assert.equal((await call('registries.remove', { host: alias })).ok, true);
  });

  test('a registry that cannot be reached is saved only when asked, and the test says it was not reached', async () => {
    const down = '127.0.0.1:9'; // discard port: nothing listens
    const t = await call('registries.test', { host: down, auth: 'none' });
    assert.equal(t.result.ok, false);
    assert.equal(t.result.reached, false);
    assert.match(t.result.message, /^Could not reach 127\.0\.0\.1:9: /);
    const refused = await call('registries.add', { host: down, auth: 'none' });
    assert.equal(refused.error?.code, 'NETWORK');
    assert.match(refused.error!.message, /Nothing was saved\.$/);
    assert.equal((await call('registries.add', { host: down, auth: 'none', saveUnreachable: true })).ok, true);
    assert.deepEqual((await call('registries.list', {})).result, [{ host: down, auth: 'none' }]);
    assert.equal((await call('registries.remove', { host: down })).ok, true);
  });

  test('registry changes are in the audit log, and no password ever is', async () => {
    const entries = (await call('audit.list', {})).result.entries.filter((e: any) => e.outcome === 'changed' && e.kind === 'registry');
    assert.deepEqual(entries.map((e: any) => [e.action, e.subject]), [
      ['added', reg.host], ['removed', reg.host],
      ['added', reg.host], ['edited', reg.host.replace('127.0.0.1', 'localhost')], ['removed', reg.host.replace('127.0.0.1', 'localhost')],
      ['added', '127.0.0.1:9'], ['removed', '127.0.0.1:9'],
    ]);
    assert.deepEqual(entries[0].details, { auth: 'keychain', username: reg.username });
    assert.ok(entries.every((e: any) => e.via === 'desktop' && typeof e.zone === 'string' && typeof e.localTime === 'string'));
    const log = await readFile(join(dir, 'home', 'audit.log'), 'utf8');
    for (const secret of [reg.password!, 'wrong-password', 'guess']) assert.ok(!log.includes(secret), `"${secret}" is not in audit.log`);
  });

  test('an archive is pushed and signed in one Sign flow; the result is the verdict read back', async () => {
    await call('registries.add', { host: reg.host, auth: 'keychain', username: reg.username, password: reg.password });
    const key = await call('keys.generate', { name: 'Release', algorithm: 'ecdsa-p256' });
    assert.equal(key.ok, true, JSON.stringify(key));
    const file = join(dir, 'app.tar');
    await writeArchive(file, [{ tags: ['example.com/app:1.0'] }]);
    const src = await call('sources.add', { kind: 'archive', location: file });
    const rows = await call('images.list', { sourceId: src.result.id });
    assert.equal(rows.ok, true, JSON.stringify(rows));
    assert.equal(rows.result.length, 1);
    const image = `docker-archive:${file}`;
    const plan = await call('sign.plan', { image });
    assert.equal(plan.ok, true, JSON.stringify(plan));
    assert.equal(plan.result.needsPush, true);
    assert.match(plan.result.digest, /^sha256:[0-9a-f]{64}$/, 'the review shows the digest the push will create');
    assert.equal(plan.result.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
    const dest = `${reg.host}/team/pushed:1.0`;
    const signed = await call('sign.run', { image, key: 'Release', annotations: { env: 'prod' }, recursive: true, pushTo: dest, expectedDigest: plan.result.digest });
    assert.equal(signed.ok, true, JSON.stringify(signed));
    assert.equal(signed.result.pushed.dest, dest);
    assert.equal(signed.result.pushed.digest, plan.result.digest, 'pushed and signed as reviewed');
    assert.equal(signed.result.digest, plan.result.digest);
    assert.equal(signed.result.signatures[0].readBack.verdict, 'verified');
    assert.deepEqual(signed.result.signatures[0].readBack.signers, ['Release']);
    const log = await call('audit.list', {});
    assert.equal(log.result.entries.at(-1).outcome, 'signed');
  });

  test('an archive replaced between the review and the push: nothing is pushed or signed, and the error says why', async () => {
    const file = join(dir, 'replaced.tar');
    await writeArchive(file, [{ tags: ['example.com/app:2.0'] }]);
    const image = `docker-archive:${file}`;
    const plan = await call('sign.plan', { image });
    assert.equal(plan.ok, true, JSON.stringify(plan));
    await writeArchive(file, [{ tags: ['example.com/app:2.0'] }]); // new random layer: another image
    const dest = `${reg.host}/team/replaced:2.0`;
    const signed = await call('sign.run', { image, key: 'Release', annotations: {}, recursive: true, pushTo: dest, expectedDigest: plan.result.digest });
    assert.equal(signed.ok, false);
    assert.equal(signed.error?.code, 'IMAGE_CHANGED');
    assert.match(signed.error?.message ?? '', new RegExp(`not ${plan.result.digest}, the digest that was reviewed.*Nothing was pushed or signed`));
    const auth = `Basic ${Buffer.from(`${reg.username}:${reg.password}`).toString('base64')}`;
    const there = await fetch(`${reg.url}/v2/team/replaced/tags/list`, { headers: { authorization: auth } });
    assert.equal(there.status, 404, 'the repository was never created');
    const log = await call('audit.list', {});
    assert.equal(log.result.entries.at(-1).outcome, 'failed');
  });
});
