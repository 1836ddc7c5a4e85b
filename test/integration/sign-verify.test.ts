// Sign and verify round trips against a real docker-registry in all three auth variants, images
// copied in with Debian skopeo. What Signet writes is checked byte by byte against the cosign
// layout, and its signatures are verified independently with node:crypto (not @noble).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRegistry, type AuthMode, type TestRegistry } from '../helpers/registry.js';
import { rawRequest, getManifest, sha256Digest } from '../helpers/push.js';
import { skopeoCopy } from '../helpers/skopeo.js';
import { makeTempDir } from '../helpers/tmp.js';
import { dockerConfigWith, jsonLines, runSignet } from '../helpers/cli.js';
import { fixturesDir } from '../helpers/paths.js';

const PASSWORD = 'correct horse';

for (const auth of ['none', 'htpasswd', 'token'] as AuthMode[]) {
  describe(`sign and verify, registry auth: ${auth}`, () => {
    let reg: TestRegistry;
    let dir: string;
    let env: NodeJS.ProcessEnv;
    const keys: Record<string, string> = {};

    before(async () => {
      reg = await startRegistry({ auth });
      dir = await makeTempDir();
      env = { COSIGN_PASSWORD: PASSWORD, DOCKER_CONFIG: dockerConfigWith([{ host: reg.host, username: reg.username, password: reg.password }]) };
      const creds = auth === 'none' ? {} : { destCreds: `${reg.username}:${reg.password}` };
      await skopeoCopy(`oci:${join(fixturesDir, 'image-oci')}:v1`, `docker://${reg.host}/team/app:v1`, creds);
      for (const alg of ['ed25519', 'ecdsa-p256']) {
        const r = await runSignet(['keys', 'generate-file', join(dir, alg), '--alg', alg], { env });
        assert.equal(r.code, 0, r.stderr);
        keys[alg] = join(dir, alg);
      }
    });
    after(async () => { await reg?.stop(); });

    test('an unsigned image is unsigned (exit 1)', async () => {
      const r = await runSignet(['verify', `${reg.host}/team/app:v1`, '--key', `${keys.ed25519}.pub`, '--json'], { env });
      assert.equal(jsonLines(r.stdout)[0].verdict, 'unsigned', r.stderr);
      assert.equal(r.code, 1);
    });

    test('signing with both algorithms writes the exact cosign layout, verifiable by node:crypto', async () => {
      for (const alg of ['ed25519', 'ecdsa-p256']) {
        const s = await runSignet(['sign', `${reg.host}/team/app:v1`, '--key', `${keys[alg]}.key`, '-a', 'env=prod', '--json'], { env });
        assert.equal(s.code, 0, s.stderr);
        const signed = JSON.parse(s.stdout);
        assert.equal(signed.identity, `${reg.host}/team/app:v1`);
        assert.equal(signed.signatures[0].readBack.verdict, 'verified');
      }
      const image = await getManifest(reg, 'team/app', 'v1');
      const digest = sha256Digest(image.body);
      const sigTag = `sha256-${digest.slice(7)}.sig`;
      const sig = await getManifest(reg, 'team/app', sigTag);
      assert.equal(sig.status, 200);
      const manifest = JSON.parse(sig.body.toString());
      assert.deepEqual(Object.keys(manifest), ['schemaVersion', 'mediaType', 'config', 'layers']);
      assert.equal(manifest.mediaType, 'application/vnd.oci.image.manifest.v1+json');
      assert.equal(manifest.config.mediaType, 'application/vnd.oci.image.config.v1+json');
      assert.equal(manifest.layers.length, 2, 'the second signature was appended, the first kept');
      const config = await rawRequest(reg, 'GET', `/v2/team/app/blobs/${manifest.config.digest}`, { scope: 'repository:team/app:pull' });
      assert.deepEqual(JSON.parse(config.body.toString()), { architecture: '', os: '', config: {}, rootfs: { type: 'layers', diff_ids: manifest.layers.map((l: any) => l.digest) } });
      for (const [i, alg] of ['ed25519', 'ecdsa-p256'].entries()) {
        const layer = manifest.layers[i];
        assert.equal(layer.mediaType, 'application/vnd.dev.cosign.simplesigning.v1+json');
        const payload = (await rawRequest(reg, 'GET', `/v2/team/app/blobs/${layer.digest}`, { scope: 'repository:team/app:pull' })).body;
        assert.equal(sha256Digest(payload), layer.digest);
        assert.equal(payload.length, layer.size);
        const doc = JSON.parse(payload.toString());
        assert.deepEqual(Object.keys(doc), ['critical', 'optional']);
        assert.deepEqual(doc.critical, {
          identity: { 'docker-reference': `${reg.host}/team/app:v1` },
          image: { 'docker-manifest-digest': digest },
          type: 'cosign container image signature',
        });
        assert.equal(doc.optional.env, 'prod');
        assert.equal(typeof doc.optional.timestamp, 'number');
        const signature = Buffer.from(layer.annotations['dev.cosignproject.cosign/signature'], 'base64');
        const key = createPublicKey(readFileSync(`${keys[alg]}.pub`));
        const ok = alg === 'ed25519' ? cryptoVerify(null, payload, key, signature) : cryptoVerify('sha256', payload, key, signature);
        assert.ok(ok, `node:crypto verifies the ${alg} signature`);
      }
    });

    test('verify names the key, checks annotations, and exits 0 only when verified', async () => {
      const ok = await runSignet(['verify', `${reg.host}/team/app:v1`, '--key', `${keys.ed25519}.pub`, '-a', 'env=prod', '--json'], { env });
      const out = jsonLines(ok.stdout)[0];
      assert.equal(out.verdict, 'verified', ok.stdout + ok.stderr);
      assert.equal(ok.code, 0);
      assert.deepEqual(out.signers, ['ed25519.pub']);
      const wrongAnnotation = await runSignet(['verify', `${reg.host}/team/app:v1`, '--key', `${keys.ed25519}.pub`, '-a', 'env=dev', '--json'], { env });
      assert.equal(jsonLines(wrongAnnotation.stdout)[0].verdict, 'invalid');
      assert.equal(wrongAnnotation.code, 1);
      const human = await runSignet(['verify', `${reg.host}/team/app:v1`, '--key', `${keys['ecdsa-p256']}.pub`], { env });
      assert.match(human.stdout, /VERIFIED .* verified by ecdsa-p256\.pub/);
    });

    if (auth !== 'none') {
      test('without credentials the registry refuses, and that is could-not-check (exit 2) in plain words', async () => {
        const r = await runSignet(['verify', `${reg.host}/team/app:v1`, '--key', `${keys.ed25519}.pub`]);
        assert.equal(r.code, 2, r.stdout + r.stderr);
        assert.match(r.stdout, /NOT CHECKED/);
        assert.doesNotMatch(r.stdout + r.stderr, /at .*\.js:\d+/, 'no stack trace without --debug');
      });
    }
  });
}
