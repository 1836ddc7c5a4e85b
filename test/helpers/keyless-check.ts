// Short ways to run the keyless core in tests: trusted identities from (identity, issuer) pairs,
// and a trusted root from text.
import { compileIdentityPolicy, type CompiledIdentityPolicy, type StringMatch } from '../../electron/engine/verify/keyless/identity-policy.js';
import { parseTrustedRoot, type LoadedTrustedRoot } from '../../electron/engine/trust/trusted-root/trusted-root.js';
import { verifyKeylessSignature, type KeylessEvidence } from '../../electron/engine/verify/keyless/verify-keyless.js';
import type { KeylessResult } from '../../electron/engine/verify/keyless/keyless-result.js';
import type { Digest } from '../../electron/engine/content/digest.js';

const match = (v: string | { regexp: string }): StringMatch => (typeof v === 'string' ? { exact: v } : v);

export function trusting(identity: string | { regexp: string }, issuer: string | { regexp: string }, name = 'trusted'): CompiledIdentityPolicy[] {
  return [compileIdentityPolicy({ name, identity: match(identity), issuer: match(issuer) })];
}

export function rootFromText(text: string, what = 'test root'): LoadedTrustedRoot {
  return parseTrustedRoot(text, what, { kind: 'file', path: what, modified: '2026-12-05T00:00:00.000Z' });
}

export function check(evidence: KeylessEvidence, trustedRoot: LoadedTrustedRoot, identities: CompiledIdentityPolicy[], subjectDigest: string): KeylessResult {
  return verifyKeylessSignature(evidence, { trustedRoot, identities, subjectDigest: subjectDigest as Digest });
}
