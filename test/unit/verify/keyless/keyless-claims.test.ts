// Claims in keyless evidence that @sigstore/verify does not hold to, and Signet does (each found by
// the mutation matrix): an inclusion proof's own tree size and root hash against its signed
// checkpoint, a Rekor v2 entry's log ID and index, an RFC 3161 response's status. Then the bounds on
// what one signature may carry, and each function refusing the other kind of signature.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { Verifier, toSignedEntity } from '@sigstore/verify';
import { bundleFromJSON } from '@sigstore/bundle';
import { shippedTrustedRoot } from '../../../../electron/engine/trust/trusted-root/trusted-root-store.js';
import { checkKeySignatureLogEntries } from '../../../../electron/engine/verify/keyless/key-log-entries.js';
import type { KeylessResult } from '../../../../electron/engine/verify/keyless/keyless-result.js';
import { cosignAttestationBundle, COSIGN_BUNDLE_DIGEST, GITHUB_OAUTH } from '../../../helpers/keyless-fixtures.js';
import { check, trusting } from '../../../helpers/keyless-check.js';
import { startSigstoreStack, keylessBundle, keylessSigLayer, keySignedSigLayer, imagePayload, ecKey, GITHUB_ACTIONS_ISSUER, RELEASE_WORKFLOW, type SigstoreStack } from '../../../helpers/sigstore-stack.js';

const DIGEST = `sha256:${'4d'.repeat(32)}`;
let stack: SigstoreStack;
before(async () => { stack = await startSigstoreStack(); });
const release = () => trusting(RELEASE_WORKFLOW, GITHUB_ACTIONS_ISSUER);

function failure(r: KeylessResult | ReturnType<typeof checkKeySignatureLogEntries>, status: string, checkName: string, reason: RegExp): void {
  assert.equal(r.status, status, JSON.stringify(r));
  assert.equal('check' in r ? r.check : undefined, checkName);
  assert.match('reason' in r ? r.reason : '', reason);
}

test('an inclusion proof whose tree size or root hash is not its checkpoint\'s: @sigstore/verify accepts it, Signet does not', () => {
  const original = cosignAttestationBundle() as any;
  for (const change of [(p: any) => { p.rootHash = Buffer.alloc(32, 7).toString('base64'); }, (p: any) => { p.treeSize = String(BigInt(p.treeSize) + 1n); }]) {
    const b = structuredClone(original);
    change(b.verificationMaterial.tlogEntries[0].inclusionProof);
    assert.doesNotThrow(() => new Verifier(shippedTrustedRoot().material).verify(toSignedEntity(bundleFromJSON(b))), 'the library alone');
    failure(check({ form: 'bundle', bundle: b }, shippedTrustedRoot(), trusting('cody@soyland.com', GITHUB_OAUTH), COSIGN_BUNDLE_DIGEST),
      'invalid', 'log-inclusion', /tree size or root hash is not the one its signed checkpoint states/);
  }
});

test('a Rekor v2 entry (proof only) must name the log that signed its checkpoint, and the index its proof proves', async () => {
  const b = await keylessBundle(stack, DIGEST as never, 'registry.test/app', { rekor: 'v2' }) as any;
  assert.equal(check({ form: 'bundle', bundle: b }, stack.trustedRoot, release(), DIGEST).status, 'verified');
  const otherId = structuredClone(b);
  otherId.verificationMaterial.tlogEntries[0].logId.keyId = Buffer.alloc(32, 9).toString('base64');
  failure(check({ form: 'bundle', bundle: otherId }, stack.trustedRoot, release(), DIGEST), 'invalid', 'log-unknown', /from a log the trusted root does not have/);
  const otherIndex = structuredClone(b);
  otherIndex.verificationMaterial.tlogEntries[0].logIndex = '41';
  failure(check({ form: 'bundle', bundle: otherIndex }, stack.trustedRoot, release(), DIGEST), 'invalid', 'log-inclusion', /says it is entry 41, but its inclusion proof is for entry 0/);
});

test('an RFC 3161 response that is not granted does not count, whatever token it carries', async () => {
  const layer = await keylessSigLayer(stack, DIGEST as never, 'registry.test/app', { timestamp: true });
  const ts = Buffer.from(JSON.parse(layer.annotations['dev.sigstore.cosign/rfc3161timestamp']!).SignedRFC3161Timestamp, 'base64');
  // TimeStampResp ::= SEQUENCE { status PKIStatusInfo ::= SEQUENCE { status INTEGER (0 = granted) } ... }: 30 82 LL LL 30 03 02 01 00
  const at = ts.indexOf(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x00]));
  assert.ok(at > 0 && at < 8, 'the status is where RFC 3161 puts it');
  const rejected = Buffer.from(ts);
  rejected[at + 4] = 2; // rejection
  const annotations = { ...layer.annotations, 'dev.sigstore.cosign/rfc3161timestamp': JSON.stringify({ SignedRFC3161Timestamp: rejected.toString('base64') }) };
  failure(check({ form: 'sig', layer: { ...layer, annotations } }, stack.trustedRoot, release(), DIGEST), 'invalid', 'timestamp', /not a granted timestamp/);
});

test('bounds: more log entries, timestamps or chain certificates than Signet reads is could-not-check, before any is verified', async () => {
  const b = await keylessBundle(stack, DIGEST as never, 'registry.test/app') as any;
  const many = structuredClone(b);
  const entry = many.verificationMaterial.tlogEntries[0];
  many.verificationMaterial.tlogEntries = Array.from({ length: 9 }, () => entry);
  failure(check({ form: 'bundle', bundle: many }, stack.trustedRoot, release(), DIGEST), 'could-not-check', 'limit', /carries 9 transparency-log entries; Signet reads at most 8/);
  const layer = await keylessSigLayer(stack, DIGEST as never, 'registry.test/app', { chain: true });
  const chain = layer.annotations['dev.sigstore.cosign/chain']!;
  const long = { ...layer, annotations: { ...layer.annotations, 'dev.sigstore.cosign/chain': chain.repeat(9) } };
  failure(check({ form: 'sig', layer: long }, stack.trustedRoot, release(), DIGEST), 'could-not-check', 'limit', /holds more than 8 certificates/);
});

test('a key signature is not keyless evidence, and keyless evidence is not a key signature\'s log entry', async () => {
  const key = ecKey();
  const keyLayer = await keySignedSigLayer(stack, imagePayload(DIGEST as never, 'registry.test/app'), key);
  failure(check({ form: 'sig', layer: keyLayer }, stack.trustedRoot, release(), DIGEST), 'invalid', 'material', /carries no certificate: it is a key signature/);
  const keyless = await keylessSigLayer(stack, DIGEST as never, 'registry.test/app');
  failure(checkKeySignatureLogEntries({ form: 'sig', layer: keyless }, key.publicKey, stack.trustedRoot), 'invalid', 'material', /carries a certificate: it is keyless/);
});
