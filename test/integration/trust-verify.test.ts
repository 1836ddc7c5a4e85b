// The trust store end to end: teammates sign with their own key files, the user trusts their
// public keys, and `signet verify` with no --key names the signer. Revoking a key turns
// "verified by" into "revoked" with nothing changed in the registry. No keychain needed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { getManifest, pushFixtureImage } from '../helpers/push.js';
import { makeTempDir } from '../helpers/tmp.js';
import { CLI, jsonLines, runSignet } from '../helpers/cli.js';

/** `signet trust add - --name NAME` with the PEM on stdin. */
function trustAddStdin(pem: string, name: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'trust', 'add', '-', '--name', name], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(pem);
  });
}

describe('trust store and verify', () => {
  let reg: TestRegistry;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const fp: Record<string, string> = {};
  const img = (n: string) => `${reg.host}/team/${n}:v1`;

  before(async () => {
    [reg, dir] = await Promise.all([startRegistry(), makeTempDir()]);
    env = { SIGNET_HOME: join(dir, 'home'), COSIGN_PASSWORD: 'teammate-pw', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' };
    await Promise.all(['alice', 'bob', 'nobody'].map((n) => pushFixtureImage(reg, `team/${n}`, 'v1')));
    for (const [who, alg] of [['alice', 'ed25519'], ['bob', 'ecdsa-p256'], ['nobody', 'ed25519']]) {
      const g = await runSignet(['keys', 'generate-file', join(dir, who!), '--alg', alg!], { env });
      assert.equal(g.code, 0, g.stderr);
      fp[who!] = /Fingerprint (\S+)/.exec(g.stdout)![1]!;
      const s = await runSignet(['sign', img(who!), '--key', join(dir, `${who}.key`)], { env });
      assert.equal(s.code, 0, s.stderr);
    }
  });
  after(async () => { await reg?.stop(); });

  test('trust add shows the fingerprint and refuses a duplicate name or key; stdin works; list --json', async () => {
    const a = await runSignet(['trust', 'add', join(dir, 'alice.pub'), '--name', 'Alice'], { env });
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stdout, new RegExp(`Fingerprint ${fp.alice}`));
    const dupName = await runSignet(['trust', 'add', join(dir, 'bob.pub'), '--name', 'Alice'], { env });
    assert.equal(dupName.code, 2);
    assert.match(dupName.stderr, /already a trusted key named "Alice"/);
    const dupKey = await runSignet(['trust', 'add', join(dir, 'alice.pub'), '--name', 'Alice again'], { env });
    assert.match(dupKey.stderr, /already trusted as "Alice"/);
    const notPub = await runSignet(['trust', 'add', join(dir, 'alice.key'), '--name', 'X'], { env });
    assert.equal(notPub.code, 2);
    assert.match(notPub.stderr, /private key .* not a public key/);
    const b = await trustAddStdin(await readFile(join(dir, 'bob.pub'), 'utf8'), 'Bob', env);
    assert.equal(b.code, 0, b.stderr);
    const list = JSON.parse((await runSignet(['trust', 'list', '--json'], { env })).stdout);
    assert.deepEqual(list.map((e: any) => [e.name, e.fingerprint, e.revokedAt]), [['Alice', fp.alice, undefined], ['Bob', fp.bob, undefined]]);
  });

  test('verify with no --key uses the trust store and names the signer', async () => {
    const v = await runSignet(['verify', img('alice')], { env });
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.match(v.stdout, new RegExp(`verified by Alice \\(${fp.alice!.slice(0, 23)}…\\)`));
    const j = jsonLines((await runSignet(['verify', img('alice'), img('bob'), img('nobody'), '--json'], { env })).stdout);
    assert.deepEqual(j.map((r) => r.verdict), ['verified', 'verified', 'unknown-key']);
    assert.equal(j[0].signatures[0].keyName, 'Alice');
    assert.equal(j[1].signatures[0].keyName, 'Bob');
    const byName = jsonLines((await runSignet(['verify', img('bob'), '--key', 'Bob', '--json'], { env })).stdout)[0];
    assert.equal(byName.verdict, 'verified', '--key also takes a trusted key\'s name');
  });

  test('revoking Alice turns "verified by" into "revoked" for her images, with no registry change', async () => {
    const sigTag = async (n: string) => {
      const digest = (await getManifest(reg, `team/${n}`, 'v1')).digest!;
      return (await getManifest(reg, `team/${n}`, `${digest.replace(':', '-')}.sig`)).digest;
    };
    const before = await sigTag('alice');
    const r = await runSignet(['trust', 'revoke', 'Alice'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Revoked "Alice"/);
    const v = await runSignet(['verify', img('alice'), '--json'], { env });
    assert.equal(v.code, 1);
    const res = jsonLines(v.stdout)[0];
    assert.equal(res.verdict, 'revoked');
    assert.equal(res.signatures[0].keyName, 'Alice');
    const human = await runSignet(['verify', img('alice')], { env });
    assert.match(human.stdout, /REVOKED .* revoked: The key Alice .* was revoked on \d{4}-/);
    assert.equal(jsonLines((await runSignet(['verify', img('bob'), '--json'], { env })).stdout)[0].verdict, 'verified', 'Bob is unaffected');
    assert.equal(await sigTag('alice'), before, 'the signature in the registry is unchanged');
    const list = JSON.parse((await runSignet(['trust', 'list', '--json'], { env })).stdout);
    assert.match(list[0].revokedAt, /^\d{4}-\d\d-\d\dT/);
    const again = await runSignet(['trust', 'revoke', 'Alice'], { env });
    assert.match(again.stdout, /already revoked/);
  });

  test('trust restore takes the revocation back: her image verifies again; revoke and restore are in signet log', async () => {
    const r = await runSignet(['trust', 'restore', 'Alice'], { env: { ...env, TZ: 'Asia/Tehran' } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), `Restored "Alice" (${fp.alice}): its signatures verify again`);
    assert.equal(jsonLines((await runSignet(['verify', img('alice'), '--json'], { env })).stdout)[0].verdict, 'verified');
    const list = JSON.parse((await runSignet(['trust', 'list', '--json'], { env })).stdout);
    assert.equal(list[0].revokedAt, undefined);
    const again = await runSignet(['trust', 'restore', 'Alice'], { env });
    assert.match(again.stdout, /"Alice" \(SHA256:.*\) is not revoked/);
    const unknown = await runSignet(['trust', 'restore', 'Carol'], { env });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no trusted key named "Carol"/);

    // Each change once (the second revoke and restore changed nothing), with the zone it was made in.
    const changes = jsonLines((await runSignet(['log', '--json'], { env })).stdout).filter((e) => e.outcome === 'changed');
    assert.deepEqual(changes.map((e) => `${e.action} ${e.subject}`), ['added Alice', 'added Bob', 'revoked Alice', 'restored Alice']);
    assert.equal(changes[3].zone, 'Asia/Tehran');
    assert.match(changes[3].localTime, /\+03:30$/);
    assert.ok(changes.every((e) => e.fingerprint === (e.subject === 'Alice' ? fp.alice : fp.bob) && e.via === 'cli'));
    const human = (await runSignet(['log'], { env })).stdout.trim().split('\n');
    assert.match(human.at(-1)!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+03:30\[Asia\/Tehran\] {2}\S+ {2}CHANGED {2}teammate restored "Alice" \(SHA256:[0-9a-f]{16}…\) {2}via cli$/);
  });

  test('remove forgets the key: its signatures are then by an unknown key', async () => {
    const r = await runSignet(['trust', 'remove', 'Alice'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(jsonLines((await runSignet(['verify', img('alice'), '--json'], { env })).stdout)[0].verdict, 'unknown-key');
    const gone = await runSignet(['trust', 'remove', 'Alice'], { env });
    assert.equal(gone.code, 2);
    assert.match(gone.stderr, /no trusted key named "Alice"/);
  });
});
