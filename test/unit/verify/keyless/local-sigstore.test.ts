// Fresh keyless signatures from a local Sigstore made in the test (@sigstore/mock: a CA with a CT
// log, a Rekor-like log, a TSA; test/helpers/sigstore-stack.ts), in both forms Signet reads: the
// cosign `.sig` layer and a Sigstore bundle (Rekor v1, and Rekor v2 with an RFC 3161 timestamp).
// They verify by identity; then each of the issue's failures is not verified, with its reason.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Digest } from '../../../../electron/engine/content/digest.js';
import type { KeylessEvidence } from '../../../../electron/engine/verify/keyless/verify-keyless.js';
import type { KeylessResult } from '../../../../electron/engine/verify/keyless/keyless-result.js';
import { checkKeySignatureLogEntries } from '../../../../electron/engine/verify/keyless/key-log-entries.js';
import { sigLayerMaterial, type SigLayer } from '../../../../electron/engine/verify/keyless/sig-layer-material.js';
import { Verifier, VerificationError, toSignedEntity } from '@sigstore/verify';
import {
  startSigstoreStack, keylessSigLayer, keylessBundle, keySignedSigLayer, imagePayload, ecKey, cosignStatement, signBundle,
  GITHUB_ACTIONS_ISSUER, RELEASE_WORKFLOW, type SigstoreStack, type SigningOptions, type BundleOptions,
} from '../../../helpers/sigstore-stack.js';
import { check, trusting } from '../../../helpers/keyless-check.js';

const DIGEST = `sha256:${'1a'.repeat(32)}` as Digest;
const OTHER = `sha256:${'2b'.repeat(32)}` as Digest;
const REPO = 'registry.test/acme/app';
const releasePipeline = trusting({ regexp: 'https://github\\.com/acme/app/\\.github/workflows/release\\.yml@refs/tags/v.*' }, GITHUB_ACTIONS_ISSUER, 'Release pipeline');

let stack: SigstoreStack;
before(async () => { stack = await startSigstoreStack(); });

const sig = async (o: SigningOptions = {}): Promise<KeylessEvidence> => ({ form: 'sig', layer: await keylessSigLayer(stack, DIGEST, REPO, o) });
const bundle = async (o: BundleOptions = {}): Promise<KeylessEvidence> => ({ form: 'bundle', bundle: await keylessBundle(stack, DIGEST, REPO, o) });
const verify = (e: KeylessEvidence, ids = releasePipeline, digest: string = DIGEST): KeylessResult => check(e, stack.trustedRoot, ids, digest);

function failed(r: KeylessResult, status: 'invalid' | 'could-not-check', checkName: string, reason: RegExp, what: string): void {
  assert.equal(r.status, status, `${what}: ${JSON.stringify(r)}`);
  if (r.status !== 'invalid' && r.status !== 'could-not-check') return;
  assert.equal(r.check, checkName, `${what}: ${r.reason}`);
  assert.match(r.reason, reason, what);
}

test('fresh keyless signatures verify by identity in both forms: .sig (with chain and RFC 3161 timestamp), bundle with Rekor v1, bundle with Rekor v2', async () => {
  const forms: Array<[string, KeylessEvidence, string[], Array<'promise' | 'proof'>]> = [
    ['.sig', await sig({ chain: true, timestamp: true }), ['transparency-log', 'timestamp-authority'], ['promise']],
    ['bundle, Rekor v1', await bundle(), ['transparency-log'], ['promise', 'proof']],
    ['bundle, Rekor v2', await bundle({ rekor: 'v2' }), ['timestamp-authority'], ['proof']],
  ];
  for (const [name, evidence, sources, inclusion] of forms) {
    const r = verify(evidence);
    assert.equal(r.status, 'verified', `${name}: ${JSON.stringify(r)}`);
    if (r.status !== 'verified') continue;
    assert.deepEqual(r.matched, { index: 0, name: 'Release pipeline' });
    assert.equal(r.facts.identity, RELEASE_WORKFLOW);
    assert.equal(r.facts.issuer, GITHUB_ACTIONS_ISSUER);
    assert.deepEqual(r.facts.extensions, {
      githubWorkflowRepository: 'acme/app',
      buildSignerURI: RELEASE_WORKFLOW,
      runnerEnvironment: 'github-hosted',
      sourceRepositoryURI: 'https://github.com/acme/app',
      sourceRepositoryDigest: '6f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c',
      sourceRepositoryRef: 'refs/tags/v1.4',
      buildTrigger: 'push',
      runInvocationURI: 'https://github.com/acme/app/actions/runs/42/attempts/1',
    }, name);
    assert.deepEqual(r.facts.timestamps.map((t) => t.source), sources, name);
    assert.deepEqual(r.facts.logEntries.map((e) => e.inclusion), [inclusion], name);
    assert.ok(Math.abs(Date.parse(r.facts.signedAt) - Date.now()) < 120_000, `${name}: signed just now`);
    assert.equal(r.facts.subject.digest, DIGEST);
    assert.equal(r.facts.logEntries[0]!.integratedTime === undefined, name === 'bundle, Rekor v2', 'a Rekor v2 entry has no verified integrated time');
  }
  const b = verify(await bundle());
  assert.equal(b.status === 'verified' ? b.facts.subject.predicateType : '', 'https://sigstore.dev/cosign/sign/v1');
  assert.equal(b.status === 'verified' ? b.facts.subject.subjectName : '', REPO);
});

test('the issuer is read from OID .1.8, else the older .1.1 (2022 certificates)', async () => {
  const legacy = { identity: 'dev@acme.example', issuer: 'https://accounts.acme.example', legacyIssuer: true };
  const r = verify(await sig({ signer: legacy }), trusting('dev@acme.example', 'https://accounts.acme.example'));
  assert.equal(r.status, 'verified', JSON.stringify(r));
  assert.equal(r.status === 'verified' ? r.facts.issuer : '', 'https://accounts.acme.example');
});

test('a certificate from a CA the trusted root does not have: invalid (certificate-chain), for both forms', async () => {
  for (const e of [await sig({ ca: stack.untrustedCa }), await bundle({ ca: stack.untrustedCa })]) {
    failed(verify(e), 'invalid', 'certificate-chain', /not issued by a Fulcio CA of the trusted root/, e.form);
  }
});

test('a certificate that had expired when the entry was logged: invalid (certificate-validity), naming both times', async () => {
  for (const e of [await sig({ ca: stack.staleCa }), await bundle({ ca: stack.staleCa })]) {
    failed(verify(e), 'invalid', 'certificate-validity', /The certificate was valid from .* to .*, but the signature's verified time is .*: it was used after it expired/, e.form);
  }
});

test('a missing SET: no log entry at all is could-not-check (no verified time offline); an entry without its SET is invalid or, with only a proof, could-not-check', async () => {
  failed(verify(await sig({ tlog: 'none' })), 'could-not-check', 'log-missing', /no transparency-log entry .* cannot be verified offline/, '.sig without a Rekor bundle');
  failed(verify(await bundle({ tlog: 'none' })), 'could-not-check', 'log-missing', /no transparency-log entry/, 'bundle without entries');

  const s = await sig();
  if (s.form !== 'sig') return;
  const rekor = JSON.parse(s.layer.annotations['dev.sigstore.cosign/bundle']!);
  delete rekor.SignedEntryTimestamp;
  failed(verify({ form: 'sig', layer: { ...s.layer, annotations: { ...s.layer.annotations, 'dev.sigstore.cosign/bundle': JSON.stringify(rekor) } } }),
    'invalid', 'log-inclusion', /no signed entry timestamp \(SET\)/, '.sig Rekor bundle without its SET');

  const b = await bundle();
  if (b.form !== 'bundle') return;
  const noPromise = structuredClone(b.bundle) as any;
  delete noPromise.verificationMaterial.tlogEntries[0].inclusionPromise;
  failed(verify({ form: 'bundle', bundle: noPromise }), 'could-not-check', 'log-missing', /has no signed entry timestamp \(SET\) and there is no RFC 3161 timestamp/, 'bundle entry with a proof but no SET');
});

test('a forged SET: invalid (log-inclusion); a forged later time is reported as the forged SET it is, not as an expired certificate', async () => {
  const s = await sig();
  if (s.form !== 'sig') return;
  const rekor = JSON.parse(s.layer.annotations['dev.sigstore.cosign/bundle']!);
  const forge = (f: (r: any) => void): KeylessEvidence => {
    const r = structuredClone(rekor);
    f(r);
    return { form: 'sig', layer: { ...s.layer, annotations: { ...s.layer.annotations, 'dev.sigstore.cosign/bundle': JSON.stringify(r) } } };
  };
  const flipped = (b64: string) => { const b = Buffer.from(b64, 'base64'); b[b.length - 5]! ^= 1; return b.toString('base64'); };
  failed(verify(forge((r) => { r.SignedEntryTimestamp = flipped(r.SignedEntryTimestamp); })), 'invalid', 'log-inclusion', /SET\) is not the log's signature/, 'SET bytes');
  const later = forge((r) => { r.Payload.integratedTime += 3600; });
  failed(verify(later), 'invalid', 'log-inclusion', /SET\) is not the log's signature/, 'integrated time an hour later');
  // @sigstore/verify alone checks the certificate at the (forged) time before the SET: its answer is the expired certificate.
  const m = sigLayerMaterial((later as { layer: SigLayer }).layer);
  assert.throws(() => new Verifier(stack.trustedRoot.material).verify(toSignedEntity(m.bundle, m.signed.payload)), (e: unknown) => e instanceof VerificationError && e.code === 'CERTIFICATE_ERROR');
  failed(verify(forge((r) => { r.Payload.logIndex += 1; })), 'invalid', 'log-inclusion', /SET\) is not the log's signature/, 'log index');
});

test('an entry by a log the trusted root does not have: invalid (log-unknown), for .sig, bundle v1 and bundle v2', async () => {
  for (const e of [await sig({ tlog: stack.unknownTlog }), await bundle({ tlog: stack.unknownTlog }), await bundle({ tlog: stack.unknownTlog, rekor: 'v2' })]) {
    failed(verify(e), 'invalid', 'log-unknown', /from a log the trusted root does not have/, e.form);
  }
});

test('a log entry for another signature: invalid (log-body); for the same signature by another certificate: invalid too (the check @sigstore/verify does not make)', async () => {
  for (const e of [await sig({ logAnotherSignature: true }), await bundle({ logAnotherSignature: true }), await bundle({ logAnotherSignature: true, rekor: 'v2' })]) {
    failed(verify(e), 'invalid', 'log-body', /is for another signature or payload/, e.form);
  }
  failed(verify(await sig({ logAnotherCertificate: true })), 'invalid', 'log-body', /is for another certificate/, '.sig logged with another certificate');
});

test('a stored chain that is not the trusted root\'s: invalid (certificate-chain), though the trusted root\'s chain verifies the certificate', async () => {
  assert.equal(verify(await sig({ chain: true })).status, 'verified');
  failed(verify(await sig({ chainOf: stack.untrustedCa })), 'invalid', 'certificate-chain', /chain stored with the signature is not a chain of the trusted root/, 'foreign chain');
});

test('an identity that only matches unanchored: signed by an unknown identity, naming the identity and issuer it has', async () => {
  for (const e of [await sig(), await bundle()]) {
    for (const ids of [trusting('acme', GITHUB_ACTIONS_ISSUER), trusting({ regexp: 'acme/app' }, GITHUB_ACTIONS_ISSUER), trusting({ regexp: 'https://github\\.com/acme/app/' }, GITHUB_ACTIONS_ISSUER), trusting(RELEASE_WORKFLOW, 'token.actions.githubusercontent.com')]) {
      const r = verify(e, ids);
      assert.equal(r.status, 'unknown-identity', `${e.form}: ${ids[0]!.description}`);
      assert.match(r.status === 'unknown-identity' ? r.reason : '', /^Signed by identity "https:\/\/github\.com\/acme\/app\/\.github\/workflows\/release\.yml@refs\/.*from issuer "https:\/\/token\.actions\.githubusercontent\.com"; no trusted identity matches it/);
    }
  }
  const none = verify(await sig(), []);
  assert.equal(none.status, 'unknown-identity');
  assert.match(none.status === 'unknown-identity' ? none.reason : '', /which is not a trusted identity/);
});

test('a payload or statement for another digest: invalid (subject)', async () => {
  failed(verify(await sig(), releasePipeline, OTHER), 'invalid', 'subject', new RegExp(`for the image ${DIGEST}, not ${OTHER}`), '.sig');
  failed(verify(await bundle(), releasePipeline, OTHER), 'invalid', 'subject', new RegExp(`statement is about sha256:${DIGEST.slice(7)}, not ${OTHER}`), 'bundle');
  const notInToto = { form: 'bundle' as const, bundle: await signBundle(stack, cosignStatement(DIGEST, REPO)) };
  (notInToto.bundle as any).dsseEnvelope.payloadType = 'text/plain';
  assert.notEqual(verify(notInToto).status, 'verified', 'the payload type is signed: changing it breaks the signature');
});

test('key signatures with log entries: "logged at, entry"; an entry that fails is invalid; none is fine', async () => {
  const key = ecKey();
  const payload = imagePayload(DIGEST, REPO);
  const ok = checkKeySignatureLogEntries({ form: 'sig', layer: await keySignedSigLayer(stack, payload, key) }, key.publicKey, stack.trustedRoot);
  assert.equal(ok.status, 'logged', JSON.stringify(ok));
  if (ok.status === 'logged') {
    assert.equal(ok.logEntries.length, 1);
    assert.match(ok.logEntries[0]!.index, /^\d+$/);
    assert.equal(ok.loggedAt, ok.logEntries[0]!.integratedTime);
    assert.ok(Math.abs(Date.parse(ok.loggedAt!) - Date.now()) < 120_000);
  }
  assert.deepEqual(checkKeySignatureLogEntries({ form: 'sig', layer: await keySignedSigLayer(stack, payload, key, { tlog: 'none' }) }, key.publicKey, stack.trustedRoot), { status: 'not-logged' });
  const failures: Array<[string, ReturnType<typeof checkKeySignatureLogEntries>, string, RegExp]> = [
    ['another signature', checkKeySignatureLogEntries({ form: 'sig', layer: await keySignedSigLayer(stack, payload, key, { logAnotherSignature: true }) }, key.publicKey, stack.trustedRoot), 'log-body', /another signature or payload/],
    ['an unknown log', checkKeySignatureLogEntries({ form: 'sig', layer: await keySignedSigLayer(stack, payload, key, { tlog: stack.unknownTlog }) }, key.publicKey, stack.trustedRoot), 'log-unknown', /does not have/],
    ['another key', checkKeySignatureLogEntries({ form: 'sig', layer: await keySignedSigLayer(stack, payload, key) }, ecKey().publicKey, stack.trustedRoot), 'log-body', /for another key/],
  ];
  const forged = await keySignedSigLayer(stack, payload, key);
  const rekor = JSON.parse(forged.annotations['dev.sigstore.cosign/bundle']!);
  rekor.Payload.integratedTime -= 86_400;
  failures.push(['a forged time', checkKeySignatureLogEntries({ form: 'sig', layer: { ...forged, annotations: { ...forged.annotations, 'dev.sigstore.cosign/bundle': JSON.stringify(rekor) } } }, key.publicKey, stack.trustedRoot), 'log-inclusion', /SET/]);
  for (const [what, r, checkName, reason] of failures) {
    assert.equal(r.status, 'invalid', what);
    if (r.status !== 'invalid') continue;
    assert.equal(r.check, checkName, what);
    assert.match(r.reason, reason, what);
  }
});

test('key-signed bundles (cosign v3 `sign --key`) with Rekor v1 and v2 entries: logged; an unknown log or another signature\'s entry is invalid', async () => {
  const key = ecKey();
  const statement = cosignStatement(DIGEST, REPO);
  for (const rekor of ['v1', 'v2'] as const) {
    const ok = checkKeySignatureLogEntries({ form: 'bundle', bundle: await signBundle(stack, statement, { key, rekor }) }, key.publicKey, stack.trustedRoot);
    assert.equal(ok.status, 'logged', `${rekor}: ${JSON.stringify(ok)}`);
    if (ok.status === 'logged') {
      assert.deepEqual(ok.logEntries.map((e) => e.kind), [rekor === 'v1' ? 'dsse 0.0.1' : 'dsse 0.0.2']);
      assert.ok(ok.loggedAt !== undefined, `${rekor}: a verified time (SET, or the RFC 3161 timestamp for v2)`);
    }
    const unknown = checkKeySignatureLogEntries({ form: 'bundle', bundle: await signBundle(stack, statement, { key, rekor, tlog: stack.unknownTlog }) }, key.publicKey, stack.trustedRoot);
    assert.equal(unknown.status === 'invalid' ? unknown.check : unknown.status, 'log-unknown', rekor);
    const other = checkKeySignatureLogEntries({ form: 'bundle', bundle: await signBundle(stack, statement, { key, rekor, logAnotherSignature: true }) }, key.publicKey, stack.trustedRoot);
    assert.equal(other.status === 'invalid' ? other.check : other.status, 'log-body', rekor);
  }
  const none = checkKeySignatureLogEntries({ form: 'bundle', bundle: await signBundle(stack, statement, { key, tlog: 'none' }) }, key.publicKey, stack.trustedRoot);
  assert.deepEqual(none, { status: 'not-logged' });
});
