/**
 * What a trusted root holds, in words a person can check: each Fulcio CA with its validity, each
 * transparency log (Rekor v1 or v2, told apart by how its log ID is derived from its key), each CT
 * log and timestamp authority, and how old the root is. `signet trust root show` prints it.
 */
import { createHash, X509Certificate as NodeX509 } from 'node:crypto';
import { publicKeyDetailsToJSON, type CertificateAuthority, type TransparencyLogInstance } from '@sigstore/protobuf-specs';
import type { LoadedTrustedRoot, TrustedRootOrigin } from './trusted-root.js';

export interface ValidityWindow {
  /** ISO time, or undefined: since the beginning. */
  from: string | undefined;
  /** ISO time, or undefined: still valid. */
  until: string | undefined;
}

export interface CertificateSummary {
  subject: string;
  /** The certificate's own validity (notBefore, notAfter), ISO. */
  from: string;
  until: string;
}

export interface AuthoritySummary extends ValidityWindow {
  uri: string;
  subject: string;
  /** The certificates of its chain, leaf-most first. */
  chain: CertificateSummary[];
}

export interface LogSummary extends ValidityWindow {
  baseUrl: string;
  /** Rekor v1: log ID = sha256 of the key (SET + checkpoint); Rekor v2: a signed-note key ID (checkpoint only). */
  api: 'Rekor v1' | 'Rekor v2' | 'unknown';
  keyType: string;
  /** hex */
  logId: string;
}

export interface CtLogSummary extends ValidityWindow {
  baseUrl: string;
  keyType: string;
  logId: string;
}

export interface TrustedRootSummary {
  origin: TrustedRootOrigin;
  sha256: string;
  mediaType: string;
  /** When the root was obtained (or the file last changed), and how many whole days ago that is. */
  obtained: string | undefined;
  ageDays: number | undefined;
  /** The latest start of validity of anything in the root: how recent its content is. */
  newestEntry: string | undefined;
  certificateAuthorities: AuthoritySummary[];
  transparencyLogs: LogSummary[];
  ctLogs: CtLogSummary[];
  timestampAuthorities: AuthoritySummary[];
}

const DAY_MS = 86_400_000;

export function summarizeTrustedRoot(loaded: LoadedTrustedRoot, now = new Date()): TrustedRootSummary {
  const { root, origin } = loaded;
  const obtained = origin.kind === 'file' ? origin.modified : origin.obtained;
  const obtainedMs = obtained === undefined ? NaN : Date.parse(obtained);
  const summary: TrustedRootSummary = {
    origin,
    sha256: loaded.sha256,
    mediaType: root.mediaType,
    obtained,
    ageDays: Number.isNaN(obtainedMs) ? undefined : Math.max(0, Math.floor((now.getTime() - obtainedMs) / DAY_MS)),
    newestEntry: undefined,
    certificateAuthorities: root.certificateAuthorities.map(authority),
    transparencyLogs: root.tlogs.map(transparencyLog),
    ctLogs: root.ctlogs.map((l) => ({ baseUrl: l.baseUrl, keyType: keyType(l), logId: hex(l.logId?.keyId), ...window(l.publicKey?.validFor) })),
    timestampAuthorities: root.timestampAuthorities.map(authority),
  };
  let newest: string | undefined;
  for (const w of [...summary.certificateAuthorities, ...summary.transparencyLogs, ...summary.ctLogs, ...summary.timestampAuthorities]) {
    if (w.from !== undefined && (newest === undefined || w.from > newest)) newest = w.from;
  }
  summary.newestEntry = newest;
  return summary;
}

function authority(ca: CertificateAuthority): AuthoritySummary {
  const subject = [ca.subject?.commonName ? `CN=${ca.subject.commonName}` : '', ca.subject?.organization ? `O=${ca.subject.organization}` : ''].filter(Boolean).join(', ');
  return {
    uri: ca.uri,
    subject,
    ...window(ca.validFor),
    chain: (ca.certChain?.certificates ?? []).map((c) => {
      const cert = new NodeX509(c.rawBytes);
      return { subject: cert.subject.split('\n').join(', '), from: new Date(cert.validFrom).toISOString(), until: new Date(cert.validTo).toISOString() };
    }),
  };
}

function transparencyLog(log: TransparencyLogInstance): LogSummary {
  return { baseUrl: log.baseUrl, api: logApi(log), keyType: keyType(log), logId: hex(log.logId?.keyId), ...window(log.publicKey?.validFor) };
}

/**
 * Rekor v1 names a log by sha256 of its DER public key; Rekor v2 (tile logs) by its C2SP
 * signed-note key ID: sha256(origin "\n" type key), type 0x01 with the raw Ed25519 key, 0x02 with
 * the DER key for ECDSA. Anything else is shown as unknown rather than guessed.
 */
function logApi(log: TransparencyLogInstance): LogSummary['api'] {
  const id = log.logId?.keyId;
  const key = log.publicKey?.rawBytes;
  if (!id || !key) return 'unknown';
  if (sha256(key).equals(id)) return 'Rekor v1';
  let origin: string;
  try {
    origin = new URL(log.baseUrl).host;
  } catch {
    return 'unknown';
  }
  const noteId = (type: number, bytes: Buffer) => sha256(Buffer.concat([Buffer.from(`${origin}\n`), Buffer.from([type]), bytes]));
  if (key.length === 44 && noteId(0x01, key.subarray(12)).equals(id)) return 'Rekor v2';
  if (noteId(0x02, key).equals(id)) return 'Rekor v2';
  return 'unknown';
}

function keyType(log: TransparencyLogInstance): string {
  const details = log.publicKey?.keyDetails;
  return details === undefined ? 'unknown' : publicKeyDetailsToJSON(details);
}

function window(v: { start?: Date; end?: Date } | undefined): ValidityWindow {
  return { from: v?.start?.toISOString(), until: v?.end?.toISOString() };
}

function sha256(b: Uint8Array): Buffer {
  return createHash('sha256').update(b).digest();
}

function hex(b: Uint8Array | undefined): string {
  return b ? Buffer.from(b).toString('hex') : '';
}
