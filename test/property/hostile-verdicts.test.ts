// The verdict invariant of issue 11 over hostile inputs, through the real CLI (runCli in-process,
// so the output passes the same formatters and line guards as a terminal's): for any tag list a
// registry sends, any signature manifest it serves and any layout index.json, no image whose
// manifest the trusted key did not sign for this repository is *verified*, and no printed line
// (human or --json, stdout or stderr) holds a control character.
//
// The registry is test/helpers/hostile-registry.ts, a node:http double: the attacks need answers a
// real registry does not give (tags outside the grammar, arbitrary signature manifests by tag).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { runCli } from '../../electron/cli/main.js';
import { buildPayload } from '../../electron/engine/cosign/payload.js';
import { buildSignatureManifest, newSignatureLayer, signatureTag, type SignatureLayer } from '../../electron/engine/cosign/signature-manifest.js';
import { generatePrivateKey, type PrivateKey } from '../../electron/engine/keys/private-key.js';
import { signerFromPrivateKey } from '../../electron/engine/keys/signer.js';
import { KEY_HINT_ANNOTATION } from '../../electron/engine/cosign/verdict.js';
import type { Digest } from '../../electron/engine/content/digest.js';
import { startHostileRegistry, sha256, type HostileRegistry } from '../helpers/hostile-registry.js';
import { unprintableLines } from '../helpers/printable.js';
import { makeTempDir, removeTempDir } from '../helpers/tmp.js';
import { nameImage, writeBlob, writeImage } from '../helpers/layout.js';
import { RUNS, params } from './fuzz.js';

// Each run is a whole CLI invocation over loopback HTTP or a layout on disk: a twentieth of the
// pure-parser properties' runs (500 in npm test, 10,000 under npm run fuzz).
const NET_RUNS = Math.max(50, Math.floor(RUNS / 20));
const REPO = 'team/app';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

let reg: HostileRegistry;
let dir: string;
let trusted: PrivateKey;
let stranger: PrivateKey;
let keyFile: string;
/** Image manifests by role: S is the one the trusted key signed for this repository. */
const images: Record<'S' | 'U' | 'X', { bytes: Buffer; digest: Digest }> = {} as never;

function imageManifest(seed: string): { bytes: Buffer; digest: Digest } {
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', seed, rootfs: { type: 'layers', diff_ids: [] } }));
  const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length }, layers: [] }));
  return { bytes, digest: sha256(bytes) as Digest };
}

async function signedLayer(key: PrivateKey, reference: string, digest: Digest, extra: { creator?: string; annotations?: Record<string, string>; layerAnnotations?: Record<string, string> } = {}): Promise<{ layer: SignatureLayer; payload: Buffer }> {
  const payload = Buffer.from(buildPayload({ dockerReference: reference, manifestDigest: digest, ...(extra.creator !== undefined ? { creator: extra.creator } : {}), ...(extra.annotations ? { annotations: extra.annotations } : {}) }));
  const signature = await signerFromPrivateKey(key).sign(payload);
  return { layer: newSignatureLayer(payload, signature, { [KEY_HINT_ANNOTATION]: key.publicKey.fingerprint, ...(extra.layerAnnotations ?? {}) }), payload };
}

/** Runs the CLI in-process, capturing what it prints. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (s) => out.push(s), err: (s) => err.push(s), env: { ...process.env, SIGNET_HOME: join(dir, 'home') } });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

function assertPrintable(r: { stdout: string; stderr: string }, what: string): void {
  assert.deepEqual(unprintableLines(r.stdout), [], `${what}: stdout lines with control characters`);
  assert.deepEqual(unprintableLines(r.stderr), [], `${what}: stderr lines with control characters`);
}

/** Strings an attacker would put in a name: the grammar's edges, forged references, escapes, bidi. */
const hostileText = fc.oneof(
  fc.constantFrom('v1', 'latest', '1.0', '_x', 'a'.repeat(128), 'a'.repeat(129), '-v1', '.v1', 'V1'),
  fc.constantFrom('\x1b[2J\x1b[H\x1b[32mVERIFIED', 'v1\nVERIFIED  x', 'v1\r', 'v\u202ex', 'v1\u2028', '\x9b31m', 'v1\x7f', 'a b', 'v1/../x'),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.stringMatching(/^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,20}$/),
);

before(async () => {
  dir = await makeTempDir('signet-hostile-verdicts-');
  mkdirSync(join(dir, 'home'), { recursive: true });
  reg = await startHostileRegistry();
  trusted = generatePrivateKey('ecdsa-p256');
  stranger = generatePrivateKey('ecdsa-p256');
  keyFile = join(dir, 'trusted.pub');
  writeFileSync(keyFile, trusted.publicKey.pem);
  images.S = imageManifest('signed');
  images.U = imageManifest('unsigned');
  images.X = imageManifest('stranger');
  const at = `${reg.host}/${REPO}`;
  // S: signed by the trusted key for this repository. X: signed, but by a stranger.
  for (const [role, key] of [['S', trusted], ['X', stranger]] as const) {
    const { layer, payload } = await signedLayer(key, `${at}:v1`, images[role].digest);
    reg.setBlob(payload);
    const sig = buildSignatureManifest([layer]);
    reg.setBlob(sig.config);
    reg.setManifest(REPO, signatureTag(images[role].digest), Buffer.from(sig.manifest));
  }
});

after(async () => {
  await reg?.stop();
  await removeTempDir(dir);
});

test(`any tag list: a row is verified only when its tag is valid and names the signed image, and no printed line holds a control character (${NET_RUNS} runs)`, async () => {
  const entry = fc.record({ tag: hostileText, role: fc.constantFrom<'S' | 'U' | 'X'>('S', 'U', 'X') });
  await fc.assert(fc.asyncProperty(fc.array(entry, { maxLength: 8 }), fc.boolean(), async (entries, json) => {
    const roleOf = new Map<string, 'S' | 'U' | 'X'>();
    for (const e of entries) {
      roleOf.set(e.tag, e.role);
      reg.setManifest(REPO, e.tag, images[e.role].bytes);
    }
    reg.setTags(REPO, () => ({ tags: entries.map((e) => e.tag) }));
    const r = await cli(['images', `${reg.host}/${REPO}`, '--key', keyFile, ...(json ? ['--json'] : [])]);
    assertPrintable(r, 'images');
    assert.ok([0, 1, 2].includes(r.code), `exit ${r.code}: ${r.stderr}`);
    if (json) {
      for (const line of r.stdout.split('\n').filter((l) => l !== '')) {
        const row = JSON.parse(line) as { image: string; verdict: string; digest?: string };
        if (row.verdict !== 'verified') continue;
        const tag = row.image.slice(`${reg.host}/${REPO}:`.length);
        assert.match(tag, /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/, `a verified row names a valid tag: ${JSON.stringify(row.image)}`);
        assert.equal(roleOf.get(tag), 'S', `${row.image} is verified, so its tag must name the signed image`);
        assert.equal(row.digest, images.S.digest);
      }
    } else {
      const prefix = `${reg.host}/${REPO}:`;
      for (const line of r.stdout.split('\n').filter((l) => l.startsWith('VERIFIED'))) {
        const image = line.slice('VERIFIED'.length).trimStart().split(/[\s@]/)[0]!;
        const tag = image.startsWith(prefix) ? image.slice(prefix.length) : undefined;
        assert.ok(tag !== undefined && roleOf.get(tag) === 'S', `verified line for a tag that does not name the signed image: ${JSON.stringify(line)}`);
      }
    }
    // Exit 0 claims every image is verified: then every listed tag must be a valid name of S.
    if (r.code === 0) for (const e of entries) assert.equal(e.role, 'S', `exit 0 with ${JSON.stringify(e.tag)} naming ${e.role}`);
  }), params(NET_RUNS));
});

test(`any signature manifest: an image is verified only with the trusted key's own signature of its digest and repository, and no printed line holds a control character (${NET_RUNS} runs)`, async () => {
  const at = `${reg.host}/${REPO}`;
  const U = images.U.digest;
  // The candidate layers: the only one that may verify U is `genuine`.
  const pool: Array<{ name: string; layer: SignatureLayer; payload: Buffer }> = [];
  const add = async (name: string, p: Promise<{ layer: SignatureLayer; payload: Buffer }>) => { const { layer, payload } = await p; reg.setBlob(payload); pool.push({ name, layer, payload }); };
  await add('genuine', signedLayer(trusted, `${at}:v1`, U));
  await add('replay of S', signedLayer(trusted, `${at}:v1`, images.S.digest));
  await add('other repository', signedLayer(trusted, `${reg.host}/team/other:v1`, U));
  await add('stranger', signedLayer(stranger, `${at}:v1`, U));
  await add('stranger claiming trusted', signedLayer(stranger, `${at}:v1`, U, { layerAnnotations: { [KEY_HINT_ANNOTATION]: trusted.publicKey.fingerprint } }));
  await add('hostile creator', signedLayer(stranger, `${at}:v1`, U, { creator: '\x1b[2J\x1b[H\x1b[32mVERIFIED  by alice\n', annotations: { '\x1b]0;x\x07': '\u202e1v' } }));
  const layerEdit = fc.record({
    pick: fc.nat(pool.length - 1),
    mediaType: fc.option(hostileText, { nil: undefined }),
    annotationKey: fc.option(hostileText, { nil: undefined }),
    annotationValue: hostileText,
    dropSignature: fc.boolean(),
  });
  await fc.assert(fc.asyncProperty(fc.array(layerEdit, { minLength: 1, maxLength: 5 }), fc.boolean(), async (edits, json) => {
    const layers = edits.map((e) => {
      const { layer } = pool[e.pick]!;
      const annotations = { ...layer.annotations, ...(e.annotationKey !== undefined ? { [e.annotationKey]: e.annotationValue } : {}) };
      if (e.dropSignature) delete annotations['dev.cosignproject.cosign/signature'];
      return { ...layer, ...(e.mediaType !== undefined ? { mediaType: e.mediaType } : {}), annotations };
    });
    const sig = buildSignatureManifest(layers);
    reg.setBlob(sig.config);
    reg.setManifest(REPO, signatureTag(U), Buffer.from(sig.manifest));
    reg.setManifest(REPO, 'v1', images.U.bytes);
    const r = await cli(['verify', `${at}:v1`, '--key', keyFile, '-v', ...(json ? ['--json'] : [])]);
    assertPrintable(r, 'verify');
    if (r.code === 0) {
      const honest = pool.find((p) => p.name === 'genuine')!.layer;
      const kept = layers.some((l, i) => pool[edits[i]!.pick]!.name === 'genuine' && l.mediaType === honest.mediaType && l.annotations['dev.cosignproject.cosign/signature'] === honest.signatureB64);
      assert.ok(kept, `verified without the trusted key's own signature of this digest and repository: ${edits.map((e) => pool[e.pick]!.name).join(', ')}`);
    }
  }), params(NET_RUNS));
});

test(`any layout index.json: a name is verified only when it names the signed image alone, and no printed line holds a control character (${NET_RUNS} runs)`, async () => {
  const layout = join(dir, 'layout');
  const signed = writeImage(layout);
  nameImage(layout, 'seed', signed); // writes oci-layout; index.json is rewritten by every run
  const unsigned = writeImage(layout);
  const identity = '127.0.0.1:5000/team/app';
  const { layer, payload } = await signedLayer(trusted, `${identity}:v1`, signed.digest as Digest);
  writeBlob(layout, payload);
  const sig = buildSignatureManifest([layer]);
  writeBlob(layout, sig.config);
  const sigDesc = { mediaType: OCI_MANIFEST, digest: writeBlob(layout, sig.manifest), size: sig.manifest.length };
  const entry = fc.record({ name: hostileText, role: fc.constantFrom<'S' | 'U'>('S', 'U') });
  await fc.assert(fc.asyncProperty(fc.array(entry, { maxLength: 6 }), fc.boolean(), async (entries, json) => {
    const index: { schemaVersion: number; manifests: unknown[] } = { schemaVersion: 2, manifests: [] };
    index.manifests.push({ ...sigDesc, annotations: { 'org.opencontainers.image.ref.name': signatureTag(signed.digest as Digest) } });
    for (const e of entries) {
      const d = e.role === 'S' ? signed : unsigned;
      index.manifests.push({ mediaType: d.mediaType, digest: d.digest, size: d.size, annotations: { 'org.opencontainers.image.ref.name': e.name } });
    }
    writeFileSync(join(layout, 'index.json'), JSON.stringify(index));
    const r = await cli(['images', `oci:${layout}`, '--key', keyFile, '--identity', identity, ...(json ? ['--json'] : [])]);
    assertPrintable(r, 'images oci:');
    if (json) {
      for (const line of r.stdout.split('\n').filter((l) => l !== '')) {
        const row = JSON.parse(line) as { image: string; verdict: string };
        if (row.verdict !== 'verified') continue;
        const name = row.image.slice(`oci:${layout}:`.length);
        const named = entries.filter((e) => e.name === name);
        assert.ok(named.length > 0 && named.every((e) => e.role === 'S'), `${JSON.stringify(name)} verified, but its entries are ${named.map((e) => e.role).join(',')}`);
      }
    }
    if (r.code === 0) for (const e of entries) assert.equal(e.role, 'S', `exit 0 with ${JSON.stringify(e.name)} naming ${e.role}`);
  }), params(NET_RUNS));
});
