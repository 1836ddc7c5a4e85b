/**
 * Keyless verification, offline, against a Sigstore trusted root: the one entry point
 * `verifyKeylessSignature(evidence, options)`.
 *
 * @sigstore/verify checks what needs X.509, Merkle trees and signatures: the certificate chains to
 * a Fulcio CA of the trusted root at the verified time (the SET's integrated time, an RFC 3161
 * time), its SCT, each log entry's SET or inclusion proof by a trusted log and its body against
 * this signature and payload digest, the timestamps, the signature. Signet then checks what it does
 * not: code-signing usage, that a stored chain is the trusted root's, that the log entry names
 * this certificate (as cosign does), that the payload or statement is for this image, and the
 * identity, matched anchored. Nothing here touches the network.
 */
import { createPublicKey } from 'node:crypto';
import { X509Certificate } from '@sigstore/core';
import { Verifier, toSignedEntity, type SignedEntity, type TrustMaterial } from '@sigstore/verify';
import type { Digest } from '../../content/digest.js';
import type { LoadedTrustedRoot } from '../../trust/trusted-root/trusted-root.js';
import { certificateFacts, type CertificateFacts } from './certificate-facts.js';
import { matchIdentity, type CompiledIdentityPolicy } from './identity-policy.js';
import { bundleMaterial, type SigstoreMaterial } from './keyless-material.js';
import { invalid, KeylessCheckFailed, type KeylessFacts, type KeylessFailure, type KeylessResult } from './keyless-result.js';
import { checkEntryNamesVerifier, checkProofMatchesCheckpoint, logEntryFacts, verifiedTimes } from './log-entries.js';
import { sigLayerMaterial, type SigLayer } from './sig-layer-material.js';
import { checkProofOnlyEntriesByTheirLog, sigstoreFailure } from './sigstore-failure.js';
import { bindSubject } from './subject-binding.js';
import { quoted } from '../../../../shared/printable.js';

/** Keyless evidence as the format readers find it. */
export type KeylessEvidence =
  /** A cosign `.sig` layer: its payload blob and annotations. */
  | { form: 'sig'; layer: SigLayer }
  /** A Sigstore bundle document (parsed JSON); for a message-signature bundle, the signed bytes. */
  | { form: 'bundle'; bundle: unknown; artifact?: Uint8Array };

export interface KeylessVerifyOptions {
  trustedRoot: LoadedTrustedRoot;
  /** The trusted identities (compileIdentityPolicy); none trusted gives "unknown-identity" at best. */
  identities: readonly CompiledIdentityPolicy[];
  /** The image digest the signature must be for. */
  subjectDigest: Digest;
}

/** Reads evidence into the bundle shape; throws KeylessCheckFailed (material, limit). */
export function keylessMaterial(evidence: KeylessEvidence): SigstoreMaterial {
  return evidence.form === 'sig' ? sigLayerMaterial(evidence.layer) : bundleMaterial(evidence.bundle, evidence.artifact);
}

export function verifyKeylessSignature(evidence: KeylessEvidence, options: KeylessVerifyOptions): KeylessResult {
  let claimed: KeylessFailure['claimed'];
  try {
    const material = keylessMaterial(evidence);
    if (material.certificate === undefined) {
      throw invalid('material', 'The signature carries no certificate: it is a key signature, verified with a key (and its log entry with checkKeySignatureLogEntries).');
    }
    const der = material.certificate;
    let leaf: X509Certificate;
    let cert: CertificateFacts;
    try {
      leaf = X509Certificate.parse(Buffer.from(der));
      cert = certificateFacts(leaf, der);
    } catch (e) {
      throw invalid('material', `The signing certificate does not parse (${(e as Error).message}).`);
    }
    claimed = { identity: cert.subjectAlternativeNames[0], issuer: cert.issuer };
    return verifyCertificateSignature(material, leaf, cert, options);
  } catch (e) {
    const f = e instanceof KeylessCheckFailed ? e : invalid('material', `The signature's material cannot be read (${(e as Error)?.message ?? String(e)}).`);
    return { status: f.status, check: f.check, reason: f.message, ...(claimed ? { claimed } : {}) };
  }
}

function verifyCertificateSignature(material: SigstoreMaterial, leaf: X509Certificate, cert: CertificateFacts, options: KeylessVerifyOptions): KeylessResult {
  const trust = options.trustedRoot.material;
  let entity: SignedEntity;
  try {
    entity = toSignedEntity(material.bundle, material.signed.kind === 'message' ? material.signed.payload : undefined);
  } catch (e) {
    throw invalid('timestamp', `An RFC 3161 timestamp stored with the signature does not parse (${(e as Error).message}).`);
  }
  checkTimestampsGranted(entity);
  const leafKey = createPublicKey({ key: Buffer.from(leaf.publicKey), format: 'der', type: 'spki' });
  const anyKey: TrustMaterial['publicKey'] = () => ({ publicKey: leafKey, validFor: () => true });
  try {
    new Verifier(trust).verify(entity);
  } catch (e) {
    throw sigstoreFailure(e, { entity, material: trust, leaf, anyKey });
  }

  checkProofOnlyEntriesByTheirLog(entity, trust, anyKey);
  if (!cert.codeSigning) throw invalid('code-signing', 'The certificate is not for code signing (its extended key usage lacks id-kp-codeSigning), as Fulcio\'s signing certificates are.');
  checkClaimedChain(material.claimedChain, options.trustedRoot);
  for (const entry of entity.tlogEntries) {
    checkProofMatchesCheckpoint(entry);
    checkEntryNamesVerifier(entry, { certificate: material.certificate! });
  }
  const subject = bindSubject(material.signed, options.subjectDigest);

  const logEntries = entity.tlogEntries.map((e) => logEntryFacts(e, trust));
  const { timestamps, earliest } = verifiedTimes(entity, logEntries);
  if (earliest === undefined) throw invalid('log-missing', 'The signature has no verified time.'); // @sigstore/verify required one: not reached

  const facts: KeylessFacts = {
    identity: cert.subjectAlternativeNames[0] ?? '',
    subjectAlternativeNames: cert.subjectAlternativeNames,
    issuer: cert.issuer ?? '',
    extensions: cert.extensions,
    certificate: { notBefore: cert.notBefore.toISOString(), notAfter: cert.notAfter.toISOString(), sha256: cert.sha256 },
    logEntries,
    timestamps,
    signedAt: earliest,
    subject,
  };
  const index = matchIdentity(options.identities, cert.subjectAlternativeNames, cert.issuer);
  if (index === undefined) {
    const has = `identity ${facts.identity === '' ? '(none)' : quoted(facts.identity)} from issuer ${facts.issuer === '' ? '(none)' : quoted(facts.issuer)}`;
    return {
      status: 'unknown-identity',
      facts,
      reason: options.identities.length === 0
        ? `Signed by ${has}, which is not a trusted identity.`
        : `Signed by ${has}; no trusted identity matches it (trusted: ${options.identities.map((p) => p.description).join('; ')}).`,
    };
  }
  return { status: 'verified', facts, matched: { index, name: options.identities[index]!.name } };
}

/**
 * An RFC 3161 response whose status is not granted (0) or granted with modifications (1) is a
 * refusal, whatever token it carries; @sigstore/verify does not look at the status.
 */
export function checkTimestampsGranted(entity: SignedEntity): void {
  for (const t of entity.timestamps) {
    if (t.$case !== 'timestamp-authority') continue;
    let status: bigint | undefined;
    try {
      status = t.timestamp.status;
    } catch {
      status = undefined;
    }
    if (status !== 0n && status !== 1n) throw invalid('timestamp', 'An RFC 3161 timestamp stored with the signature is not a granted timestamp (its status says the authority refused).');
  }
}

const rootCertificates = new WeakMap<LoadedTrustedRoot, Set<string>>();

/**
 * A chain stored with the signature is not used (the trusted root's CA chain is), but a stored
 * chain that is not the trusted root's is a claim that does not hold: INVALID, as a key hint that
 * does not verify is. Each stored certificate must be, byte for byte, one of a trusted CA's.
 */
function checkClaimedChain(chain: readonly Buffer[], root: LoadedTrustedRoot): void {
  if (chain.length === 0) return;
  let known = rootCertificates.get(root);
  if (!known) {
    known = new Set();
    for (const ca of root.root.certificateAuthorities) for (const c of ca.certChain?.certificates ?? []) known.add(Buffer.from(c.rawBytes).toString('base64'));
    rootCertificates.set(root, known);
  }
  for (const c of chain) {
    if (!known.has(c.toString('base64'))) throw invalid('certificate-chain', 'The certificate chain stored with the signature is not a chain of the trusted root\'s Fulcio CAs: it was altered, or comes from another Sigstore instance.');
  }
}
