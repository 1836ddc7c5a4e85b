// Signet against signatures made by an independent implementation (upstream skopeo /
// containers/image, and one made by hand the way cosign writes it), served by a real
// docker-registry on 127.0.0.1:5055 — the host and port named in the fixtures' identities.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { pushFixtureSignature, pushFixtureImage, pushBlob, pushManifest, OCI_MANIFEST } from '../helpers/push.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { loadFixture, SIGNATURE_FIXTURES, type SignatureFixture } from '../helpers/fixture-files.js';
import { jsonLines, runSignet } from '../helpers/cli.js';
import { fixturesDir } from '../helpers/paths.js';
import { Engine } from '../../electron/engine/engine.js';
import { parsePublicKeyPem } from '../../electron/engine/keys/public-key.js';
import { generatePrivateKey } from '../../electron/engine/keys/private-key.js';
import { sha256Digest } from '../../electron/engine/content/digest.js';

let reg: TestRegistry;
let proxy: FaultProxy;
const REPO: Record<SignatureFixture, string> = {
  'skopeo-ed25519': 'sig-ed-pass/app',
  'skopeo-ecdsa-p256': 'sig-ec-pass/app',
  'handmade-ed25519': 'demo/hand-notag',
};
const pub = (f: SignatureFixture) => join(fixturesDir, f, 'cosign.pub');

before(async () => {
  reg = await startRegistry({ auth: 'none', port: 5055 });
  for (const f of SIGNATURE_FIXTURES) {
    await pushFixtureSignature(reg, REPO[f], f);
    await pushFixtureSignature(reg, `moved/${f}`, f); // the same signature copied under another repository
  }
  proxy = await startFaultProxy(reg.url);
});
after(async () => {
  await proxy?.stop();
  await reg?.stop();
});

test('every upstream fixture verifies with its key as the reference it was signed for (CLI)', async () => {
  for (const f of SIGNATURE_FIXTURES) {
    const r = await runSignet(['verify', `127.0.0.1:5055/${REPO[f]}:v1`, '--key', pub(f), '--json']);
    const [out] = jsonLines(r.stdout);
    assert.equal(out.verdict, 'verified', `${f}: ${r.stdout}${r.stderr}`);
    assert.equal(r.code, 0);
    assert.equal(out.signatures[0].keyName, 'cosign.pub');
    assert.equal(out.signatures[0].keyFingerprint, parsePublicKeyPem(loadFixture(f).publicPem).fingerprint);
  }
});

test('under another repository the same signatures are invalid, naming the repository they were signed for', async () => {
  for (const f of SIGNATURE_FIXTURES) {
    const r = await runSignet(['verify', `127.0.0.1:5055/moved/${f}:v1`, '--key', pub(f), '--json']);
    const [out] = jsonLines(r.stdout);
    assert.equal(out.verdict, 'invalid', f);
    assert.equal(r.code, 1);
    assert.match(out.signatures[0].reasons.join(' '), new RegExp(`signed for the repository 127\\.0\\.0\\.1:5055/${REPO[f]}, not`));
  }
});

test('with another key they are signed by an unknown key', async () => {
  const engine = new Engine();
  try {
    const other = { name: 'other', publicKey: generatePrivateKey('ecdsa-p256').publicKey };
    const results = await engine.verify(SIGNATURE_FIXTURES.map((f) => `127.0.0.1:5055/${REPO[f]}:v1`), { keys: [other] });
    assert.deepEqual(results.map((r) => r.verdict), ['unknown-key', 'unknown-key', 'unknown-key']);
  } finally {
    await engine.close();
  }
});

test('a payload served with one byte changed is INVALID (bytes do not match their digest)', async () => {
  for (const f of SIGNATURE_FIXTURES) {
    const fx = loadFixture(f);
    const payloadDigest = sha256Digest(fx.payload);
    const tampered = Buffer.from(fx.payload);
    tampered[10] = tampered[10]! ^ 0x20;
    proxy.setHandler((req) => (req.method === 'GET' && req.path.includes(`/blobs/${payloadDigest}`) ? { kind: 'replaceBody', body: tampered } : { kind: 'pass' }));
    const engine = new Engine();
    try {
      const [r] = await engine.verify([`${proxy.host}/${REPO[f]}:v1`], { keys: [{ name: 'k', publicKey: parsePublicKeyPem(fx.publicPem) }] });
      // Through the proxy the host differs from the identity's, but the payload check comes first.
      assert.equal(r!.verdict, 'invalid', f);
      assert.match(r!.signatures[0]!.reasons[0]!, /altered/);
    } finally {
      await engine.close();
      proxy.setHandler(() => ({ kind: 'pass' }));
    }
  }
});

test('a fixture whose signature bytes were changed never verifies', async () => {
  for (const f of SIGNATURE_FIXTURES) {
    const fx = loadFixture(f);
    const repo = `flipped/${f}`;
    const digest = await pushFixtureImage(reg, repo);
    const sig = Buffer.from(fx.signatureB64, 'base64');
    sig[sig.length - 5] = sig[sig.length - 5]! ^ 0x01;
    const manifest = JSON.parse(fx.sigManifest.toString());
    manifest.layers[0].annotations['dev.cosignproject.cosign/signature'] = sig.toString('base64');
    await pushBlob(reg, repo, fx.sigConfig);
    await pushBlob(reg, repo, fx.payload);
    await pushManifest(reg, repo, `${digest.replace(':', '-')}.sig`, JSON.stringify(manifest), OCI_MANIFEST);
    const r = await runSignet(['verify', `127.0.0.1:5055/${repo}:v1`, '--key', pub(f), '--json']);
    const [out] = jsonLines(r.stdout);
    assert.notEqual(out.verdict, 'verified', f);
    assert.equal(r.code, 1);
  }
});
