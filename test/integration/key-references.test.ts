// Key references are unambiguous (issue 11, finding 1): a file in the working directory never
// stands in for a key the user trusts by name. The attack as reported: the trust store holds
// alice, a pull-request checkout (the CLI's working directory) holds the attacker's public key
// saved as `./alice`, and the image is signed by the attacker. Real CLI, real docker-registry;
// the sign cases use a real gnome-keyring when it is installed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { getManifest, pushRandomImage } from '../helpers/push.js';
import { makeTempDir } from '../helpers/tmp.js';
import { jsonLines, runSignet, type CliResult } from '../helpers/cli.js';
import { keychainToolsMissing, startKeyringSession, type KeyringSession } from '../helpers/keychain.js';

const USAGE = 64;

describe('key references: names, files and fingerprints', () => {
  let reg: TestRegistry;
  let dir: string;
  /** The pull-request checkout the CLI runs in: the attacker controls what is in it. */
  let checkout: string;
  let env: NodeJS.ProcessEnv;
  const fp: Record<string, string> = {};
  const pem: Record<string, string> = {};
  const image = (tag: string) => `${reg.host}/team/app:${tag}`;
  const inCheckout = (args: string[], extra: NodeJS.ProcessEnv = {}): Promise<CliResult> => runSignet(args, { env: { ...env, ...extra }, cwd: checkout });

  before(async () => {
    [reg, dir, checkout] = await Promise.all([startRegistry(), makeTempDir(), makeTempDir('signet-checkout-')]);
    env = { SIGNET_HOME: join(dir, 'home'), COSIGN_PASSWORD: 'key-ref-pw', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' };
    await mkdir(join(dir, 'keys'));
    for (const who of ['alice', 'mallory']) {
      const g = await runSignet(['keys', 'generate-file', join(dir, 'keys', who)], { env });
      assert.equal(g.code, 0, g.stderr);
      fp[who] = /Fingerprint (\S+)/.exec(g.stdout)![1]!;
      pem[who] = await readFile(join(dir, 'keys', `${who}.pub`), 'utf8');
    }
    const t = await runSignet(['trust', 'add', join(dir, 'keys', 'alice.pub'), '--name', 'alice'], { env });
    assert.equal(t.code, 0, t.stderr);
    // The attacker's files in the checkout: the public key as ./alice, its private key as ./release.
    await copyFile(join(dir, 'keys', 'mallory.pub'), join(checkout, 'alice'));
    await copyFile(join(dir, 'keys', 'mallory.pub'), join(checkout, 'mallory'));
    await copyFile(join(dir, 'keys', 'mallory.pub'), join(checkout, 'attacker.pub'));
    await copyFile(join(dir, 'keys', 'mallory.key'), join(checkout, 'release'));
    await Promise.all([pushRandomImage(reg, 'team/app', 'evil'), pushRandomImage(reg, 'team/app', 'good')]);
    for (const [tag, who] of [['evil', 'mallory'], ['good', 'alice']] as const) {
      const s = await runSignet(['sign', image(tag), '--key', join(dir, 'keys', `${who}.key`)], { env });
      assert.equal(s.code, 0, s.stderr);
    }
  });
  after(async () => { await reg?.stop(); });

  test('verify --key alice is the trusted alice, never the file ./alice: the attacker\'s image is not verified', async () => {
    const human = await inCheckout(['verify', image('evil'), '--key', 'alice']);
    assert.notEqual(human.code, 0, human.stdout + human.stderr);
    assert.doesNotMatch(human.stdout + human.stderr, /verified/i);
    const shortMallory = fp.mallory!.slice(0, 23);
    assert.ok(!(human.stdout + human.stderr).split('\n').some((l) => l.includes('alice') && l.includes(shortMallory)), 'the attacker\'s fingerprint is never shown as alice');
    const json = jsonLines((await inCheckout(['verify', image('evil'), '--key', 'alice', '--json'])).stdout)[0];
    assert.equal(json.verdict, 'unknown-key');
    assert.ok(!json.signatures.some((s: any) => s.keyName === 'alice' && s.keyFingerprint === fp.mallory), 'no signature by the attacker is named alice');
    const good = jsonLines((await inCheckout(['verify', image('good'), '--key', 'alice', '--json'])).stdout)[0];
    assert.equal(good.verdict, 'verified', 'the name still means the trusted key');
    assert.deepEqual(good.signatures.filter((s: any) => s.ok).map((s: any) => [s.keyName, s.keyFingerprint]), [['alice', fp.alice]]);
  });

  test('images --key alice: the same rule for a whole repository', async () => {
    const r = await inCheckout(['images', `${reg.host}/team/app`, '--key', 'alice', '--json']);
    const rows = Object.fromEntries(jsonLines(r.stdout).map((x) => [x.image, x]));
    assert.equal(rows[image('evil')].verdict, 'unknown-key', r.stdout + r.stderr);
    assert.equal(rows[image('good')].verdict, 'verified');
    assert.ok(!rows[image('evil')].signatures.some((s: any) => s.keyFingerprint === fp.mallory && s.keyName === 'alice'));
  });

  test('a file is used when written as a path (./alice), or as a bare name with .pub that names no key', async () => {
    for (const file of ['./alice', join(checkout, 'alice'), 'attacker.pub']) {
      const v = jsonLines((await inCheckout(['verify', image('evil'), '--key', file, '--json'])).stdout)[0];
      assert.equal(v.verdict, 'verified', `${file} is the file`);
      assert.equal(v.signatures.find((s: any) => s.ok).keyFingerprint, fp.mallory);
    }
  });

  test('a bare name that names no key never reads the file of that name: a usage error says to write ./NAME', async () => {
    for (const args of [['verify', image('evil')], ['images', `${reg.host}/team/app`]]) {
      const r = await inCheckout([...args, '--key', 'mallory']);
      assert.equal(r.code, USAGE, r.stdout + r.stderr);
      assert.match(r.stderr, /no key is named "mallory"/);
      assert.match(r.stderr, /--key \.\/mallory/);
      assert.doesNotMatch(r.stdout, /verified/i);
    }
    const missing = await inCheckout(['verify', image('evil'), '--key', 'nobody']);
    assert.equal(missing.code, USAGE);
    assert.match(missing.stderr, /no own or trusted key by that name \(keys: "alice"\)/);
  });

  test('a name that is both a key and a file here is refused, saying how to write each; the fingerprint always names the key', async () => {
    const home = join(dir, 'home-ambiguous');
    const amb = { SIGNET_HOME: home };
    assert.equal((await runSignet(['trust', 'add', join(dir, 'keys', 'alice.pub'), '--name', 'attacker.pub'], { env: { ...env, ...amb } })).code, 0);
    const r = await inCheckout(['verify', image('good'), '--key', 'attacker.pub'], amb);
    assert.equal(r.code, USAGE, r.stdout + r.stderr);
    assert.match(r.stderr, /ambiguous/);
    assert.ok(r.stderr.includes('--key ./attacker.pub for the file'), r.stderr);
    assert.ok(r.stderr.includes(`--key ${fp.alice} for the key`), r.stderr);
    assert.doesNotMatch(r.stdout, /verified/i);
    const byFp = jsonLines((await inCheckout(['verify', image('good'), '--key', fp.alice!, '--json'], amb)).stdout)[0];
    assert.equal(byFp.verdict, 'verified');
    assert.equal(byFp.signatures.find((s: any) => s.ok).keyName, 'attacker.pub', 'the fingerprint named the trusted key');
    const byFile = jsonLines((await inCheckout(['verify', image('evil'), '--key', './attacker.pub', '--json'], amb)).stdout)[0];
    assert.equal(byFile.signatures.find((s: any) => s.ok)?.keyFingerprint, fp.mallory, './attacker.pub is the file');
    const partial = await inCheckout(['verify', image('good'), '--key', fp.alice!.slice(0, 20)], amb);
    assert.equal(partial.code, USAGE);
    assert.match(partial.stderr, /64 hex digits/);
    const unknownFp = await inCheckout(['verify', image('evil'), '--key', fp.mallory!], amb);
    assert.equal(unknownFp.code, USAGE, 'a fingerprint never falls back to a file');
    assert.match(unknownFp.stderr, /no own or trusted key has this fingerprint/);
  });

  test('sign --key release and push --sign release with no keychain key of that name refuse the file ./release; nothing is signed or pushed', async () => {
    await pushRandomImage(reg, 'team/app', 'unsigned');
    const s = await inCheckout(['sign', image('unsigned'), '--key', 'release']);
    assert.equal(s.code, USAGE, s.stdout + s.stderr);
    assert.match(s.stderr, /no key is named "release".*--key \.\/release/s);
    const v = jsonLines((await inCheckout(['verify', image('unsigned'), '--key', './mallory', '--json'])).stdout)[0];
    assert.equal(v.verdict, 'unsigned', 'the attacker\'s key file signed nothing');
    const p = await inCheckout(['push', image('good'), `${reg.host}/team/pushed:v1`, '--sign', 'release']);
    assert.equal(p.code, USAGE, p.stdout + p.stderr);
    assert.match(p.stderr, /--sign "release": no key is named "release".*--sign \.\/release/s);
    assert.equal((await getManifest(reg, 'team/pushed', 'v1')).status, 404, 'nothing was pushed');
  });

  test('policy export --key: a trusted name is the trusted key; a bare name with a file and no key is refused', async () => {
    const r = await inCheckout(['policy', 'export', '--format', 'containers', '--images', `${reg.host}/team/*`, '--key', 'alice']);
    assert.equal(r.code, 0, r.stderr);
    const req = JSON.parse(r.stdout).transports.docker[`${reg.host}/team`][0];
    assert.equal(Buffer.from(req.keyData, 'base64').toString(), pem.alice);
    const file = await inCheckout(['policy', 'export', '--format', 'containers', '--images', `${reg.host}/team/*`, '--key', 'mallory']);
    assert.equal(file.code, USAGE, file.stdout + file.stderr);
    assert.match(file.stderr, /no key is named "mallory".*--key \.\/mallory/s);
    const path = await inCheckout(['policy', 'export', '--format', 'containers', '--images', `${reg.host}/team/*`, '--key', './mallory']);
    assert.equal(path.code, 0, path.stderr);
    assert.equal(Buffer.from(JSON.parse(path.stdout).transports.docker[`${reg.host}/team`][0].keyData, 'base64').toString(), pem.mallory, 'written as a path, it is the file');
  });

  describe('with a keychain key named release', { skip: keychainToolsMissing() ?? false }, () => {
    let kc: KeyringSession;
    let kenv: NodeJS.ProcessEnv;
    let releaseFp: string;
    before(async () => {
      kc = await startKeyringSession();
      kenv = { ...kc.env, SIGNET_HOME: join(dir, 'home-keychain') };
      const g = await runSignet(['keys', 'generate', 'release', '--json'], { env: { ...env, ...kenv } });
      assert.equal(g.code, 0, g.stderr);
      releaseFp = JSON.parse(g.stdout).fingerprint;
    });
    after(async () => { await kc?.stop(); });

    test('sign --key release and push --sign release sign with the keychain key, not the attacker\'s ./release', async () => {
      await pushRandomImage(reg, 'team/app', 'release');
      const s = await inCheckout(['sign', image('release'), '--key', 'release'], kenv);
      assert.equal(s.code, 0, s.stderr);
      const p = await inCheckout(['push', image('release'), `${reg.host}/team/released:v1`, '--sign', 'release'], kenv);
      assert.equal(p.code, 0, p.stderr);
      for (const img of [image('release'), `${reg.host}/team/released:v1`]) {
        const byKeychain = jsonLines((await inCheckout(['verify', img, '--key', releaseFp, '--json'], kenv)).stdout)[0];
        assert.equal(byKeychain.verdict, 'verified', `${img} is signed by the keychain key`);
        const byAttacker = jsonLines((await inCheckout(['verify', img, '--key', './mallory', '--json'], kenv)).stdout)[0];
        assert.equal(byAttacker.verdict, 'unknown-key', `${img} carries no signature by the attacker's key`);
      }
    });
  });
});
