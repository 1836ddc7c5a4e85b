// The verify path end to end under random damage: a Signet-signed image whose signature manifest,
// payload blob and signature are mutated at random (several edits at once, unlike the one-at-a-time
// matrix in test/unit/verdict-matrix.test.ts) goes through the real signature store and verdict
// code. It may only give a verdict (never throw), and *verified* only when what is verified —
// the payload bytes and the signature — is exactly the original.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildPayload } from '../../electron/engine/cosign/payload.js';
import { buildSignatureManifest, newSignatureLayer, parseSignatureManifest, signatureTag } from '../../electron/engine/cosign/signature-manifest.js';
import { RegistrySignatureStore } from '../../electron/engine/cosign/registry-signature-store.js';
import { KEY_HINT_ANNOTATION } from '../../electron/engine/cosign/verdict.js';
import { verifyDigest } from '../../electron/engine/verify.js';
import { generatePrivateKey } from '../../electron/engine/keys/private-key.js';
import { signerFromPrivateKey } from '../../electron/engine/keys/signer.js';
import { sha256Digest, verifyBytes, type Digest } from '../../electron/engine/content/digest.js';
import { SignetError } from '../../electron/engine/errors.js';
import type { BlobLimits, RegistryClient } from '../../electron/engine/registry/client.js';
import type { Reference } from '../../electron/engine/content/reference.js';
import { edits, mutate, params } from './fuzz.js';

const IMAGE = sha256Digest('image') as Digest;
const REPO = '127.0.0.1:5000/team/app';

test('random damage to signature manifest, payload and signature never gives verified unless nothing that is verified changed', async () => {
  const key = generatePrivateKey('ecdsa-p256');
  const payload = Buffer.from(buildPayload({ dockerReference: `${REPO}:v1`, manifestDigest: IMAGE, annotations: { env: 'prod' } }));
  const signature = Buffer.from(await signerFromPrivateKey(key).sign(payload));
  const layer = newSignatureLayer(payload, signature, { [KEY_HINT_ANNOTATION]: key.publicKey.fingerprint });
  const manifest = Buffer.from(buildSignatureManifest([layer]).manifest);
  const target = fc.record({
    manifest: fc.option(edits, { nil: undefined }),
    payload: fc.option(edits, { nil: undefined }),
    rehash: fc.boolean(),
  });
  await fc.assert(fc.asyncProperty(target, async (t) => {
    let p: Buffer = payload;
    let m: Buffer = manifest;
    if (t.payload) {
      p = mutate(payload, t.payload);
      if (t.rehash) m = Buffer.from(buildSignatureManifest([{ ...layer, payloadDigest: sha256Digest(p), payloadSize: p.length }]).manifest);
    }
    if (t.manifest) m = mutate(m, t.manifest);
    const blobs = new Map<string, Buffer>([[sha256Digest(p), p]]);
    const client = {
      async getManifestIfExists(ref: Reference) { return ref.tag === signatureTag(IMAGE) ? { digest: sha256Digest(m), mediaType: 'application/vnd.oci.image.manifest.v1+json', bytes: new Uint8Array(m) } : null; },
      async getBlob(_r: unknown, d: Digest, limits: BlobLimits = {}) {
        const b = blobs.get(d);
        if (!b) throw new SignetError('BLOB_UNKNOWN', 'no such blob');
        // As the real client: a body of another length than the descriptor declares is refused.
        if (limits.expectedSize !== undefined && b.length !== limits.expectedSize) throw new SignetError('SIZE_MISMATCH', 'wrong size');
        verifyBytes(b, d, 'blob');
        return new Uint8Array(b);
      },
    } as unknown as RegistryClient;
    const store = new RegistrySignatureStore(client, { registry: '127.0.0.1:5000', repository: 'team/app' });
    const r = await verifyDigest('img', REPO, IMAGE, store, { keys: [{ name: 'k', publicKey: key.publicKey }], requiredAnnotations: { env: 'prod' } }, 'x');
    if (r.verdict === 'verified') {
      assert.ok(p.equals(payload), 'verified only with the original payload bytes');
      const layers = parseSignatureManifest(m);
      assert.ok(layers.some((l) => l.signatureB64 === layer.signatureB64 && l.payloadDigest === layer.payloadDigest && l.payloadSize === layer.payloadSize), 'and the original signature layer');
    }
  }), params());
});
