// Per-image bounds on a signature manifest (issue 11, finding 9), in the one helper both signature
// stores read through (cosign/signature-limits.ts), and the verdict's evaluation of identical
// layers once (cosign/verdict.ts evaluateSignatures). On main, a .sig manifest with 13,500 layers
// naming one payload cost 13,500 payload reads and 13,500 verdicts; thousands of 1 MB payloads
// were all downloaded. The registry and layout cases end to end: test/integration/hostile-signatures.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_PAYLOAD_BYTES, MAX_PAYLOAD_BYTES_PER_IMAGE, MAX_SIGNATURES_PER_IMAGE, readSignatures } from '../../../electron/engine/cosign/signature-limits.js';
import { evaluateSignatures, KEY_HINT_ANNOTATION, type TrustedKey } from '../../../electron/engine/cosign/verdict.js';
import type { SignatureLayer } from '../../../electron/engine/cosign/signature-manifest.js';
import { buildPayload } from '../../../electron/engine/cosign/payload.js';
import { MediaType } from '../../../electron/engine/content/media-types.js';
import { sha256Digest, type Digest } from '../../../electron/engine/content/digest.js';
import { generatePrivateKey } from '../../../electron/engine/keys/private-key.js';
import { signerFromPrivateKey } from '../../../electron/engine/keys/signer.js';
import { SignetError } from '../../../electron/engine/errors.js';

const WHERE = 'r.example/team/app:sha256-abc.sig';
const layerOf = (payload: Uint8Array | { digest: Digest; size: number }, signatureB64 = 'c2ln', annotations: Record<string, string> = {}): SignatureLayer => ({
  payloadDigest: payload instanceof Uint8Array ? sha256Digest(payload) : payload.digest,
  payloadSize: payload instanceof Uint8Array ? payload.length : payload.size,
  mediaType: MediaType.CosignSimpleSigning,
  signatureB64,
  annotations: { 'dev.cosignproject.cosign/signature': signatureB64, ...annotations },
});
const limitExceeded = (re: RegExp) => (e: unknown) => {
  assert.ok(e instanceof SignetError && e.code === 'LIMIT_EXCEEDED', String(e));
  assert.match(e.message, re);
  return true;
};

test(`more than ${MAX_SIGNATURES_PER_IMAGE} layers is LIMIT_EXCEEDED in words, before any payload is read`, async () => {
  const payload = Buffer.from('{"critical":{}}');
  let reads = 0;
  const layers = Array.from({ length: 13_500 }, () => layerOf(payload));
  await assert.rejects(readSignatures(layers, WHERE, async () => { reads += 1; return payload; }),
    limitExceeded(/^The signature manifest at r\.example\/team\/app:sha256-abc\.sig has 13,500 signatures, more than the 100 Signet checks for one image\.$/));
  assert.equal(reads, 0);
});

test('each distinct payload is read once, however many layers name it; every layer gets it', async () => {
  const a = Buffer.from('payload a');
  const b = Buffer.from('payload b');
  const asked: string[] = [];
  const layers = [...Array.from({ length: MAX_SIGNATURES_PER_IMAGE - 1 }, (_, i) => layerOf(a, `s${i}`)), layerOf(b)];
  const got = await readSignatures(layers, WHERE, async (layer, max) => {
    assert.equal(max, MAX_PAYLOAD_BYTES);
    asked.push(layer.payloadDigest);
    return layer.payloadDigest === sha256Digest(a) ? a : b;
  });
  assert.deepEqual(asked.sort(), [sha256Digest(a), sha256Digest(b)].sort());
  assert.equal(got.length, MAX_SIGNATURES_PER_IMAGE);
  assert.ok(got.slice(0, -1).every((s, i) => s.payload === a && s.layer === layers[i]));
  assert.equal(got.at(-1)!.payload, b);
});

test('a failed read is each layer\'s payloadError (a SignetError), and anything else is thrown', async () => {
  const a = Buffer.from('payload a');
  const failure = new SignetError('NETWORK', 'gone');
  const got = await readSignatures([layerOf(a), layerOf(a, 'other')], WHERE, async () => { throw failure; });
  assert.deepEqual(got.map((s) => s.payloadError), [failure, failure]);
  await assert.rejects(readSignatures([layerOf(a)], WHERE, async () => { throw new TypeError('bug'); }), TypeError);
});

test(`more than ${MAX_PAYLOAD_BYTES_PER_IMAGE / (1 << 20)} MiB of distinct payloads is LIMIT_EXCEEDED before any read`, async () => {
  let reads = 0;
  const read = async () => { reads += 1; return Buffer.alloc(0); };
  // 4,000 × 1 MB was 4 GB downloaded on main; 17 × 1 MiB is already past the bound.
  const big = (i: number) => layerOf({ digest: sha256Digest(`p${i}`), size: 1 << 20 });
  await assert.rejects(readSignatures(Array.from({ length: 17 }, (_, i) => big(i)), WHERE, read),
    limitExceeded(/names 17,825,792 bytes of signed payloads, more than the 16,777,216 bytes \(16 MiB\) Signet reads for one image/));
  await assert.rejects(readSignatures(Array.from({ length: 100 }, (_, i) => layerOf({ digest: sha256Digest(`q${i}`), size: 1_000_000 })), WHERE, read), limitExceeded(/100,000,000 bytes/));
  assert.equal(reads, 0);
  // The same 1 MiB payload named 100 times is 1 MiB, read once.
  const one = await readSignatures(Array.from({ length: 100 }, () => big(0)), WHERE, read);
  assert.equal(one.length, 100);
  assert.equal(reads, 1);
});

test('identical layers are evaluated once, each still with its own report; a different key hint is evaluated apart', async () => {
  // Counts how often the verdict reads a trusted key: once per key per evaluation.
  let keyReads = 0;
  const counted = (name: string): TrustedKey => {
    const publicKey = generatePrivateKey('ed25519').publicKey;
    return { name, get publicKey() { keyReads += 1; return publicKey; } };
  };
  const keys = Array.from({ length: 20 }, (_, i) => counted(`k${i}`));
  const image = { repository: 'r.example/team/app', digest: sha256Digest('an image') };
  const payload = buildPayload({ dockerReference: 'r.example/team/app', manifestDigest: image.digest });
  const stranger = signerFromPrivateKey(generatePrivateKey('ed25519'));
  const sig = Buffer.from(await stranger.sign(payload)).toString('base64');
  const [single] = await readSignatures([layerOf(payload, sig)], WHERE, async () => payload);
  const once = evaluateSignatures(image, [single!], { keys });
  const perEvaluation = keyReads;
  assert.ok(perEvaluation >= 20, `every key is tried for a signature none made (${perEvaluation})`);
  assert.equal(once[0]!.status, 'unknown-key');

  keyReads = 0;
  const many = await readSignatures(Array.from({ length: MAX_SIGNATURES_PER_IMAGE }, () => layerOf(payload, sig)), WHERE, async () => payload);
  const reports = evaluateSignatures(image, many, { keys });
  assert.equal(keyReads, perEvaluation, 'a manifest full of one layer costs one evaluation');
  assert.equal(reports.length, MAX_SIGNATURES_PER_IMAGE);
  for (const r of reports) assert.deepEqual(r, once[0]);
  assert.notEqual(reports[0], reports[1], 'each layer has its own report object');

  const hinted = await readSignatures([layerOf(payload, sig), layerOf(payload, sig, { [KEY_HINT_ANNOTATION]: 'SHA256:not-a-trusted-key' })], WHERE, async () => payload);
  keyReads = 0;
  evaluateSignatures(image, [hinted[1]!], { keys });
  const hintedCost = keyReads;
  keyReads = 0;
  evaluateSignatures(image, hinted, { keys });
  assert.equal(keyReads, perEvaluation + hintedCost, 'a layer that differs only in its key hint is evaluated on its own');
});
