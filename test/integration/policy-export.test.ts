// `signet policy export` from the CLI, each file parsed as its tool parses it; the containers
// policy.json is used for real by Debian skopeo as the policy of a copy (Debian patches out the
// sigstore check itself, so a signed image fails with "sigstore disabled" — after skopeo parsed
// the policy, matched the scope and found the signature through registries.d).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { pushFixtureImage } from '../helpers/push.js';
import { makeTempDir } from '../helpers/tmp.js';
import { runSignet } from '../helpers/cli.js';
import { runSkopeo } from '../helpers/skopeo.js';

const execFileP = promisify(execFile);

describe('policy export', () => {
  let reg: TestRegistry;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const pem: Record<string, string> = {};
  const pattern = () => `${reg.host}/team/*`;

  before(async () => {
    [reg, dir] = await Promise.all([startRegistry(), makeTempDir()]);
    env = { SIGNET_HOME: join(dir, 'home'), COSIGN_PASSWORD: 'policy-pw', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' };
    await Promise.all([pushFixtureImage(reg, 'team/app', 'v1'), pushFixtureImage(reg, 'team/unsigned', 'v1'), pushFixtureImage(reg, 'other/app', 'v1')]);
    for (const [who, alg] of [['alice', 'ecdsa-p256'], ['bob', 'ed25519'], ['carol', 'ecdsa-p256']] as const) {
      assert.equal((await runSignet(['keys', 'generate-file', join(dir, who), '--alg', alg], { env })).code, 0);
      pem[who] = await readFile(join(dir, `${who}.pub`), 'utf8');
      assert.equal((await runSignet(['trust', 'add', join(dir, `${who}.pub`), '--name', who[0]!.toUpperCase() + who.slice(1)], { env })).code, 0);
    }
    assert.equal((await runSignet(['trust', 'revoke', 'Carol'], { env })).code, 0);
    const s = await runSignet(['sign', `${reg.host}/team/app:v1`, '--key', join(dir, 'alice.key')], { env });
    assert.equal(s.code, 0, s.stderr);
  });
  after(async () => { await reg?.stop(); });

  const skopeoWithPolicy = (policyDir: string, repo: string) => runSkopeo([
    '--policy', join(policyDir, 'policy.json'), '--registries.d', join(policyDir, 'registries.d'),
    'copy', '--src-tls-verify=false', `docker://${reg.host}/${repo}:v1`, `dir:${join(dir, `copy-${repo.replace('/', '-')}-${Date.now()}`)}`,
  ]).then(() => 'copied', (e: Error) => e.message);

  test('containers: policy.json + registries.d that Debian skopeo uses as they are', async () => {
    const out = join(dir, 'containers');
    const r = await runSignet(['policy', 'export', '--format', 'containers', '--images', pattern(), '--key', 'Alice', '--out', join(out, 'policy.json')], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Wrote .*policy\.json\nWrote .*registries\.d\/signet\.yaml/);
    const policy = JSON.parse(await readFile(join(out, 'policy.json'), 'utf8'));
    const req = policy.transports.docker[`${reg.host}/team`][0];
    assert.deepEqual({ ...req, keyData: Buffer.from(req.keyData, 'base64').toString() }, { type: 'sigstoreSigned', keyData: pem.alice, signedIdentity: { type: 'matchRepository' } });
    assert.deepEqual(parseYaml(await readFile(join(out, 'registries.d', 'signet.yaml'), 'utf8')), { docker: { [`${reg.host}/team`]: { 'use-sigstore-attachments': true } } });

    assert.match(await skopeoWithPolicy(out, 'team/app'), /Found a sigstore attachment|sigstore disabled/, 'parsed, in scope, signature found; Debian stops at the check');
    assert.match(await skopeoWithPolicy(out, 'team/unsigned'), /A signature was required, but no signature exists/);
    assert.equal(await skopeoWithPolicy(out, 'other/app'), 'copied', 'outside the scope the default applies');
  });

  test('default keys: every trusted, unrevoked key (keyDatas), with a note on older containers/image', async () => {
    const out = join(dir, 'containers-all');
    const r = await runSignet(['policy', 'export', '--format', 'containers', '--images', pattern(), '--out', join(out, 'policy.json')], { env });
    assert.equal(r.code, 0, r.stderr);
    const req = JSON.parse(await readFile(join(out, 'policy.json'), 'utf8')).transports.docker[`${reg.host}/team`][0];
    assert.deepEqual(req.keyDatas.map((k: string) => Buffer.from(k, 'base64').toString()), [pem.alice, pem.bob], 'Carol is revoked, so left out');
    assert.match(r.stderr, /keyDatas.*containers\/image 5\.29/);
    assert.match(await skopeoWithPolicy(out, 'team/app'), /Unknown key \\?"keyDatas\\?"/, 'Debian 12\'s skopeo 1.9.3 predates keyDatas, as the note says');
    const revoked = await runSignet(['policy', 'export', '--format', 'kyverno', '--images', pattern(), '--key', 'Carol'], { env });
    assert.equal(revoked.code, 64);
    assert.match(revoked.stderr, /revoked/);
  });

  test('kyverno, kyverno-ivp and policy-controller print YAML of their kinds; cosign writes a script and keys', async () => {
    const kinds: Record<string, [string, string]> = {
      kyverno: ['kyverno.io/v1', 'ClusterPolicy'],
      'kyverno-ivp': ['policies.kyverno.io/v1alpha1', 'ImageValidatingPolicy'],
      'policy-controller': ['policy.sigstore.dev/v1beta1', 'ClusterImagePolicy'],
    };
    for (const [format, [apiVersion, kind]] of Object.entries(kinds)) {
      const r = await runSignet(['policy', 'export', '--format', format, '--images', pattern()], { env });
      assert.equal(r.code, 0, r.stderr);
      const doc = parseYaml(r.stdout);
      assert.equal(doc.apiVersion, apiVersion);
      assert.equal(doc.kind, kind);
      assert.ok(r.stdout.includes(pem.alice!.split('\n')[1]!) && r.stdout.includes(pem.bob!.split('\n')[1]!), `${format} holds both keys`);
      assert.ok(!r.stdout.includes(pem.carol!.split('\n')[1]!), `${format} leaves the revoked key out`);
      assert.match(r.stderr, /Bob is an Ed25519 key/);
    }
    const noOut = await runSignet(['policy', 'export', '--format', 'cosign', '--images', pattern()], { env });
    assert.equal(noOut.code, 64);
    const script = join(dir, 'cosign', 'verify.sh');
    const c = await runSignet(['policy', 'export', '--format', 'cosign', '--images', pattern(), '--out', script], { env });
    assert.equal(c.code, 0, c.stderr);
    assert.equal((await stat(script)).mode & 0o111, 0o111, 'executable');
    assert.match(await readFile(script, 'utf8'), /cosign verify --key "\$here"\/'alice\.pub' --insecure-ignore-tlog=true "\$image" && exit 0/);
    assert.equal(await readFile(join(dir, 'cosign', 'bob.pub'), 'utf8'), pem.bob);
  });

  test('cosign: a public key file whose name holds a newline and a command gives a script that runs no command (issue 11, finding 8)', async () => {
    const out = join(dir, 'hostile');
    await mkdir(join(out, 'bin'), { recursive: true });
    // The name as an attacker would ship it in a repository; its base name becomes the key's name.
    const name = 'evil\ntouch INJECTED\n#.pub';
    await copyFile(join(dir, 'alice.pub'), join(out, name));
    const r = await runSignet(['policy', 'export', '--format', 'cosign', '--images', pattern(), '--key', join(out, name), '--out', join(out, 'verify.sh')], { env });
    assert.equal(r.code, 0, r.stderr);
    // A stand-in cosign that verifies nothing: the script then tries every key and says which it tried.
    await writeFile(join(out, 'bin', 'cosign'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
    const run = await execFileP('sh', [join(out, 'verify.sh'), `${reg.host}/team/app:v1`], { cwd: out, env: { ...process.env, PATH: `${join(out, 'bin')}:${process.env.PATH}` } }).then(() => assert.fail('no key verifies'), (e: any) => e);
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual((await readdir(out)).filter((f) => !f.includes('\n')).sort(), ['bin', 'evil-touch-injected-pub.pub', 'verify.sh'], 'no INJECTED file (the name never ran); the key file is a slug');
    assert.ok(run.stderr.includes(JSON.stringify(name)), 'the name is printed as quoted data');
  });
});
