// Signing scenarios beyond the single image: multi-platform indexes (recursive by default, as
// podman checks the platform manifest it pulls), two signers at once, and identities.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { getManifest, pushManifest, pushRandomImage, OCI_INDEX } from '../helpers/push.js';
import { makeTempDir } from '../helpers/tmp.js';
import { jsonLines, runSignet } from '../helpers/cli.js';

let reg: TestRegistry;
let dir: string;
const env = { COSIGN_PASSWORD: 'pw-for-tests' };

before(async () => {
  reg = await startRegistry({ auth: 'none' });
  dir = await makeTempDir();
  for (const name of ['alice', 'bob']) {
    const r = await runSignet(['keys', 'generate-file', join(dir, name)], { env });
    assert.equal(r.code, 0, r.stderr);
  }
});
after(async () => { await reg?.stop(); });

async function pushIndex(repo: string, tag: string): Promise<{ index: string; platforms: string[] }> {
  const amd = await pushRandomImage(reg, repo, `${tag}-amd64`);
  const arm = await pushRandomImage(reg, repo, `${tag}-arm64`);
  const index = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: [
      { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: amd.digest, size: amd.manifest.length, platform: { os: 'linux', architecture: 'amd64' } },
      { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: arm.digest, size: arm.manifest.length, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    ],
  });
  return { index: await pushManifest(reg, repo, tag, index, OCI_INDEX), platforms: [amd.digest, arm.digest] };
}

test('signing an index signs the index and every platform manifest; each verifies by digest', async () => {
  const { index, platforms } = await pushIndex('multi/app', 'v1');
  const s = await runSignet(['sign', `${reg.host}/multi/app:v1`, '--key', join(dir, 'alice.key'), '--json'], { env });
  assert.equal(s.code, 0, s.stderr);
  const result = JSON.parse(s.stdout);
  assert.deepEqual(result.signatures.map((t: any) => t.digest), [index, ...platforms]);
  assert.deepEqual(result.signatures.map((t: any) => t.platform ?? null), [null, 'linux/amd64', 'linux/arm64/v8']);
  const v = await runSignet(['verify', `${reg.host}/multi/app:v1`, ...platforms.map((d) => `${reg.host}/multi/app@${d}`), '--key', join(dir, 'alice.pub'), '--json']);
  assert.deepEqual(jsonLines(v.stdout).map((r) => r.verdict), ['verified', 'verified', 'verified']);
  assert.equal(v.code, 0);
});

test('--no-recursive signs the index alone', async () => {
  const { platforms } = await pushIndex('multi/solo', 'v1');
  const s = await runSignet(['sign', `${reg.host}/multi/solo:v1`, '--key', join(dir, 'alice.key'), '--no-recursive', '--json'], { env });
  assert.equal(s.code, 0, s.stderr);
  assert.equal(JSON.parse(s.stdout).signatures.length, 1);
  const v = await runSignet(['verify', `${reg.host}/multi/solo@${platforms[0]}`, '--key', join(dir, 'alice.pub'), '--json']);
  assert.equal(jsonLines(v.stdout)[0].verdict, 'unsigned');
});

test('signing by digest writes the repository alone as identity, as cosign does', async () => {
  const img = await pushRandomImage(reg, 'bydigest/app', 'v1');
  const s = await runSignet(['sign', `${reg.host}/bydigest/app@${img.digest}`, '--key', join(dir, 'bob.key'), '--json'], { env });
  assert.equal(s.code, 0, s.stderr);
  assert.equal(JSON.parse(s.stdout).identity, `${reg.host}/bydigest/app`);
  const v = await runSignet(['verify', `${reg.host}/bydigest/app:v1`, '--key', join(dir, 'bob.pub'), '--json']);
  assert.equal(jsonLines(v.stdout)[0].verdict, 'verified');
});

test('two signers appending to the same image at once: both signatures are there afterwards', async () => {
  const img = await pushRandomImage(reg, 'race/app', 'v1');
  const [a, b] = await Promise.all([
    runSignet(['sign', `${reg.host}/race/app:v1`, '--key', join(dir, 'alice.key'), '--json'], { env }),
    runSignet(['sign', `${reg.host}/race/app:v1`, '--key', join(dir, 'bob.key'), '--json'], { env }),
  ]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  const sig = await getManifest(reg, 'race/app', `sha256-${img.digest.slice(7)}.sig`);
  assert.equal(JSON.parse(sig.body.toString()).layers.length, 2);
  const v = await runSignet(['verify', `${reg.host}/race/app:v1`, '--key', join(dir, 'alice.pub'), '--key', join(dir, 'bob.pub'), '--json']);
  const out = jsonLines(v.stdout)[0];
  assert.deepEqual(out.signers.sort(), ['alice.pub', 'bob.pub']);
});

test('signing the same image twice with the same key does not duplicate or drop anything', async () => {
  const img = await pushRandomImage(reg, 'again/app', 'v1');
  for (let i = 0; i < 2; i++) {
    const s = await runSignet(['sign', `${reg.host}/again/app:v1`, '--key', join(dir, 'alice.key')], { env });
    assert.equal(s.code, 0, s.stderr);
  }
  const sig = await getManifest(reg, 'again/app', `sha256-${img.digest.slice(7)}.sig`);
  // Each signing has a fresh timestamp, so two distinct signatures, none lost.
  assert.equal(JSON.parse(sig.body.toString()).layers.length, 2);
});

test('inspect shows digest, platforms and the signatures found', async () => {
  const r = await runSignet(['inspect', `${reg.host}/multi/app:v1`, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.mediaType, OCI_INDEX);
  assert.deepEqual(out.platforms.map((p: any) => p.platform), ['linux/amd64', 'linux/arm64/v8']);
  assert.equal(out.signatures.length, 1);
  assert.equal(out.signatures[0].identity, `${reg.host}/multi/app:v1`);
  const human = await runSignet(['inspect', `${reg.host}/multi/app:v1`]);
  assert.match(human.stdout, /Platforms\n\s+linux\/amd64/);
});

test('usage errors exit 64 with plain words', async () => {
  const cases: string[][] = [
    ['verify'],
    ['verify', 'UPPER/Case:v1', '--key', join(dir, 'alice.pub')],
    ['sign', `${reg.host}/x:v1`],
    ['sign', `${reg.host}/x:v1`, '--key', join(dir, 'alice.key'), '-a', 'novalue'],
    ['frobnicate'],
  ];
  for (const args of cases) {
    const r = await runSignet(args, { env });
    assert.equal(r.code, args[1] === 'UPPER/Case:v1' ? 2 : 64, `${args.join(' ')}: ${r.stderr}`);
    assert.ok(r.stderr.length > 0 || r.stdout.length > 0);
  }
  const wrongPw = await runSignet(['sign', `${reg.host}/x:v1`, '--key', join(dir, 'alice.key')], { env: { COSIGN_PASSWORD: 'nope' } });
  assert.equal(wrongPw.code, 2);
  assert.match(wrongPw.stderr, /password .*wrong/i);
});
