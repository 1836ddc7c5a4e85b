/**
 * The checks of one bundle against the image asked about and the trusted keys: the same rules,
 * in the same order and words, as a cosign `.sig` signature (cosign/verdict.ts evaluateSignature),
 * over the bundle's evidence instead of a simple-signing payload. Nothing is *verified* unless
 * every check passed: the signature over the DSSE PAE verifies with a trusted key, the
 * statement's subject names this image's digest, its `name` (when present) this repository,
 * and it carries every required annotation.
 *
 * Only a statement with cosign's sign predicate is a signature. Any other predicate is an
 * attestation: it gets the same checks, for display, under `attestation`, a field no verdict
 * reads, so it can never make an image verified.
 *
 * Until verify/ takes evidence from every format, this is how a bundle becomes a report.
 */
import type { Digest } from '../../content/digest.js';
import { parseReference, repositoryName } from '../../content/reference.js';
import { PUBLIC_KEY_ALGORITHMS } from '../../keys/algorithms.js';
import { signatureEncodingProblem } from '../../keys/signature-encoding.js';
import { describeScheme, findSigner, type SignatureScheme } from '../../keys/verify-signature.js';
import { keysInTryOrder, shortFingerprint, type ImageUnderTest, type SignatureReport, type SignatureStatus, type TrustedKey, type VerifyPolicy } from '../../cosign/verdict.js';
import { quoted, quotedValue } from '../../../../shared/printable.js';
import type { BundleEvidenceRead } from './read-evidence.js';
import { describeSubjects, type StatementSubject } from './statement.js';

export interface BundleReport extends SignatureReport {
  format: 'sigstore-bundle';
  /** The statement's predicate type (cosign's sign predicate for a signature); absent when unreadable. */
  predicateType?: string;
  /** Whether the statement names the repository it was signed for (Signet's bundles do, cosign's do not). */
  namesRepository?: boolean;
  /** Transparency-log entries the bundle carries: present, not checked. */
  transparencyLogEntries?: number;
}

export type BundleCheck =
  | { kind: 'signature'; signature: BundleReport }
  /** Never a signature: listed for inspect, never given to decideVerdict. */
  | { kind: 'attestation'; attestation: BundleReport };

export function checkBundle(read: BundleEvidenceRead, image: ImageUnderTest, policy: VerifyPolicy): BundleCheck {
  const reasons: string[] = [];
  const bundleDigest = read.ok ? read.evidence.bundleDigest : read.bundleDigest;
  const report = (status: SignatureStatus, extra: Partial<BundleReport> = {}): BundleReport =>
    ({ format: 'sigstore-bundle', status, ok: status === 'verified', payloadDigest: bundleDigest, reasons, ...extra });
  const signature = (status: SignatureStatus, extra: Partial<BundleReport> = {}): BundleCheck => ({ kind: 'signature', signature: report(status, extra) });

  if (!read.ok) {
    const signed = read.signed;
    const found = signed && signed.keyMaterial.kind === 'public-key'
      ? findSigner(keysInTryOrder(policy.keys, signed.keyMaterial.hintFingerprint), (k) => k.publicKey, signed.signedBytes, signed.signature)
      : null;
    reasons.push(found ? `The signature verifies with ${keyLabel(found.key)}, but ${lowerFirst(read.problem.reason)}` : read.problem.reason);
    return signature(found ? 'invalid' : read.problem.status, found ? keyFields(found.key, found.scheme) : {});
  }

  const { bundle, statement, referrer } = read.evidence;
  const kind = read.evidence.kind;
  const subjects = statement.subjects.filter((s) => s.sha256 === image.digest);
  const matching = subjects[0];
  const claims: Partial<BundleReport> = {
    predicateType: statement.predicateType,
    transparencyLogEntries: bundle.transparencyLog.entries,
    ...(matching?.name !== undefined ? { identity: matching.name } : {}),
    ...(matching?.annotations !== undefined ? { annotations: { ...matching.annotations } } : {}),
  };
  const done = (status: SignatureStatus, extra: Partial<BundleReport> = {}): BundleCheck => {
    const r = report(status, { ...claims, ...extra });
    return kind === 'signature' ? { kind, signature: r } : { kind, attestation: r };
  };

  reasons.push(`The bundle matches its digest: a Sigstore bundle v${bundle.version} holding a DSSE envelope of an in-toto statement${kind === 'attestation' ? ` with the predicate ${quoted(statement.predicateType)} (an attestation, never counted as a signature)` : ''}.`);
  if (referrer.subject.digest !== image.digest) {
    reasons.push(`Its referrer manifest refers to another image (${referrer.subject.digest}), not ${image.digest}: it was listed under the wrong image.`);
    return done('invalid');
  }
  if (bundle.keyMaterial.kind === 'certificate') {
    reasons.push('It is signed with a certificate (keyless signing), which Signet does not check yet; it is not a signature by a trusted key.');
    return done('unknown-key');
  }

  const hint = bundle.keyMaterial.hintFingerprint;
  const found = findSigner(keysInTryOrder(policy.keys, hint), (k) => k.publicKey, bundle.signedBytes, bundle.signature);
  if (!found) {
    const claimed = hint !== undefined ? policy.keys.find((k) => k.publicKey.fingerprint === hint) : undefined;
    if (claimed) {
      reasons.push(`It claims to be signed by ${keyLabel(claimed)} (its key hint), but the signature does not verify with that key: the statement or signature was altered, or it is forged.`);
      return done('invalid', { keyName: claimed.name, keyFingerprint: claimed.publicKey.fingerprint, keyClaimed: true });
    }
    if (matching === undefined) {
      reasons.push(madeForAnotherImage(statement.subjects, image.digest));
      return done('invalid');
    }
    const problems = PUBLIC_KEY_ALGORITHMS.map((a) => signatureEncodingProblem(a, bundle.signature));
    if (problems.every((p) => p !== null)) {
      reasons.push(`The signature is malformed: ${problems.join('; ')}. It was damaged or altered.`);
      return done('invalid');
    }
    reasons.push(policy.keys.length === 0
      ? 'There are no trusted keys to check it against: pass --key, or add the signer\'s key to the trust store.'
      : `It does not verify with any trusted key (tried ${policy.keys.length}: ${policy.keys.map((k) => k.name).join(', ')}). If it should be by one of them, it was altered; otherwise its signer's key is not trusted here.`);
    return done('unknown-key');
  }

  const fields = keyFields(found.key, found.scheme);
  reasons.push(`The signature verifies with ${keyLabel(found.key)} (${describeScheme(found.scheme)}).`);
  if (matching === undefined) {
    reasons.push(madeForAnotherImage(statement.subjects, image.digest));
    return done('invalid', fields);
  }
  if (subjects.some((s) => !sameClaims(s, matching))) {
    reasons.push('Its statement names this image more than once, with different names or annotations.');
    return done('invalid', fields);
  }
  reasons.push('Its statement names this image\'s digest.');

  if (matching.name === undefined) {
    reasons.push('It names no repository (cosign does not write one), so it would also verify for this image copied into another repository.');
  } else {
    let named: string | undefined;
    try {
      named = repositoryName(parseReference(matching.name));
    } catch {
      named = undefined;
    }
    if (named !== image.repository) {
      reasons.push(`It was signed for the repository ${named ?? quotedValue(matching.name)}, not ${image.repository}.`);
      return done('invalid', { ...fields, namesRepository: true });
    }
    reasons.push(`Its subject name ${quoted(matching.name)} matches the repository.`);
  }
  const repo = { namesRepository: matching.name !== undefined };

  for (const [k, v] of Object.entries(policy.requiredAnnotations ?? {})) {
    const have = matching.annotations?.[k];
    if (have !== v) {
      reasons.push(have === undefined ? `The required annotation ${k}=${v} is missing.` : `The annotation ${k} is ${quotedValue(have)}, but ${JSON.stringify(v)} is required.`);
      return done('invalid', { ...fields, ...repo });
    }
    reasons.push(`The annotation ${k}=${v} is present.`);
  }
  if (bundle.transparencyLog.entries > 0) {
    reasons.push(`It carries ${bundle.transparencyLog.entries} transparency-log entr${bundle.transparencyLog.entries === 1 ? 'y' : 'ies'}, not checked: a signature by a trusted key does not need one.`);
  }
  if (found.key.revokedAt) {
    reasons.push(`The key ${keyLabel(found.key)} was revoked on ${found.key.revokedAt}.`);
    return done('revoked', { ...fields, ...repo });
  }
  return done('verified', { ...fields, ...repo });
}

function madeForAnotherImage(subjects: readonly StatementSubject[], digest: Digest): string {
  return `It was made for another image: the statement names ${describeSubjects(subjects)}, this image is ${digest}.`;
}

function sameClaims(a: StatementSubject, b: StatementSubject): boolean {
  return a.name === b.name && JSON.stringify(a.annotations ?? null) === JSON.stringify(b.annotations ?? null);
}

function keyLabel(k: TrustedKey): string {
  return `${k.name} (${shortFingerprint(k.publicKey.fingerprint)})`;
}

function keyFields(k: TrustedKey, scheme: SignatureScheme): Partial<BundleReport> {
  return { keyName: k.name, keyFingerprint: k.publicKey.fingerprint, scheme };
}

function lowerFirst(s: string): string {
  return s.length === 0 ? s : `${s[0]!.toLowerCase()}${s.slice(1)}`;
}
