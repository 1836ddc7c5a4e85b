// Choosing which platform manifests of an index are signed, against a real docker-registry and
// real two-platform indexes: in the engine (registry images, OCI layouts, push-and-sign) and in
// the CLI (--platform, --platform-digest, and their usage errors). The index is always signed;
// a chosen platform verifies, the others stay unsigned; a choice that does not fit writes nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { getManifest, pushIndexImage, pushRandomImage, rawRequest, sha256Digest } from '../helpers/push.js';
import { nameImage, writeIndexImage } from '../helpers/layout.js';
import { makeTempDir } from '../helpers/tmp.js';
import { jsonLines, runSignet } from '../helpers/cli.js';
import { Engine } from '../../electron/engine/engine.js';
import { generatePrivateKey } from '../../electron/engine/keys/private-key.js';
import { signerFromPrivateKey } from '../../electron/engine/keys/signer.js';
import { OciLayoutSource } from '../../electron/engine/sources/oci-layout.js';
import { SignetError } from '../../electron/engine/errors.js';
import type { Digest } from '../../electron/engine/content/digest.js';

let reg: TestRegistry;
let dir: string;
const env = { COSIGN_PASSWORD: 'pw-for-tests' };
const key = generatePrivateKey('ed25519');
const signer = signerFromPrivateKey(key);
const trusted = { keys: [{ name: 'release', publicKey: key.publicKey }] };

before(async () => {
  [reg, dir] = await Promise.all([startRegistry({ auth: 'none' }), makeTempDir()]);
  const g = await runSignet(['keys', 'generate-file', join(dir, 'cli')], { env });
  assert.equal(g.code, 0, g.stderr);
});
after(async () => { await reg?.stop(); });

async function withEngine<T>(use: (e: Engine) => Promise<T>): Promise<T> {
  const engine = new Engine();
  try {
    return await use(engine);
  } finally {
    await engine.close();
  }
}

async function tags(repo: string): Promise<string[]> {
  const r = await rawRequest(reg, 'GET', `/v2/${repo}/tags/list`);
  return ((JSON.parse(r.body.toString()) as { tags: string[] | null }).tags ?? []).sort();
}

const sigTag = (digest: string) => `${digest.replace(':', '-')}.sig`;

/** The one signature stored for `digest`, checked with node:crypto (not the engine) against `publicPem`. */
async function assertSignedByBytes(repo: string, digest: string, publicPem: string): Promise<void> {
  const sig = await getManifest(reg, repo, sigTag(digest));
  assert.equal(sig.status, 200, `a signature manifest for ${digest}`);
  const layers = JSON.parse(sig.body.toString()).layers as Array<{ digest: string; annotations: Record<string, string> }>;
  assert.equal(layers.length, 1);
  const payload = (await rawRequest(reg, 'GET', `/v2/${repo}/blobs/${layers[0]!.digest}`)).body;
  assert.equal(sha256Digest(payload), layers[0]!.digest);
  assert.equal(JSON.parse(payload.toString()).critical.image['docker-manifest-digest'], digest);
  const signature = Buffer.from(layers[0]!.annotations['dev.cosignproject.cosign/signature']!, 'base64');
  assert.ok(cryptoVerify(null, payload, createPublicKey(publicPem), signature), `node:crypto verifies the signature of ${digest}`);
}

/** The amd64 and arm64 manifests of a layout index from writeIndexImage. */
function platformsOf(idx: { children: Array<{ digest: string }> }): [{ digest: Digest }, { digest: Digest }] {
  assert.equal(idx.children.length, 2);
  return [{ digest: idx.children[0]!.digest as Digest }, { digest: idx.children[1]!.digest as Digest }];
}

function isUsage(message: RegExp): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof SignetError, String(e));
    assert.equal(e.code, 'USAGE');
    assert.match(e.message, message);
    return true;
  };
}

describe('the engine', () => {
  test('a registry index signed with one platform chosen: the index and that platform verify, the other is unsigned', async () => {
    const { index, children: [amd, arm] } = await pushIndexImage(reg, 'choose/app', 'v1', ['linux/amd64', 'linux/arm64/v8']);
    const image = `${reg.host}/choose/app:v1`;
    const plan = await withEngine((e) => e.planSigning(image, { platforms: [arm!.digest] }));
    assert.deepEqual(plan.targets.map((t) => t.digest), [index, arm!.digest], 'the plan: the index, then the chosen platform');
    assert.deepEqual(plan.platforms.map((p) => [p.digest, p.platform]), [[amd!.digest, 'linux/amd64'], [arm!.digest, 'linux/arm64/v8']], 'every platform, to choose from');

    const result = await withEngine((e) => e.sign(image, signer, { platforms: [arm!.digest], keyName: 'release' }));
    assert.deepEqual(result.signatures.map((s) => [s.digest, s.platform ?? null, s.readBack.verdict]), [[index, null, 'verified'], [arm!.digest, 'linux/arm64/v8', 'verified']]);
    await assertSignedByBytes('choose/app', index, key.publicKey.pem);
    await assertSignedByBytes('choose/app', arm!.digest, key.publicKey.pem);
    assert.equal((await getManifest(reg, 'choose/app', sigTag(amd!.digest))).status, 404, 'no signature for the platform not chosen');

    const verdicts = await withEngine((e) => e.verify([image, `${reg.host}/choose/app@${arm!.digest}`, `${reg.host}/choose/app@${amd!.digest}`], trusted));
    assert.deepEqual(verdicts.map((v) => v.verdict), ['verified', 'verified', 'unsigned']);
  });

  test('a digest the index does not list is refused before anything is written', async () => {
    const { children: [amd] } = await pushIndexImage(reg, 'choose/refused', 'v1', ['linux/amd64', 'linux/arm64/v8']);
    const stranger = (await pushRandomImage(reg, 'choose/refused', 'other')).digest;
    const before = await tags('choose/refused');
    await assert.rejects(
      withEngine((e) => e.sign(`${reg.host}/choose/refused:v1`, signer, { platforms: [amd!.digest, stranger] })),
      isUsage(new RegExp(`${stranger} is not one of the platform manifests of ${reg.host}/choose/refused:v1.*Nothing was signed`)),
    );
    assert.deepEqual(await tags('choose/refused'), before, 'no signature tag was written, not even for the platform that was listed');
  });

  test('choosing platforms of a single-platform image is refused in plain words', async () => {
    const img = await pushRandomImage(reg, 'choose/single', 'v1');
    await assert.rejects(
      withEngine((e) => e.sign(`${reg.host}/choose/single:v1`, signer, { platforms: [img.digest] })),
      isUsage(/is a single-platform image, not a multi-platform index, so it has no platforms to choose from/),
    );
    assert.deepEqual(await tags('choose/single'), ['v1']);
  });

  test('an OCI layout index signed with one platform chosen; an unknown digest leaves the layout untouched', async () => {
    const layoutDir = join(dir, 'layout');
    const idx = writeIndexImage(layoutDir);
    nameImage(layoutDir, 'v1', idx);
    const [amd, arm] = platformsOf(idx);
    const image = `oci:${layoutDir}:v1`;
    const identity = `${reg.host}/layout/app:v1`;
    const indexJson = () => readFileSync(join(layoutDir, 'index.json'), 'utf8');

    const untouched = indexJson();
    await assert.rejects(withEngine((e) => e.sign(image, signer, { identity, platforms: [sha256Digest('not a child') as Digest] })), isUsage(/is not one of the platform manifests of oci:/));
    assert.equal(indexJson(), untouched, 'no signature was named in index.json');

    const result = await withEngine((e) => e.sign(image, signer, { identity, platforms: [amd.digest], keyName: 'release' }));
    assert.deepEqual(result.signatures.map((s) => [s.digest, s.readBack.verdict]), [[idx.digest, 'verified'], [amd.digest, 'verified']]);
    const store = new OciLayoutSource(layoutDir).signatures();
    assert.equal((await store.read(amd.digest)).signatures.length, 1);
    assert.equal((await store.read(arm.digest)).found, false, 'the platform not chosen has no signature');
  });

  test('push-and-sign signs the chosen platform at the destination; a choice that does not fit stops before the push', async () => {
    const layoutDir = join(dir, 'push-layout');
    const idx = writeIndexImage(layoutDir);
    nameImage(layoutDir, 'v1', idx);
    const [amd, arm] = platformsOf(idx);

    await assert.rejects(
      withEngine((e) => e.push(`oci:${layoutDir}:v1`, `${reg.host}/pushed/refused:v1`, { signer, sign: { platforms: [idx.digest] } })),
      isUsage(/is not one of the platform manifests of/),
    );
    assert.equal((await getManifest(reg, 'pushed/refused', 'v1')).status, 404, 'nothing was pushed');

    const pushed = await withEngine((e) => e.push(`oci:${layoutDir}:v1`, `${reg.host}/pushed/app:v1`, { signer, sign: { platforms: [arm.digest], keyName: 'release' } }));
    assert.deepEqual(pushed.signature?.signatures.map((s) => [s.digest, s.readBack.verdict]), [[idx.digest, 'verified'], [arm.digest, 'verified']]);
    await assertSignedByBytes('pushed/app', arm.digest, key.publicKey.pem);
    const verdicts = await withEngine((e) => e.verify([`${reg.host}/pushed/app@${amd.digest}`], trusted));
    assert.equal(verdicts[0]!.verdict, 'unsigned');
  });
});

describe('the CLI', () => {
  test('--platform signs the index and the platforms it names; one string matching several signs all and says so', async () => {
    const { index, children } = await pushIndexImage(reg, 'cli/app', 'v1', ['linux/amd64', 'linux/arm64/v8', 'unknown/unknown', 'unknown/unknown']);
    const [amd, arm, att1, att2] = children;
    const s = await runSignet(['sign', `${reg.host}/cli/app:v1`, '--key', join(dir, 'cli.key'), '--platform', 'linux/arm64/v8', '--platform', 'unknown/unknown'], { env });
    assert.equal(s.code, 0, s.stderr);
    assert.match(s.stdout, new RegExp(`--platform unknown/unknown matched 2 platform manifests; all of them were signed: ${att1!.digest}, ${att2!.digest}`));
    assert.doesNotMatch(s.stdout, /--platform linux\/arm64\/v8 matched/, 'a string matching one manifest needs no note');
    const v = await runSignet(['verify', ...[index, arm!.digest, att1!.digest, att2!.digest, amd!.digest].map((d) => `${reg.host}/cli/app@${d}`), '--key', join(dir, 'cli.pub'), '--json']);
    assert.deepEqual(jsonLines(v.stdout).map((r) => r.verdict), ['verified', 'verified', 'verified', 'verified', 'unsigned']);
    assert.equal(v.code, 1, 'not everything is verified: linux/amd64 was not chosen');
  });

  test('--platform-digest signs exactly that platform manifest; --json keeps stdout JSON', async () => {
    const { index, children: [amd, arm] } = await pushIndexImage(reg, 'cli/bydigest', 'v1', ['linux/amd64', 'linux/arm64/v8']);
    const s = await runSignet(['sign', `${reg.host}/cli/bydigest:v1`, '--key', join(dir, 'cli.key'), '--platform-digest', amd!.digest, '--json'], { env });
    assert.equal(s.code, 0, s.stderr);
    assert.deepEqual(JSON.parse(s.stdout).signatures.map((t: { digest: string }) => t.digest), [index, amd!.digest]);
    const v = await runSignet(['verify', `${reg.host}/cli/bydigest@${arm!.digest}`, '--key', join(dir, 'cli.pub'), '--json']);
    assert.equal(jsonLines(v.stdout)[0].verdict, 'unsigned');
  });

  test('choices that do not fit are usage errors (exit 64) in plain words, and write nothing', async () => {
    await pushIndexImage(reg, 'cli/usage', 'v1', ['linux/amd64', 'linux/arm64/v8']);
    await pushRandomImage(reg, 'cli/usage', 'single');
    const before = await tags('cli/usage');
    const image = `${reg.host}/cli/usage:v1`;
    const cases: Array<[string[], RegExp]> = [
      [['sign', image, '--platform', 'linux/amd64', '--no-recursive'], /cannot be combined with --no-recursive/],
      [['sign', image, '--platform-digest', sha256Digest('x'), '--no-recursive'], /cannot be combined with --no-recursive/],
      [['sign', image, '--platform', 'linux'], /"linux" is not OS\/ARCH or OS\/ARCH\/VARIANT/],
      [['sign', image, '--platform-digest', 'sha256:abc'], /"sha256:abc" is not a digest/],
      [['sign', image, '--platform', 'linux/arm64'], /No platform manifest of .* is for linux\/arm64; the index lists linux\/amd64 .*linux\/arm64\/v8/],
      [['sign', image, '--platform-digest', sha256Digest('x')], new RegExp(`${sha256Digest('x')} is not one of the platform manifests`)],
      [['sign', `${reg.host}/cli/usage:single`, '--platform', 'linux/amd64'], /single-platform image/],
      [['push', image, `${reg.host}/cli/copy:v1`, '--platform', 'linux/amd64'], /give --sign KEY as well/],
    ];
    for (const [args, message] of cases) {
      const r = await runSignet(args[0] === 'sign' ? [...args, '--key', join(dir, 'cli.key')] : args, { env });
      assert.equal(r.code, 64, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
    }
    assert.deepEqual(await tags('cli/usage'), before, 'no signature was written');
    assert.equal((await getManifest(reg, 'cli/copy', 'v1')).status, 404, 'nothing was pushed');
  });

  test('sign --help explains the choice', async () => {
    const r = await runSignet(['sign', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /--platform <os\/arch\[\/variant\]>/);
    assert.match(r.stdout, /--platform-digest <digest>/);
    assert.match(r.stdout, /always signed itself/);
  });
});
