/**
 * What keyless verification answers. A signature is *verified* only when every check passed and
 * a trusted identity matched; *unknown-identity* when every cryptographic check passed but no
 * trusted identity names its certificate (the facts say who it is: "signed by an unknown
 * identity"); otherwise a failure naming the check: *invalid* when the evidence fails against the
 * trusted root (forged, altered, for something else, malformed), *could-not-check* when
 * something offline verification needs is not there (no log entry or timestamp to fix the time,
 * more material than Signet reads).
 */
import type { FulcioExtensions } from './certificate-facts.js';

export type KeylessCheck =
  /** The stored material does not parse, or is not what it claims to be. */
  | 'material'
  /** The certificate does not chain to a Fulcio CA of the trusted root, or its stored chain is not the root's. */
  | 'certificate-chain'
  /** The certificate (or its CA) was not valid at the verified time. */
  | 'certificate-validity'
  /** No SCT, or one no CT log of the trusted root signed. */
  | 'sct'
  /** The certificate is not for code signing. */
  | 'code-signing'
  /** No transparency-log entry and no timestamp: no verified time. */
  | 'log-missing'
  /** The entry's log is not in the trusted root (or not valid then). */
  | 'log-unknown'
  /** The signed entry timestamp (SET) or the checkpoint is not the log's signature over this entry. */
  | 'log-inclusion'
  /** The entry's body is for another signature, payload or certificate. */
  | 'log-body'
  /** An RFC 3161 timestamp not signed by a timestamp authority of the trusted root. */
  | 'timestamp'
  /** The signature does not verify with the certificate's key over what was signed. */
  | 'signature'
  /** The payload or statement is not for this image. */
  | 'subject'
  /** Beyond a bound Signet reads. */
  | 'limit';

export interface KeylessFailure {
  status: 'invalid' | 'could-not-check';
  check: KeylessCheck;
  /** One sentence, plain words; values from outside are quoted and escaped. */
  reason: string;
  /** What the certificate claims, when it could be read: unverified, for the message only. */
  claimed?: { identity: string | undefined; issuer: string | undefined };
}

/** One transparency-log entry, every field checked against the trusted root. */
export interface LogEntryFacts {
  /** hex log ID and the base URL of the trusted root's log it matched. */
  logId: string;
  baseUrl: string | undefined;
  /** The entry's index in its log (decimal). */
  index: string;
  /** When the log says it integrated the entry (ISO), covered by a verified SET; undefined without one (Rekor v2). */
  integratedTime: string | undefined;
  /** Which proofs were verified: a signed entry timestamp, an inclusion proof against a signed checkpoint. */
  inclusion: Array<'promise' | 'proof'>;
  /** `hashedrekord 0.0.1`, `dsse 0.0.1`, `hashedrekord 0.0.2` … */
  kind: string;
}

export interface VerifiedTimestamp {
  source: 'transparency-log' | 'timestamp-authority';
  /** ISO */
  time: string;
}

/** What the signature establishes, all verified against the trusted root. */
export interface KeylessFacts {
  /** The certificate's subject alternative name (an email or URI): who signed. */
  identity: string;
  /** Every SAN the certificate has (Fulcio issues one). */
  subjectAlternativeNames: string[];
  /** The OIDC issuer (Fulcio OID 1.3.6.1.4.1.57264.1.8, else the older .1.1). */
  issuer: string;
  extensions: FulcioExtensions;
  certificate: { notBefore: string; notAfter: string; sha256: string };
  /** The verified log entries (cosign writes one). */
  logEntries: LogEntryFacts[];
  timestamps: VerifiedTimestamp[];
  /** The earliest verified time: the signing time to show. */
  signedAt: string;
  subject: SubjectFacts;
}

export interface SubjectFacts {
  /** The image digest the payload or statement names, which is the one asked about. */
  digest: string;
  format: 'simple-signing' | 'in-toto';
  /** simple-signing: critical.identity.docker-reference. */
  dockerReference?: string;
  /** in-toto: the statement's predicateType (https://sigstore.dev/cosign/sign/v1 for a cosign v3 signature). */
  predicateType?: string;
  /** in-toto: the `name` of the matching subject, when it has one. */
  subjectName?: string;
}

export interface KeylessVerified {
  status: 'verified';
  facts: KeylessFacts;
  /** The trusted identity that matched (its index in the list given, and its name). */
  matched: { index: number; name: string | undefined };
}

export interface KeylessUnknownIdentity {
  status: 'unknown-identity';
  facts: KeylessFacts;
  reason: string;
}

export type KeylessResult = KeylessVerified | KeylessUnknownIdentity | KeylessFailure;

/** Thrown inside the keyless modules, turned into a KeylessFailure at their boundary. */
export class KeylessCheckFailed extends Error {
  constructor(readonly status: KeylessFailure['status'], readonly check: KeylessCheck, reason: string) {
    super(reason);
  }
}

export const invalid = (check: KeylessCheck, reason: string): KeylessCheckFailed => new KeylessCheckFailed('invalid', check, reason);
export const couldNotCheck = (check: KeylessCheck, reason: string): KeylessCheckFailed => new KeylessCheckFailed('could-not-check', check, reason);
