// Real keyless signatures from Sigstore's public-good instance, verified offline against its
// trusted root (../shared/fixtures/keyless, read its README): the containers/image `.sig` layer
// (mitr@redhat.com, 2023, Rekor SET) and cosign's v3 bundle (cody@soyland.com, 2025, DSSE, SET and
// inclusion proof). Right identity and issuer: verified. Wrong identity, wrong issuer, an identity
// that matches only unanchored, a trusted root without their CA or their log: not verified, each
// with its reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Verifier, toSignedEntity } from '@sigstore/verify';
import { shippedTrustedRoot } from '../../../../electron/engine/trust/trusted-root/trusted-root-store.js';
import { sigLayerMaterial } from '../../../../electron/engine/verify/keyless/sig-layer-material.js';
import type { KeylessEvidence } from '../../../../electron/engine/verify/keyless/verify-keyless.js';
import {
  containersImageSigLayer, cosignAttestationBundle, CONTAINERS_IMAGE_DIGEST, COSIGN_BUNDLE_DIGEST, GITHUB_OAUTH,
  publicGoodRootText, readKeylessFixture, trimmedRoot,
} from '../../../helpers/keyless-fixtures.js';
import { check, rootFromText, trusting } from '../../../helpers/keyless-check.js';

const root = shippedTrustedRoot();
const sig: KeylessEvidence = { form: 'sig', layer: containersImageSigLayer() };
const bundle: KeylessEvidence = { form: 'bundle', bundle: cosignAttestationBundle() };
const cases = [
  { name: 'containers/image .sig', evidence: sig, digest: CONTAINERS_IMAGE_DIGEST, identity: 'mitr@redhat.com', fragment: 'redhat' },
  { name: 'cosign v3 bundle', evidence: bundle, digest: COSIGN_BUNDLE_DIGEST, identity: 'cody@soyland.com', fragment: 'soyland' },
] as const;

test('the containers/image keyless .sig verifies with its identity and issuer, with the facts of its certificate and Rekor entry', () => {
  const r = check(sig, root, trusting('mitr@redhat.com', GITHUB_OAUTH, 'Miloslav'), CONTAINERS_IMAGE_DIGEST);
  assert.equal(r.status, 'verified', JSON.stringify(r));
  if (r.status !== 'verified') return;
  assert.deepEqual(r.matched, { index: 0, name: 'Miloslav' });
  assert.equal(r.facts.identity, 'mitr@redhat.com');
  assert.equal(r.facts.issuer, GITHUB_OAUTH, 'read from the old OID 1.3.6.1.4.1.57264.1.1, the only one this certificate has');
  assert.deepEqual(r.facts.logEntries, [{
    logId: 'c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d', baseUrl: 'https://rekor.sigstore.dev',
    index: '11605770', integratedTime: '2023-01-20T20:51:33.000Z', inclusion: ['promise'], kind: 'hashedrekord 0.0.1',
  }]);
  assert.equal(r.facts.signedAt, '2023-01-20T20:51:33.000Z');
  assert.deepEqual(r.facts.subject, { digest: CONTAINERS_IMAGE_DIGEST, format: 'simple-signing', dockerReference: '192.168.64.2:5000/cosign-signed/fulcio-rekor-1' });
  assert.deepEqual([r.facts.certificate.notBefore, r.facts.certificate.notAfter], ['2023-01-20T20:51:31.000Z', '2023-01-20T21:01:31.000Z']);
});

test('the cosign v3 bundle verifies with its identity and issuer: DSSE statement bound to its digest, SET and inclusion proof both checked', () => {
  const r = check(bundle, root, trusting('cody@soyland.com', GITHUB_OAUTH), COSIGN_BUNDLE_DIGEST);
  assert.equal(r.status, 'verified', JSON.stringify(r));
  if (r.status !== 'verified') return;
  assert.equal(r.facts.logEntries[0]!.index, '175508996');
  assert.deepEqual(r.facts.logEntries[0]!.inclusion, ['promise', 'proof']);
  assert.equal(r.facts.logEntries[0]!.kind, 'dsse 0.0.1');
  assert.equal(r.facts.signedAt, '2025-02-28T19:18:11.000Z');
  assert.deepEqual(r.facts.subject, { digest: COSIGN_BUNDLE_DIGEST, format: 'in-toto', predicateType: 'https://cosign.sigstore.dev/attestation/v1', subjectName: '127.0.0.1:60943/repo' });
  // The trimmed root cosign's own tests verify it with works too.
  assert.equal(check(bundle, rootFromText(readKeylessFixture('cosign-trusted_root_pgi.json').toString()), trusting('cody@soyland.com', GITHUB_OAUTH), COSIGN_BUNDLE_DIGEST).status, 'verified');
});

test('a wrong identity, a wrong issuer, an identity that only matches unanchored: signed by an unknown identity, naming what the certificate has', () => {
  for (const c of cases) {
    const attempts = [
      trusting('alice@example.com', GITHUB_OAUTH),
      trusting(c.identity, 'https://accounts.google.com'),
      trusting(c.fragment, GITHUB_OAUTH),
      trusting({ regexp: c.fragment }, GITHUB_OAUTH),
      trusting(c.identity, 'github.com'),
      trusting(c.identity, { regexp: 'github\\.com' }),
      trusting(`${c.identity}x`, GITHUB_OAUTH),
      trusting(`x${c.identity}`, GITHUB_OAUTH),
    ];
    for (const ids of attempts) {
      const r = check(c.evidence, root, ids, c.digest);
      assert.equal(r.status, 'unknown-identity', `${c.name}: ${ids[0]!.description}`);
      if (r.status !== 'unknown-identity') continue;
      assert.match(r.reason, new RegExp(`Signed by identity "${c.identity}" from issuer "${GITHUB_OAUTH.replace(/[./]/g, '\\$&')}"; no trusted identity matches it`));
    }
    // An anchored expression for the whole identity does match.
    assert.equal(check(c.evidence, root, trusting({ regexp: `[a-z]+@${c.fragment}\\.com` }, { regexp: 'https://github\\.com/login/oauth' }), c.digest).status, 'verified');
  }
});

test('@sigstore/verify itself takes a plain string SAN as an unanchored expression: "redhat" passes its policy check (what Signet\'s anchoring prevents)', () => {
  const material = sigLayerMaterial(containersImageSigLayer());
  const entity = toSignedEntity(material.bundle, material.signed.kind === 'message' ? material.signed.payload : undefined);
  assert.doesNotThrow(() => new Verifier(root.material).verify(entity, { subjectAlternativeName: 'redhat', extensions: { issuer: GITHUB_OAUTH } }));
  assert.equal(check(sig, root, trusting('redhat', GITHUB_OAUTH), CONTAINERS_IMAGE_DIGEST).status, 'unknown-identity');
});

test('a trusted root without their Fulcio CA: invalid, the certificate chain', () => {
  const noCurrentCa = rootFromText(trimmedRoot(publicGoodRootText(), (list, e) => !(list === 'certificateAuthorities' && JSON.stringify(e).includes('2022-04-13'))));
  const noCa = rootFromText(trimmedRoot(publicGoodRootText(), (list) => list !== 'certificateAuthorities'));
  for (const c of cases) {
    for (const r of [check(c.evidence, noCurrentCa, trusting(c.identity, GITHUB_OAUTH), c.digest), check(c.evidence, noCa, trusting(c.identity, GITHUB_OAUTH), c.digest)]) {
      assert.equal(r.status, 'invalid', c.name);
      if (r.status !== 'invalid') continue;
      assert.equal(r.check, 'certificate-chain');
      assert.match(r.reason, /no Fulcio CA that was valid at the signature's verified time/);
      assert.deepEqual(r.claimed, { identity: c.identity, issuer: GITHUB_OAUTH }, 'what it claims, for the message');
    }
  }
});

test('a trusted root without their Rekor log: invalid, an entry by a log the trusted root does not have', () => {
  const noRekorV1 = rootFromText(trimmedRoot(publicGoodRootText(), (list, e) => !(list === 'tlogs' && e['baseUrl'] === 'https://rekor.sigstore.dev')));
  for (const c of cases) {
    const r = check(c.evidence, noRekorV1, trusting(c.identity, GITHUB_OAUTH), c.digest);
    assert.equal(r.status, 'invalid', c.name);
    if (r.status !== 'invalid') continue;
    assert.equal(r.check, 'log-unknown');
    assert.match(r.reason, /from a log the trusted root does not have \(log ID c0d23d6ad406973f/);
  }
});

test('a signature for another image: invalid, naming the digest it was made for', () => {
  const a = check(sig, root, trusting('mitr@redhat.com', GITHUB_OAUTH), COSIGN_BUNDLE_DIGEST);
  assert.equal(a.status, 'invalid');
  assert.match(a.status === 'invalid' ? a.reason : '', /for the image sha256:0489474d.* not sha256:73211227.*another image/);
  const b = check(bundle, root, trusting('cody@soyland.com', GITHUB_OAUTH), CONTAINERS_IMAGE_DIGEST);
  assert.equal(b.status, 'invalid');
  assert.equal(b.status === 'invalid' ? b.check : '', 'subject');
});
