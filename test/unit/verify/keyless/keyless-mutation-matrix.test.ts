// The verdict mutation matrix for keyless evidence: five signatures that verify (the two real
// public-good ones, and from the local Sigstore a `.sig` with chain and RFC 3161 timestamp, a bundle
// with a Rekor v1 entry, a bundle with a Rekor v2 entry and a timestamp), then one change at a time
// to what the verifier reads: the certificate, the stored chain, the SET, the log entry's body,
// index, time and log ID, the inclusion proof (hashes, root, size, index, checkpoint), the payload or
// statement, the signature, the timestamp, and the annotation and bundle texts themselves. Bytes
// are changed after decoding (a bit flipped), so every change changes what they mean. No change is
// verified, and none is even "signed by an unknown identity": each is a failure with a reason.
// One exception, counted apart: an RFC 3161 response carries unsigned CMS framing (outer tags,
// version numbers, algorithm lists the signature does not cover), which cosign and sigstore-go
// accept changed too; a change there may verify, but only with exactly the same verified facts.
// Positions: every byte of a field up to POSITIONS long, else POSITIONS spread over it (first and
// last bytes included); SIGNET_FUZZ_RUNS=full flips every byte of every field. The count is printed.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { shippedTrustedRoot } from '../../../../electron/engine/trust/trusted-root/trusted-root-store.js';
import type { LoadedTrustedRoot } from '../../../../electron/engine/trust/trusted-root/trusted-root.js';
import type { CompiledIdentityPolicy } from '../../../../electron/engine/verify/keyless/identity-policy.js';
import type { KeylessEvidence } from '../../../../electron/engine/verify/keyless/verify-keyless.js';
import { decodePem, encodePem } from '../../../../electron/engine/keys/pem.js';
import { containersImageSigLayer, cosignAttestationBundle, CONTAINERS_IMAGE_DIGEST, COSIGN_BUNDLE_DIGEST, GITHUB_OAUTH } from '../../../helpers/keyless-fixtures.js';
import { check, trusting } from '../../../helpers/keyless-check.js';
import { startSigstoreStack, keylessSigLayer, keylessBundle, GITHUB_ACTIONS_ISSUER, RELEASE_WORKFLOW } from '../../../helpers/sigstore-stack.js';

const POSITIONS = process.env.SIGNET_FUZZ_RUNS === 'full' ? Infinity : 40;
const DIGEST = `sha256:${'3c'.repeat(32)}`;

interface Case { name: string; evidence: KeylessEvidence; root: LoadedTrustedRoot; ids: CompiledIdentityPolicy[]; digest: string }
/** A field: its bytes, and the evidence with them replaced. */
interface Field { name: string; get: (e: KeylessEvidence) => Buffer; set: (e: KeylessEvidence, b: Buffer) => KeylessEvidence }

const cases: Case[] = [];
before(async () => {
  const stack = await startSigstoreStack();
  const release = trusting(RELEASE_WORKFLOW, GITHUB_ACTIONS_ISSUER);
  cases.push(
    { name: 'public-good .sig', evidence: { form: 'sig', layer: containersImageSigLayer() }, root: shippedTrustedRoot(), ids: trusting('mitr@redhat.com', GITHUB_OAUTH), digest: CONTAINERS_IMAGE_DIGEST },
    { name: 'public-good bundle', evidence: { form: 'bundle', bundle: cosignAttestationBundle() }, root: shippedTrustedRoot(), ids: trusting('cody@soyland.com', GITHUB_OAUTH), digest: COSIGN_BUNDLE_DIGEST },
    { name: 'local .sig (chain, timestamp)', evidence: { form: 'sig', layer: await keylessSigLayer(stack, DIGEST as never, 'registry.test/app', { chain: true, timestamp: true }) }, root: stack.trustedRoot, ids: release, digest: DIGEST },
    { name: 'local bundle, Rekor v1', evidence: { form: 'bundle', bundle: await keylessBundle(stack, DIGEST as never, 'registry.test/app') }, root: stack.trustedRoot, ids: release, digest: DIGEST },
    { name: 'local bundle, Rekor v2', evidence: { form: 'bundle', bundle: await keylessBundle(stack, DIGEST as never, 'registry.test/app', { rekor: 'v2' }) }, root: stack.trustedRoot, ids: release, digest: DIGEST },
  );
});

// --- fields of a .sig layer -------------------------------------------------------------------
const ann = (e: KeylessEvidence): Record<string, string> => (e.form === 'sig' ? { ...e.layer.annotations } : {});
const withAnn = (e: KeylessEvidence, k: string, v: string): KeylessEvidence => (e.form === 'sig' ? { form: 'sig', layer: { ...e.layer, annotations: { ...e.layer.annotations, [k]: v } } } : e);
const text = (k: string): Field => ({ name: `annotation ${k} (text)`, get: (e) => Buffer.from(ann(e)[k] ?? '', 'latin1'), set: (e, b) => withAnn(e, k, b.toString('latin1')) });
const b64ann = (k: string): Field => ({ name: `annotation ${k} (bytes)`, get: (e) => Buffer.from(ann(e)[k] ?? '', 'base64'), set: (e, b) => withAnn(e, k, b.toString('base64')) });
const pemAnn = (k: string): Field => ({
  name: `annotation ${k} (DER)`,
  get: (e) => (ann(e)[k] ? Buffer.from(decodePem(ann(e)[k]!, 'certificate').bytes) : Buffer.alloc(0)),
  set: (e, b) => withAnn(e, k, encodePem('CERTIFICATE', b)),
});
const REKOR = 'dev.sigstore.cosign/bundle';
const rekorJson = (e: KeylessEvidence) => JSON.parse(ann(e)[REKOR] ?? '{}');
const rekorField = (name: string, path: string[], enc: 'base64' | 'hex' | 'number'): Field => ({
  name: `Rekor bundle ${name}`,
  get: (e) => {
    let v: any = rekorJson(e);
    for (const p of path) v = v?.[p];
    return enc === 'number' ? Buffer.from(String(v ?? '')) : Buffer.from(String(v ?? ''), enc);
  },
  set: (e, b) => {
    const doc = rekorJson(e);
    let o: any = doc;
    for (const p of path.slice(0, -1)) o = o[p];
    o[path[path.length - 1]!] = enc === 'number' ? Number(b.toString()) : b.toString(enc);
    return withAnn(e, REKOR, JSON.stringify(doc));
  },
});
const TS = 'dev.sigstore.cosign/rfc3161timestamp';
const sigFields: Field[] = [
  { name: 'payload', get: (e) => (e.form === 'sig' ? Buffer.from(e.layer.payload) : Buffer.alloc(0)), set: (e, b) => (e.form === 'sig' ? { form: 'sig', layer: { ...e.layer, payload: b } } : e) },
  b64ann('dev.cosignproject.cosign/signature'),
  pemAnn('dev.sigstore.cosign/certificate'),
  pemAnn('dev.sigstore.cosign/chain'),
  rekorField('SET', ['SignedEntryTimestamp'], 'base64'),
  rekorField('body', ['Payload', 'body'], 'base64'),
  rekorField('logID', ['Payload', 'logID'], 'hex'),
  rekorField('integratedTime', ['Payload', 'integratedTime'], 'number'),
  rekorField('logIndex', ['Payload', 'logIndex'], 'number'),
  {
    name: 'RFC 3161 timestamp',
    get: (e) => (ann(e)[TS] ? Buffer.from(JSON.parse(ann(e)[TS]!).SignedRFC3161Timestamp, 'base64') : Buffer.alloc(0)),
    set: (e, b) => withAnn(e, TS, JSON.stringify({ SignedRFC3161Timestamp: b.toString('base64') })),
  },
  text(REKOR),
  text('dev.sigstore.cosign/certificate'),
];

// --- fields of a bundle -----------------------------------------------------------------------
const doc = (e: KeylessEvidence): any => (e.form === 'bundle' ? e.bundle : {});
const at = (o: any, path: Array<string | number>) => path.reduce((v, p) => v?.[p], o);
const bundleField = (name: string, path: Array<string | number>, enc: 'base64' | 'text'): Field => ({
  name: `bundle ${name}`,
  get: (e) => { const v = at(doc(e), path); return typeof v === 'string' ? Buffer.from(v, enc === 'base64' ? 'base64' : 'latin1') : Buffer.alloc(0); },
  set: (e, b) => {
    const copy = structuredClone(doc(e));
    at(copy, path.slice(0, -1))[path[path.length - 1]!] = enc === 'base64' ? b.toString('base64') : b.toString('latin1');
    return { form: 'bundle', bundle: copy };
  },
});
const T = ['verificationMaterial', 'tlogEntries', 0];
const bundleFields = (e: KeylessEvidence): Field[] => [
  bundleField('certificate', ['verificationMaterial', 'certificate', 'rawBytes'], 'base64'),
  bundleField('statement (DSSE payload)', ['dsseEnvelope', 'payload'], 'base64'),
  bundleField('DSSE payloadType', ['dsseEnvelope', 'payloadType'], 'text'),
  bundleField('signature', ['dsseEnvelope', 'signatures', 0, 'sig'], 'base64'),
  bundleField('SET', [...T, 'inclusionPromise', 'signedEntryTimestamp'], 'base64'),
  bundleField('log entry body', [...T, 'canonicalizedBody'], 'base64'),
  bundleField('log ID', [...T, 'logId', 'keyId'], 'base64'),
  bundleField('log index', [...T, 'logIndex'], 'text'),
  bundleField('integrated time', [...T, 'integratedTime'], 'text'),
  bundleField('entry kind', [...T, 'kindVersion', 'kind'], 'text'),
  bundleField('entry version', [...T, 'kindVersion', 'version'], 'text'),
  bundleField('inclusion proof root hash', [...T, 'inclusionProof', 'rootHash'], 'base64'),
  bundleField('inclusion proof tree size', [...T, 'inclusionProof', 'treeSize'], 'text'),
  bundleField('inclusion proof index', [...T, 'inclusionProof', 'logIndex'], 'text'),
  bundleField('inclusion proof checkpoint', [...T, 'inclusionProof', 'checkpoint', 'envelope'], 'text'),
  ...((at(doc(e), [...T, 'inclusionProof', 'hashes']) ?? []) as unknown[]).map((_, i) => bundleField(`inclusion proof hash ${i}`, [...T, 'inclusionProof', 'hashes', i], 'base64')),
  bundleField('RFC 3161 timestamp', ['verificationMaterial', 'timestampVerificationData', 'rfc3161Timestamps', 0, 'signedTimestamp'], 'base64'),
];

function positions(length: number): number[] {
  if (length <= POSITIONS) return Array.from({ length }, (_, i) => i);
  const out = new Set<number>();
  for (let i = 0; i < 8; i++) { out.add(i); out.add(length - 1 - i); }
  for (let k = 0; k < POSITIONS - 16; k++) out.add(8 + Math.floor((k * (length - 17)) / (POSITIONS - 17)));
  return [...out].sort((a, b) => a - b);
}

/** Flip the low bit; for text that would leave printable ASCII, the next-higher bit instead (still a change). */
function flip(b: Buffer, i: number, textual: boolean): Buffer {
  const c = Buffer.from(b);
  c[i] = textual && (c[i]! ^ 1) < 0x20 ? c[i]! ^ 2 : c[i]! ^ 1;
  return c;
}

test('no single change to keyless evidence is verified, nor taken for a stranger\'s valid signature: every one is a failure with a reason', () => {
  let total = 0;
  let unsignedFraming = 0;
  const byCheck = new Map<string, number>();
  for (const c of cases) {
    const base = check(c.evidence, c.root, c.ids, c.digest);
    assert.equal(base.status, 'verified', `${c.name} verifies unchanged: ${JSON.stringify(base)}`);
    const fields = c.evidence.form === 'sig' ? sigFields : bundleFields(c.evidence);
    let perCase = 0;
    for (const f of fields) {
      const bytes = f.get(c.evidence);
      if (bytes.length === 0) continue; // not in this evidence (no chain, no timestamp, no proof hashes)
      const textual = /text|index|time|tree size|kind|version|payloadType|checkpoint|integratedTime|logIndex/.test(f.name);
      for (const i of positions(bytes.length)) {
        const mutated = f.set(c.evidence, flip(bytes, i, textual));
        const r = check(mutated, c.root, c.ids, c.digest);
        perCase++;
        if (r.status === 'verified' && /RFC 3161/.test(f.name) && base.status === 'verified') {
          assert.deepEqual(r.facts, base.facts, `${c.name}: ${f.name} byte ${i}: verified only with the same facts`);
          unsignedFraming++;
          continue;
        }
        if (r.status === 'verified' || r.status === 'unknown-identity') {
          assert.fail(`${c.name}: ${f.name}, byte ${i} of ${bytes.length} changed, and it was ${r.status}`);
        }
        assert.ok(r.reason.length > 20, `${c.name}: ${f.name} byte ${i}: a reason in words`);
        byCheck.set(r.check, (byCheck.get(r.check) ?? 0) + 1);
      }
    }
    assert.ok(perCase > 200, `${c.name}: ${perCase} changes tried`);
    total += perCase;
  }
  console.log(`keyless mutation matrix: ${total} changes over ${cases.length} signatures, none verified but ${unsignedFraming} in RFC 3161 unsigned framing (same facts); by failed check: ${[...byCheck].map(([k, v]) => `${k} ${v}`).join(', ')}`);
});
