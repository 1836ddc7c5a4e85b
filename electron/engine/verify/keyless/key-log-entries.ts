/**
 * Key signatures with transparency-log entries (cosign v3 uploads them by default; cosign v2's
 * `sign --key` stored a Rekor bundle annotation): the entries are checked against the trusted root
 * ("logged at <time>, entry <index>"). An entry that fails is INVALID; no entry is fine for a key,
 * as `cosign verify --key --insecure-ignore-tlog` accepts.
 *
 * Precondition: Signet's key check has verified the signature with `publicKey` over what was
 * signed (strict Ed25519, ECDSA; see keys/). @sigstore/verify is asked only about the entries:
 * their SET or inclusion proof by a trusted log, their body against this signature and payload
 * digest, RFC 3161 timestamps; and Signet checks the body names this key.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { Verifier, toSignedEntity, type SignedEntity, type TrustMaterial } from '@sigstore/verify';
import type { LoadedTrustedRoot } from '../../trust/trusted-root/trusted-root.js';
import { invalid, KeylessCheckFailed, type KeylessFailure, type LogEntryFacts, type VerifiedTimestamp } from './keyless-result.js';
import { checkEntryNamesVerifier, checkProofMatchesCheckpoint, logEntryFacts, verifiedTimes } from './log-entries.js';
import { checkProofOnlyEntriesByTheirLog, logFailure } from './sigstore-failure.js';
import { checkTimestampsGranted, keylessMaterial, type KeylessEvidence } from './verify-keyless.js';

export type KeyLogResult =
  | { status: 'not-logged' }
  | {
    status: 'logged';
    logEntries: LogEntryFacts[];
    timestamps: VerifiedTimestamp[];
    /** The earliest verified time (SET integrated time or RFC 3161), when there is one. */
    loggedAt: string | undefined;
  }
  | KeylessFailure;

export function checkKeySignatureLogEntries(evidence: KeylessEvidence, publicKey: KeyObject, trustedRoot: LoadedTrustedRoot): KeyLogResult {
  try {
    return check(evidence, publicKey, trustedRoot);
  } catch (e) {
    const f = e instanceof KeylessCheckFailed ? e : invalid('material', `The signature's log material cannot be read (${(e as Error)?.message ?? String(e)}).`);
    return { status: f.status, check: f.check, reason: f.message };
  }
}

function check(evidence: KeylessEvidence, publicKey: KeyObject, trustedRoot: LoadedTrustedRoot): KeyLogResult {
  const material = keylessMaterial(evidence);
  const vm = material.bundle.verificationMaterial;
  const tsaCount = vm.timestampVerificationData?.rfc3161Timestamps.length ?? 0;
  if (vm.tlogEntries.length === 0 && tsaCount === 0) return { status: 'not-logged' };
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  if (material.certificate !== undefined) {
    throw invalid('material', 'The signature carries a certificate: it is keyless, verified by identity, not with a key.');
  }
  let entity: SignedEntity;
  try {
    entity = toSignedEntity(material.bundle, material.signed.kind === 'message' ? material.signed.payload : undefined);
  } catch (e) {
    throw invalid('timestamp', `An RFC 3161 timestamp stored with the signature does not parse (${(e as Error).message}).`);
  }
  checkTimestampsGranted(entity);
  const keyOnly: SignedEntity = {
    ...entity,
    key: { $case: 'public-key', hint: 'signet-trusted-key' },
    // Verified by Signet's key check before this is called (see the precondition above); node:crypto
    // through @sigstore/core cannot verify every signature Signet's keys make (Ed25519ph).
    signature: { signature: entity.signature.signature, compareDigest: (d) => entity.signature.compareDigest(d), compareSignature: (s) => entity.signature.compareSignature(s), verifySignature: () => true },
  };
  const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  const trust: TrustMaterial = { ...trustedRoot.material, publicKey: () => ({ publicKey: key, validFor: () => true }) };
  try {
    new Verifier(trust, { tlogThreshold: vm.tlogEntries.length > 0 ? 1 : 0, timestampThreshold: 0, ctlogThreshold: 0 }).verify(keyOnly);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === 'TIMESTAMP_ERROR') throw invalid('timestamp', 'An RFC 3161 timestamp stored with the signature is not signed by a timestamp authority of the trusted root, or not over this signature.');
    throw logFailure(e, entity.tlogEntries, trustedRoot.material);
  }
  checkProofOnlyEntriesByTheirLog(keyOnly, trust, trust.publicKey);
  for (const entry of entity.tlogEntries) {
    checkProofMatchesCheckpoint(entry);
    checkEntryNamesVerifier(entry, { publicKey: spki });
  }
  const logEntries = entity.tlogEntries.map((e) => logEntryFacts(e, trustedRoot.material));
  const { timestamps, earliest } = verifiedTimes(entity, logEntries);
  return { status: 'logged', logEntries, timestamps, loggedAt: earliest };
}
