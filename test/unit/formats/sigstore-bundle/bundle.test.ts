import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBundle } from '../../../../electron/engine/formats/sigstore-bundle/bundle.js';
import { MAX_BUNDLE_BYTES } from '../../../../electron/engine/formats/sigstore-bundle/media-types.js';
import { preAuthEncoding } from '../../../../electron/engine/formats/sigstore-bundle/pae.js';
import { generatePrivateKey } from '../../../../electron/engine/keys/private-key.js';
import { bundleDoc, signPae, statementBytes } from '../../../helpers/bundle.js';

const priv = generatePrivateKey('ecdsa-p256');
const payload = statementBytes([{ sha256: 'ab'.repeat(32) }]);
const signature = await signPae(priv, payload);
const good = bundleDoc({ payload, signature, hintKey: priv });
const bytes = (doc: unknown) => Buffer.from(JSON.stringify(doc));
const edit = (change: (d: any) => void) => { const d = structuredClone(good) as any; change(d); return bytes(d); };

test('a key-based v0.3 bundle: the signed bytes are the PAE, the hint names the key\'s fingerprint', () => {
  const r = parseBundle(bytes(good));
  assert.ok(r.ok);
  assert.equal(r.value.version, '0.3');
  assert.deepEqual(Buffer.from(r.value.payload), payload);
  assert.deepEqual(Buffer.from(r.value.signedBytes), Buffer.from(preAuthEncoding('application/vnd.in-toto+json', payload)));
  assert.deepEqual(Buffer.from(r.value.signature), signature);
  assert.deepEqual(r.value.keyMaterial, { kind: 'public-key', hint: (good.verificationMaterial as any).publicKey.hint, hintFingerprint: priv.publicKey.fingerprint });
  assert.deepEqual(r.value.transparencyLog, { entries: 0, logIds: [] });
});

test('versions: v0.1, v0.2 and the legacy v0.3 spelling are read; a later version is could-not-check; others invalid', () => {
  for (const [mt, v] of [['application/vnd.dev.sigstore.bundle+json;version=0.1', '0.1'], ['application/vnd.dev.sigstore.bundle+json;version=0.2', '0.2'], ['application/vnd.dev.sigstore.bundle+json;version=0.3', '0.3']]) {
    const r = parseBundle(edit((d) => { d.mediaType = mt; }));
    assert.ok(r.ok && r.value.version === v, mt);
  }
  const later = parseBundle(edit((d) => { d.mediaType = 'application/vnd.dev.sigstore.bundle.v0.4+json'; }));
  assert.ok(!later.ok && later.problem.status === 'error' && /does not read yet/.test(later.problem.reason));
  for (const mt of ['application/json', 'application/vnd.dev.sigstore.bundle.v0.3+jsonx', 5, undefined]) {
    const r = parseBundle(edit((d) => { d.mediaType = mt; }));
    assert.ok(!r.ok && r.problem.status === 'invalid' && /mediaType/.test(r.problem.reason), String(mt));
  }
});

test('transparency-log entries and certificates are recorded, not checked', () => {
  const entry = { logIndex: '1', logId: { keyId: Buffer.alloc(32, 7).toString('base64') }, kindVersion: { kind: 'dsse', version: '0.0.1' }, integratedTime: '1700000000', inclusionProof: { logIndex: '1', rootHash: Buffer.alloc(32).toString('base64'), treeSize: '2', hashes: [], checkpoint: { envelope: 'x' } }, canonicalizedBody: Buffer.from('{}').toString('base64') };
  const withLog = parseBundle(edit((d) => { d.verificationMaterial.tlogEntries = [entry, entry]; }));
  assert.ok(withLog.ok);
  assert.deepEqual(withLog.value.transparencyLog, { entries: 2, logIds: ['07'.repeat(32), '07'.repeat(32)] });
  const noProof = parseBundle(edit((d) => { d.verificationMaterial.tlogEntries = [{ ...entry, inclusionProof: undefined }]; }));
  assert.ok(!noProof.ok && /@sigstore\/bundle refuses it.*inclusionProof/.test(noProof.problem.reason), 'v0.3 needs an inclusion proof (@sigstore/bundle)');
  const cert = parseBundle(edit((d) => { d.verificationMaterial = { certificate: { rawBytes: Buffer.from('not a real cert').toString('base64') } }; }));
  assert.ok(cert.ok);
  assert.deepEqual(cert.value.keyMaterial, { kind: 'certificate', certificates: 1 });
  const chainInV03 = parseBundle(edit((d) => { d.verificationMaterial = { x509CertificateChain: { certificates: [{ rawBytes: 'AA==' }] } }; }));
  assert.ok(!chainInV03.ok && /@sigstore\/bundle/.test(chainInV03.problem.reason), 'v0.3 allows no chain');
  const noHint = parseBundle(edit((d) => { d.verificationMaterial.publicKey = {}; }));
  assert.ok(noHint.ok && noHint.value.keyMaterial.kind === 'public-key' && noHint.value.keyMaterial.hint === undefined);
  const otherHint = parseBundle(edit((d) => { d.verificationMaterial.publicKey.hint = 'kms://key/1'; }));
  assert.ok(otherHint.ok && otherHint.value.keyMaterial.kind === 'public-key' && otherHint.value.keyMaterial.hintFingerprint === undefined);
});

test('a DSSE keyid is kept as found and changes nothing else', () => {
  const r = parseBundle(edit((d) => { d.dsseEnvelope.signatures[0].keyid = 'whatever'; }));
  assert.ok(r.ok);
  assert.equal(r.value.keyid, 'whatever');
});

test('malformed bundles are invalid, naming the field; oversized and message-signature bundles are could-not-check', () => {
  const cases: Array<[Buffer, RegExp]> = [
    [Buffer.from('{'), /not valid JSON/],
    [Buffer.from(`{"mediaType":"x",${JSON.stringify(good).slice(1)}`), /"mediaType" appears twice/],
    [edit((d) => { d.dsseEnvelope.payloadType = 'application/vnd.dev.cosign.simplesigning.v1+json'; }), /payloadType .* not "application\/vnd\.in-toto\+json"/],
    [edit((d) => { d.dsseEnvelope.signatures.push(d.dsseEnvelope.signatures[0]); }), /holds 2 signatures/],
    [edit((d) => { d.dsseEnvelope.signatures = []; }), /holds 0 signatures/],
    [edit((d) => { d.dsseEnvelope.payload = 'YQ'; }), /payload must be non-empty standard base64/], // unpadded
    [edit((d) => { d.dsseEnvelope.payload = 'YR=='; }), /payload must be non-empty standard base64/], // non-zero trailing bits: not canonical
    [edit((d) => { d.dsseEnvelope.payload = 'Y Q=='; }), /payload must be non-empty standard base64/],
    [edit((d) => { d.dsseEnvelope.signatures[0].sig = '-_-_'; }), /sig must be non-empty standard base64/], // URL alphabet
    [edit((d) => { d.dsseEnvelope.payload = ''; }), /payload must be non-empty/],
    [edit((d) => { d.extra = 1; }), /unexpected field "extra"/],
    [edit((d) => { d.dsseEnvelope.payload_type = 'x'; }), /unexpected field "payload_type"/],
    [edit((d) => { d.verificationMaterial.publicKey.extra = 'x'; }), /unexpected field/],
    [edit((d) => { delete d.dsseEnvelope; }), /no dsseEnvelope/],
    [edit((d) => { d.messageSignature = {}; }), /both a messageSignature and a dsseEnvelope/],
    [edit((d) => { d.verificationMaterial.certificate = { rawBytes: 'AA==' }; }), /exactly one of publicKey, certificate/],
    [edit((d) => { delete d.verificationMaterial; }), /verificationMaterial must be an object/],
    [edit((d) => { d.verificationMaterial.tlogEntries = [{}]; }), /logId\.keyId/],
  ];
  for (const [b, reason] of cases) {
    const r = parseBundle(b);
    assert.ok(!r.ok, reason.source);
    assert.equal(r.problem.status, 'invalid', reason.source);
    assert.match(r.problem.reason, reason);
  }
  const message = parseBundle(edit((d) => { delete d.dsseEnvelope; d.messageSignature = { messageDigest: { algorithm: 'SHA2_256', digest: 'AA==' }, signature: 'AA==' }; }));
  assert.ok(!message.ok && message.problem.status === 'error' && /message signature/.test(message.problem.reason));
  const big = Buffer.alloc(MAX_BUNDLE_BYTES + 1, 0x20);
  const over = parseBundle(big);
  assert.ok(!over.ok && over.problem.status === 'error' && /more than the/.test(over.problem.reason));
});
