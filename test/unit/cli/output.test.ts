import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatVerify } from '../../../electron/cli/output.js';
import type { VerifyResult } from '../../../electron/engine/verify.js';
import type { SignatureReport } from '../../../electron/engine/cosign/verdict.js';

const FP = 'SHA256:fc73d0ffd7e2e0640bab5c89676fdad8a231cdb00bd6086846091768fefb2555';
const signature = (over: Partial<SignatureReport>): SignatureReport => ({
  status: 'invalid', ok: false, payloadDigest: `sha256:${'a'.repeat(64)}`, reasons: ['The signature does not verify.'], ...over,
});
const result = (s: SignatureReport): VerifyResult => ({
  image: 'r.example/app:v1', digest: `sha256:${'b'.repeat(64)}`, verdict: s.status === 'verified' ? 'verified' : 'invalid', message: 'm', signers: [], signatures: [s],
});

test('a key the signature only claims is shown as a claim, not as its signer', () => {
  const out = formatVerify(result(signature({ keyName: 'alice', keyFingerprint: FP, keyClaimed: true })), false);
  assert.match(out, /signature 1: invalid — claims alice \(SHA256:fc73d0ffd7e2e064…?\), but does not verify with it/);
});

test('a key that verified is named plainly; no key says so', () => {
  assert.match(formatVerify(result(signature({ status: 'verified', ok: true, keyName: 'alice', keyFingerprint: FP })), true), /signature 1: verified — alice \(SHA256:fc73d0ffd7e2e064/);
  assert.doesNotMatch(formatVerify(result(signature({ status: 'verified', ok: true, keyName: 'alice', keyFingerprint: FP })), true), /claims/);
  assert.match(formatVerify(result(signature({ status: 'unknown-key' })), false), /signature 1: unknown-key — no trusted key/);
});
