/**
 * @sigstore/verify answers with the first check that failed, in its own order: timestamps, then
 * the certificate at those times, then the log entries, then the signature. A forged entry time
 * therefore shows up as "certificate expired" before the SET is ever checked. So when the
 * certificate or signature fails, the log entries are checked on their own first, and their
 * failure, if any, is the reason given. Each failure becomes a check, a status and a sentence.
 */
import { Verifier, VerificationError, type SignedEntity, type TrustMaterial } from '@sigstore/verify';
import type { TransparencyLogEntry } from '@sigstore/bundle';
import type { X509Certificate } from '@sigstore/core';
import { couldNotCheck, invalid, type KeylessCheckFailed } from './keyless-result.js';
import { printableText } from '../../../../shared/printable.js';

const when = (d: Date): string => d.toISOString().replace('.000Z', 'Z');
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function detail(e: unknown): string {
  return printableText(e instanceof Error ? e.message : String(e), { max: 200 });
}

/** The times @sigstore/verify checked the certificate at: SET times and RFC 3161 times (verified by then). */
export function entityTimes(entity: SignedEntity): Date[] {
  const times: Date[] = [];
  for (const t of entity.timestamps) {
    if (t.$case === 'timestamp-authority') times.push(t.timestamp.signingTime);
    else if (t.tlogEntry.inclusionPromise) times.push(new Date(Number(t.tlogEntry.integratedTime) * 1000));
  }
  return times;
}

/** The log entries checked alone (inclusion against the trusted logs, body against this signature); undefined if they pass. */
export function diagnoseLogEntries(entity: SignedEntity, material: TrustMaterial, anyKey: TrustMaterial['publicKey']): KeylessCheckFailed | undefined {
  if (entity.tlogEntries.length === 0) return undefined;
  return logEntriesAlone(entity, entity.tlogEntries, material, anyKey);
}

/**
 * An entry with only an inclusion proof (Rekor v2) is found by @sigstore/verify through its
 * checkpoint's signature, whatever log ID the entry states. So each such entry is checked again
 * against the one log its ID names: the log ID shown is then the log that signed; and the index
 * it states must be the one its proof proves.
 */
export function checkProofOnlyEntriesByTheirLog(entity: SignedEntity, material: TrustMaterial, anyKey: TrustMaterial['publicKey']): void {
  for (const entry of entity.tlogEntries) {
    if (entry.inclusionPromise || !entry.inclusionProof) continue;
    // Nor is its index covered by anything but the proof (a Rekor v2 log is one tree: they are the same).
    if (entry.logIndex !== entry.inclusionProof.logIndex) {
      throw invalid('log-inclusion', `The transparency-log entry says it is entry ${entry.logIndex}, but its inclusion proof is for entry ${entry.inclusionProof.logIndex}.`);
    }
    const named = { ...material, tlogs: material.tlogs.filter((t) => t.logID.equals(entry.logId.keyId)) };
    const failure = logEntriesAlone(entity, [entry], named, anyKey);
    if (failure) {
      throw named.tlogs.length === 0
        ? failure
        : invalid('log-inclusion', 'The transparency-log entry\'s checkpoint is not signed by the log its log ID names.');
    }
  }
}

function logEntriesAlone(entity: SignedEntity, entries: TransparencyLogEntry[], material: TrustMaterial, anyKey: TrustMaterial['publicKey']): KeylessCheckFailed | undefined {
  const logsOnly: SignedEntity = {
    ...entity,
    tlogEntries: entries,
    key: { $case: 'public-key', hint: 'log-entries-only' },
    timestamps: [],
    // Only the log entries are being asked about here; the signature is checked by the real run.
    signature: { signature: entity.signature.signature, compareDigest: (d) => entity.signature.compareDigest(d), compareSignature: (s) => entity.signature.compareSignature(s), verifySignature: () => true },
  };
  try {
    new Verifier({ ...material, publicKey: anyKey }, { tlogThreshold: 1, timestampThreshold: 0, ctlogThreshold: 0 }).verify(logsOnly);
    return undefined;
  } catch (e) {
    return logFailure(e, entries, material);
  }
}

/** A failure of verifyTLogs (inclusion or body) in words. */
export function logFailure(e: unknown, entries: readonly TransparencyLogEntry[], material: TrustMaterial): KeylessCheckFailed {
  if (!(e instanceof VerificationError)) return invalid('log-body', `The transparency-log entry's body cannot be read (${detail(e)}).`);
  switch (e.code) {
    case 'TLOG_ERROR':
      return noVerifiedTime(entries);
    case 'TLOG_INCLUSION_PROMISE_ERROR':
    case 'TLOG_INCLUSION_PROOF_ERROR': {
      for (const entry of entries) {
        const logs = material.tlogs.filter((t) => t.logID.equals(entry.logId.keyId));
        if (logs.length === 0) {
          return invalid('log-unknown', `The transparency-log entry is from a log the trusted root does not have (log ID ${hex(entry.logId.keyId)}). If it is a newer Sigstore log, update the trusted root (signet trust root update); otherwise the entry is not from a trusted log.`);
        }
        if (entry.inclusionPromise) {
          const t = new Date(Number(entry.integratedTime) * 1000);
          if (!logs.some((l) => l.validFor.start <= t && t <= l.validFor.end)) {
            return invalid('log-unknown', `The transparency-log entry says it was logged at ${when(t)} by ${logs[0]!.baseURL}, whose key the trusted root does not trust at that time.`);
          }
        }
      }
      return e.code === 'TLOG_INCLUSION_PROMISE_ERROR'
        ? invalid('log-inclusion', 'The signed entry timestamp (SET) is not the log\'s signature over this entry: the entry, its time or its index was forged or altered.')
        : invalid('log-inclusion', `The inclusion proof does not verify against the log's signed checkpoint (${detail(e)}).`);
    }
    case 'TLOG_MISSING_INCLUSION_ERROR':
      return invalid('log-inclusion', 'The transparency-log entry has neither a signed entry timestamp (SET) nor an inclusion proof.');
    case 'TLOG_BODY_ERROR':
      return invalid('log-body', `The transparency-log entry is for another signature or payload (${detail(e)}).`);
    default:
      return invalid('log-inclusion', `The transparency-log entry does not verify (${detail(e)}).`);
  }
}

function noVerifiedTime(entries: readonly TransparencyLogEntry[]): KeylessCheckFailed {
  return entries.length === 0
    ? couldNotCheck('log-missing', 'The signature has no transparency-log entry (no SET) and no RFC 3161 timestamp, so when it was made cannot be verified offline: a short-lived certificate means nothing without that time (cosign would ask Rekor online; Signet verifies offline).')
    : couldNotCheck('log-missing', 'The transparency-log entry has no signed entry timestamp (SET) and there is no RFC 3161 timestamp, so when the signature was made cannot be verified.');
}

export interface FailureContext {
  entity: SignedEntity;
  material: TrustMaterial;
  leaf: X509Certificate;
  /** A key finder for the log-only diagnosis (any key: the signature is not checked there). */
  anyKey: TrustMaterial['publicKey'];
}

/** Turns what @sigstore/verify threw into a check, a status and a reason. */
export function sigstoreFailure(e: unknown, ctx: FailureContext): KeylessCheckFailed {
  if (!(e instanceof VerificationError)) return invalid('material', `The signature's material cannot be read (${detail(e)}).`);
  switch (e.code) {
    case 'TIMESTAMP_ERROR':
      if (/expected \d+ timestamps, got 0/.test(e.message)) return ctx.entity.tlogEntries.length === 0 ? noVerifiedTime([]) : (diagnoseLogEntries(ctx.entity, ctx.material, ctx.anyKey) ?? noVerifiedTime(ctx.entity.tlogEntries));
      if (/duplicate/.test(e.message)) return invalid('timestamp', 'The signature carries the same timestamp twice.');
      return invalid('timestamp', 'An RFC 3161 timestamp stored with the signature is not signed by a timestamp authority of the trusted root, or not over this signature.');
    case 'TLOG_ERROR':
    case 'TLOG_INCLUSION_PROMISE_ERROR':
    case 'TLOG_INCLUSION_PROOF_ERROR':
    case 'TLOG_MISSING_INCLUSION_ERROR':
    case 'TLOG_BODY_ERROR':
      return logFailure(e, ctx.entity.tlogEntries, ctx.material);
    case 'CERTIFICATE_ERROR':
    case 'SIGNATURE_ERROR': {
      const logProblem = diagnoseLogEntries(ctx.entity, ctx.material, ctx.anyKey);
      if (logProblem) return logProblem;
      return e.code === 'SIGNATURE_ERROR'
        ? invalid('signature', 'The signature does not verify with the certificate\'s key over what was signed: the payload or the signature was altered.')
        : certificateFailure(e, ctx);
    }
    default:
      return invalid('material', `The signature does not verify (${detail(e)}).`);
  }
}

function certificateFailure(e: VerificationError, ctx: FailureContext): KeylessCheckFailed {
  if (/SCT/.test(e.message)) {
    return /expected \d+ SCTs, got 0/.test(e.message)
      ? invalid('sct', 'The certificate has no signed certificate timestamp (SCT): it was not logged in certificate transparency as Fulcio\'s certificates are.')
      : invalid('sct', 'The certificate\'s signed certificate timestamp (SCT) is not signed by a CT log of the trusted root.');
  }
  const times = entityTimes(ctx.entity);
  const cause = (e as { cause?: unknown }).cause;
  if (cause instanceof VerificationError && /not valid or expired/.test(cause.message)) {
    const { notBefore, notAfter } = ctx.leaf;
    const outside = times.find((t) => t < notBefore || t > notAfter);
    if (outside) {
      return invalid('certificate-validity', `The certificate was valid from ${when(notBefore)} to ${when(notAfter)}, but the signature's verified time is ${when(outside)}: it was ${outside > notAfter ? 'used after it expired' : 'used before it was issued'}.`);
    }
    return invalid('certificate-validity', `The certificate's issuing CA certificate was not valid at the signature's verified time (${times.map(when).join(', ')}).`);
  }
  if (cause === undefined) {
    return invalid('certificate-chain', `The trusted root has no Fulcio CA that was valid at the signature's verified time (${times.map(when).join(', ')}).`);
  }
  return invalid('certificate-chain', 'The certificate was not issued by a Fulcio CA of the trusted root. If it comes from a private or newer Sigstore instance, verify with its trusted root (--trusted-root FILE, or signet trust root update).');
}
