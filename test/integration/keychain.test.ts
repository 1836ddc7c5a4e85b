// Keys in the real OS keychain: gnome-keyring in a private D-Bus session started here, the CLI
// run as a child process per command, a real registry. Private key material must appear only in
// the keychain: keys.json, the audit log and every byte the CLI prints are searched for it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { getManifest, pushFixtureImage, rawRequest, sha256Digest } from '../helpers/push.js';
import { makeTempDir } from '../helpers/tmp.js';
import { jsonLines, runSignet, type CliResult } from '../helpers/cli.js';
import { keychainToolsMissing, secretTool, startKeyringSession, type KeyringSession } from '../helpers/keychain.js';
import { fixturesDir } from '../helpers/paths.js';
import { FIXTURE_PASSWORD } from '../helpers/fixture-files.js';
import { parsePublicKeyPem } from '../../electron/engine/keys/public-key.js';

const missing = keychainToolsMissing();

/** Every form a private key's bytes could leak in: raw, base64, base64url, hex, PEM body. */
function secretForms(pkcs8: Buffer): string[] {
  const key = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  const d = Buffer.from(key.export({ format: 'jwk' }).d!, 'base64url'); // Ed25519 seed / EC scalar
  const pem = key.export({ format: 'pem', type: 'pkcs8' }).toString();
  const forms: string[] = [pem.split('\n')[1]!];
  for (const b of [pkcs8, d]) {
    forms.push(b.toString('latin1'), b.toString('base64'), b.toString('base64url'), b.toString('hex'), b.toString('hex').toUpperCase());
    forms.push(b.toString('base64').slice(8, 40)); // any sizeable piece of the base64 too
  }
  return forms;
}

describe('keychain keys (gnome-keyring in dbus-run-session)', { skip: missing ?? false }, () => {
  let reg: TestRegistry;
  let kc: KeyringSession;
  let home: string;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const outputs: CliResult[] = [];
  const signet = async (args: string[], extra: NodeJS.ProcessEnv = {}): Promise<CliResult> => {
    const r = await runSignet(args, { env: { ...env, ...extra } });
    outputs.push(r);
    return r;
  };
  const image = () => `${reg.host}/team/app:v1`;

  before(async () => {
    [reg, kc, home, dir] = await Promise.all([startRegistry(), startKeyringSession(), makeTempDir('signet-home-'), makeTempDir()]);
    env = { ...kc.env, SIGNET_HOME: home, COSIGN_PASSWORD: undefined };
    await pushFixtureImage(reg, 'team/app', 'v1');
  });
  after(async () => { await Promise.all([reg?.stop(), kc?.stop()]); });

  const accounts = async (): Promise<string[]> => {
    const r = await secretTool(kc, ['search', '--all', 'service', 'signet']);
    return [...(r.stdout + r.stderr).matchAll(/attribute\.account = (\S+)/g)].map((m) => m[1]!).sort();
  };

  test('keys generate puts the key in the keychain (secret-tool finds it); keys.json holds public metadata', async () => {
    const ed = await signet(['keys', 'generate', 'alice', '--json']);
    assert.equal(ed.code, 0, ed.stderr);
    const ec = await signet(['keys', 'generate', 'ci-key', '--alg', 'ecdsa-p256', '--json']);
    assert.equal(ec.code, 0, ec.stderr);
    const ids = [JSON.parse(ed.stdout).id, JSON.parse(ec.stdout).id].sort();
    assert.deepEqual(await accounts(), ids);
    const lookup = await secretTool(kc, ['lookup', 'service', 'signet', 'account', JSON.parse(ed.stdout).id]);
    assert.equal(createPrivateKey({ key: Buffer.from(lookup.stdout.trim(), 'base64'), format: 'der', type: 'pkcs8' }).asymmetricKeyType, 'ed25519');
    const keysJson = JSON.parse(await readFile(join(home, 'keys.json'), 'utf8'));
    assert.deepEqual(Object.keys(keysJson.keys[0]).sort(), ['algorithm', 'created', 'fingerprint', 'id', 'name', 'origin', 'publicKeyPem']);
    const list = await signet(['keys', 'list', '--json']);
    assert.deepEqual(JSON.parse(list.stdout).map((k: any) => [k.name, k.algorithm, k.inKeychain]), [['alice', 'ed25519', true], ['ci-key', 'ecdsa-p256', true]]);
    const dup = await signet(['keys', 'generate', 'alice']);
    assert.equal(dup.code, 2);
    assert.match(dup.stderr, /already a key named "alice"/);
  });

  test('a keychain key signs an image in the registry; the exported public PEM verifies it (engine and node:crypto)', async () => {
    const pub = await signet(['keys', 'export-public', 'alice']);
    assert.equal(pub.code, 0, pub.stderr);
    assert.match(pub.stdout, /^-----BEGIN PUBLIC KEY-----\n/);
    const fp = parsePublicKeyPem(pub.stdout).fingerprint;
    assert.match(pub.stderr, new RegExp(`Fingerprint ${fp}`));
    await writeFile(join(dir, 'alice.pub'), pub.stdout);

    const s = await signet(['sign', image(), '--key', 'alice', '-a', 'env=prod', '--json']);
    assert.equal(s.code, 0, s.stderr);
    const signed = JSON.parse(s.stdout);
    assert.equal(signed.signatures[0].readBack.verdict, 'verified');

    const v = await signet(['verify', image(), '--key', join(dir, 'alice.pub'), '--json']);
    assert.equal(jsonLines(v.stdout)[0].verdict, 'verified', v.stdout + v.stderr);
    const own = await signet(['verify', image()]);
    assert.equal(own.code, 0, own.stdout + own.stderr);
    assert.match(own.stdout, new RegExp(`verified by alice \\(${fp.slice(0, 23)}…\\)`), 'own keys are trusted without --key');

    const digest = sha256Digest((await getManifest(reg, 'team/app', 'v1')).body);
    const sig = JSON.parse((await getManifest(reg, 'team/app', `sha256-${digest.slice(7)}.sig`)).body.toString());
    const layer = sig.layers[0];
    const payload = (await rawRequest(reg, 'GET', `/v2/team/app/blobs/${layer.digest}`)).body;
    assert.equal(JSON.parse(payload.toString()).critical.image['docker-manifest-digest'], digest);
    const signature = Buffer.from(layer.annotations['dev.cosignproject.cosign/signature'], 'base64');
    assert.ok(cryptoVerify(null, payload, createPublicKey(pub.stdout), signature), 'node:crypto verifies the Ed25519 signature');
  });

  test('a cosign key pair from the fixtures imports with its password, is refused with a wrong one, and signs', async () => {
    const keyFile = join(fixturesDir, 'skopeo-ecdsa-p256', 'cosign.key');
    const before = { accounts: await accounts(), keys: await readFile(join(home, 'keys.json'), 'utf8') };
    const wrong = await signet(['keys', 'import', keyFile, '--name', 'fx'], { COSIGN_PASSWORD: 'not-the-password' });
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /password for this key is wrong.*Nothing was imported/);
    assert.equal(wrong.stderr.trim().split('\n').length, 1, 'one plain line');
    assert.deepEqual(await accounts(), before.accounts, 'nothing written to the keychain');
    assert.equal(await readFile(join(home, 'keys.json'), 'utf8'), before.keys, 'nothing written to keys.json');

    const ok = await signet(['keys', 'import', keyFile, '--name', 'fx', '--json'], { COSIGN_PASSWORD: FIXTURE_PASSWORD() });
    assert.equal(ok.code, 0, ok.stderr);
    const fixturePub = parsePublicKeyPem(await readFile(join(fixturesDir, 'skopeo-ecdsa-p256', 'cosign.pub'), 'utf8'));
    assert.equal(JSON.parse(ok.stdout).fingerprint, fixturePub.fingerprint);
    // The other PEM label (ENCRYPTED COSIGN PRIVATE KEY, from skopeo generate-sigstore-key).
    const legacy = await signet(['keys', 'import', join(fixturesDir, 'skopeo-generated-key', 'up.private'), '--name', 'legacy'], { COSIGN_PASSWORD: FIXTURE_PASSWORD() });
    assert.equal(legacy.code, 0, legacy.stderr);

    await pushFixtureImage(reg, 'team/imported', 'v1');
    const s = await signet(['sign', `${reg.host}/team/imported:v1`, '--key', 'fx']);
    assert.equal(s.code, 0, s.stderr);
    const v = await signet(['verify', `${reg.host}/team/imported:v1`, '--key', join(fixturesDir, 'skopeo-ecdsa-p256', 'cosign.pub'), '--json']);
    assert.equal(jsonLines(v.stdout)[0].verdict, 'verified', v.stdout);
  });

  test('export-private writes a cosign-encrypted key (password of 8+ characters) that signs as a key file', async () => {
    const short = await signet(['keys', 'export-private', 'ci-key', '--out', join(dir, 'short.key')], { COSIGN_PASSWORD: 'short' });
    assert.equal(short.code, 64);
    assert.match(short.stderr, /at least 8 characters/);
    assert.ok(!(await readdir(dir)).includes('short.key'));
    const out = join(dir, 'ci.key');
    const r = await signet(['keys', 'export-private', 'ci-key', '--out', out], { COSIGN_PASSWORD: 'ci-secret-123' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(await readFile(out, 'utf8'), /^-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----/);
    const again = await signet(['keys', 'export-private', 'ci-key', '--out', out], { COSIGN_PASSWORD: 'ci-secret-123' });
    assert.match(again.stderr, /already exists/);
    await pushFixtureImage(reg, 'team/ci', 'v1');
    const s = await signet(['sign', `${reg.host}/team/ci:v1`, '--key', out], { COSIGN_PASSWORD: 'ci-secret-123' });
    assert.equal(s.code, 0, s.stderr);
    const v = await signet(['verify', `${reg.host}/team/ci:v1`, '--json']);
    const res = jsonLines(v.stdout)[0];
    assert.equal(res.verdict, 'verified');
    assert.equal(res.signatures[0].keyName, 'ci-key', 'the file-signed image verifies with the own key it came from');
  });

  test('rename; delete asks for the fingerprint (refused without a terminal), --yes deletes from the keychain', async () => {
    const r = await signet(['keys', 'rename', 'legacy', 'old-up']);
    assert.equal(r.code, 0, r.stderr);
    const id = JSON.parse((await signet(['keys', 'list', '--json'])).stdout).find((k: any) => k.name === 'old-up').id;
    const refused = await signet(['keys', 'delete', 'old-up']);
    assert.equal(refused.code, 64);
    assert.match(refused.stderr, /type its fingerprint .* or pass --yes/);
    assert.ok((await accounts()).includes(id));
    const del = await signet(['keys', 'delete', 'old-up', '--yes']);
    assert.equal(del.code, 0, del.stderr);
    assert.ok(!(await accounts()).includes(id));
  });

  test('signet log prints every signing; no private key material in keys.json, the audit log or any output', async () => {
    const log = await signet(['log', '--json']);
    // Issue 13: the key changes made above are recorded too, in order (the refused ones are not).
    const all = jsonLines(log.stdout);
    assert.deepEqual(all.filter((e) => e.outcome === 'changed').map((e) => `${e.action} ${e.subject}`), [
      'generated alice', 'generated ci-key', 'imported fx', 'imported legacy', 'exported-private ci-key', 'renamed old-up', 'deleted old-up',
    ]);
    const entries = all.filter((e) => e.outcome !== 'changed');
    assert.equal(entries.length, 3);
    const first = entries[0];
    assert.equal(first.outcome, 'signed');
    assert.equal(first.key.name, 'alice');
    assert.equal(first.key.source, 'keychain');
    assert.match(first.key.id, /^[0-9a-f]{16}$/);
    assert.match(first.key.fingerprint, /^SHA256:/);
    assert.equal(first.image, image());
    assert.match(first.digest, /^sha256:/);
    assert.deepEqual(first.annotations, { env: 'prod' });
    assert.match(first.registry[0].location, /team\/app:sha256-[0-9a-f]{64}\.sig$/);
    assert.equal(first.registry[0].attempts, 1);
    assert.match(first.registry[0].readBack, /^verified by/);
    assert.equal(typeof first.user, 'string');
    assert.equal(entries[2].key.source, 'file');
    const human = await signet(['log']);
    assert.match(human.stdout, /SIGNED .*team\/app:v1@sha256:.* key alice/);

    const secrets: Array<{ id: string; forms: string[] }> = [];
    for (const id of await accounts()) {
      const r = await secretTool(kc, ['lookup', 'service', 'signet', 'account', id]);
      secrets.push({ id, forms: secretForms(Buffer.from(r.stdout.trim(), 'base64')) });
    }
    assert.equal(secrets.length, 3);
    const places: Array<[string, string]> = [
      ['keys.json', await readFile(join(home, 'keys.json'), 'latin1')],
      ['audit.log', await readFile(join(home, 'audit.log'), 'latin1')],
      ...outputs.map((o, i): [string, string] => [`CLI output ${i}`, o.stdout + o.stderr]),
    ];
    for (const { id, forms } of secrets) {
      for (const [where, text] of places) {
        for (const f of forms) assert.ok(!text.includes(f), `${where} contains private material of key ${id}`);
      }
    }
  });
});

describe('keychain unreachable', { skip: missing ?? false }, () => {
  let reg: TestRegistry;
  let home: string;
  let dir: string;
  before(async () => {
    [reg, home, dir] = await Promise.all([startRegistry(), makeTempDir('signet-home-'), makeTempDir()]);
  });
  after(async () => { await reg?.stop(); });

  const plain = (r: CliResult, re: RegExp) => {
    assert.equal(r.code, 2, r.stdout + r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `one plain sentence, got:\n${r.stderr}`);
    assert.match(lines[0]!, re);
    assert.match(lines[0]!, /--key FILE/, 'and says what to do');
  };

  test('no Secret Service on the session bus: every key command fails plainly; verify with the trust store still works', async () => {
    const kc = await startKeyringSession('no-secret-service');
    try {
      const env = { ...kc.env, SIGNET_HOME: home };
      for (const args of [['keys', 'generate', 'x'], ['keys', 'list'], ['keys', 'export-public', 'x'], ['keys', 'delete', 'x', '--yes'], ['keys', 'rename', 'x', 'y']]) {
        plain(await runSignet(args, { env }), /OS keychain is not reachable \(no Secret Service on the session D-Bus\)/);
      }
      plain(await runSignet(['keys', 'import', join(fixturesDir, 'skopeo-ed25519', 'cosign.key'), '--name', 'x'], { env: { ...env, COSIGN_PASSWORD: FIXTURE_PASSWORD() } }), /no Secret Service/);
      // Signing with a key file and verifying with the trust store need no keychain.
      const gen = await runSignet(['keys', 'generate-file', join(dir, 'bob'), '--alg', 'ecdsa-p256'], { env: { ...env, COSIGN_PASSWORD: 'pw-bob-123' } });
      assert.equal(gen.code, 0, gen.stderr);
      await pushFixtureImage(reg, 'team/bob', 'v1');
      const s = await runSignet(['sign', `${reg.host}/team/bob:v1`, '--key', join(dir, 'bob.key')], { env: { ...env, COSIGN_PASSWORD: 'pw-bob-123' } });
      assert.equal(s.code, 0, s.stderr);
      assert.equal((await runSignet(['trust', 'add', join(dir, 'bob.pub'), '--name', 'Bob'], { env })).code, 0);
      const v = await runSignet(['verify', `${reg.host}/team/bob:v1`], { env });
      assert.equal(v.code, 0, v.stdout + v.stderr);
      assert.match(v.stdout, /verified by Bob \(SHA256:/);
    } finally {
      await kc.stop();
    }
  });

  test('a keyring that was never unlocked is reported as locked', async () => {
    const kc = await startKeyringSession('locked');
    try {
      plain(await runSignet(['keys', 'generate', 'x'], { env: { ...kc.env, SIGNET_HOME: home } }), /OS keychain is locked/);
    } finally {
      await kc.stop();
    }
  });

  test('no D-Bus session at all', async () => {
    plain(await runSignet(['keys', 'list'], { env: { SIGNET_HOME: home, DBUS_SESSION_BUS_ADDRESS: undefined, DISPLAY: undefined } }), /no D-Bus session/);
    const sign = await runSignet(['sign', `${reg.host}/team/bob:v1`, '--key', 'nokey'], { env: { SIGNET_HOME: home, DBUS_SESSION_BUS_ADDRESS: undefined } });
    assert.equal(sign.code, 64);
    assert.match(sign.stderr, /there is no keychain key by that name.*a cosign private key file is given by its path/);
  });
});
