/**
 * What @sigstore/verify does not check in a transparency-log entry, and the facts Signet shows.
 * It checks the entry's inclusion (SET, or proof and signed checkpoint) and that the body holds
 * this signature and this payload's digest; cosign also checks that the body names the same
 * certificate or key (pkg/cosign/verify.go comparePublicKey), and so does Signet: an entry made by
 * another certificate for the same signature bytes is not this signature's entry.
 */
import { createPublicKey } from 'node:crypto';
import type { TransparencyLogEntry } from '@sigstore/bundle';
import type { TrustMaterial } from '@sigstore/verify';
import { Entry as RekorV2Entry } from '@sigstore/protobuf-specs/rekor/v2';
import { decodePem } from '../../keys/pem.js';
import { parseStrictJson } from '../../cosign/strict-json.js';
import { decodeBase64Strict } from './base64-strict.js';
import type { SignedEntity } from '@sigstore/verify';
import { invalid, type LogEntryFacts, type VerifiedTimestamp } from './keyless-result.js';

/** What signed, as the entry must name it: the certificate (DER), or the public key (SPKI DER). */
export type ExpectedVerifier = { certificate: Buffer } | { publicKey: Buffer };

type Verifier = { certificate: Buffer } | { publicKey: Buffer };

function fromPemBase64(b64: unknown): Verifier | undefined {
  const pemText = typeof b64 === 'string' ? decodeBase64Strict(b64)?.toString('utf8') : undefined;
  if (pemText === undefined) return undefined;
  try {
    const block = decodePem(pemText, 'key or certificate in the log entry');
    if (block.label === 'CERTIFICATE') return { certificate: Buffer.from(block.bytes) };
    if (block.label === 'PUBLIC KEY') return { publicKey: Buffer.from(block.bytes) };
  } catch { /* not PEM: no verifier */ }
  return undefined;
}

const at = (v: unknown, ...path: Array<string | number>): unknown => {
  let cur = v;
  for (const p of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur;
};

/** The certificate or key a Rekor entry body names, by its kind and version. */
function verifierInBody(entry: TransparencyLogEntry): Verifier | undefined {
  const body = parseStrictJson(Buffer.from(entry.canonicalizedBody).toString('utf8'));
  const { kind, version } = entry.kindVersion;
  if (version === '0.0.2' && (kind === 'hashedrekord' || kind === 'dsse')) {
    const spec = RekorV2Entry.fromJSON(body).spec?.spec;
    const v = spec?.$case === 'hashedRekordV002' ? spec.hashedRekordV002.signature?.verifier?.verifier
      : spec?.$case === 'dsseV002' && spec.dsseV002.signatures.length === 1 ? spec.dsseV002.signatures[0]!.verifier?.verifier : undefined;
    if (v?.$case === 'x509Certificate') return { certificate: Buffer.from(v.x509Certificate.rawBytes) };
    if (v?.$case === 'publicKey') return { publicKey: Buffer.from(v.publicKey.rawBytes) };
    return undefined;
  }
  if (kind === 'hashedrekord' && version === '0.0.1') return fromPemBase64(at(body, 'spec', 'signature', 'publicKey', 'content'));
  if (kind === 'dsse' && version === '0.0.1') {
    const sigs = at(body, 'spec', 'signatures');
    return Array.isArray(sigs) && sigs.length === 1 ? fromPemBase64(at(sigs[0], 'verifier')) : undefined;
  }
  if (kind === 'intoto' && version === '0.0.2') {
    const sigs = at(body, 'spec', 'content', 'envelope', 'signatures');
    return Array.isArray(sigs) && sigs.length === 1 ? fromPemBase64(at(sigs[0], 'publicKey')) : undefined;
  }
  return undefined;
}

function spki(der: Buffer): Buffer | undefined {
  try {
    return createPublicKey({ key: der, format: 'der', type: 'spki' }).export({ format: 'der', type: 'spki' });
  } catch {
    return undefined;
  }
}

/** Throws (invalid, log-body) unless the entry's body names exactly this certificate or key. */
export function checkEntryNamesVerifier(entry: TransparencyLogEntry, expected: ExpectedVerifier): void {
  let found: Verifier | undefined;
  try {
    found = verifierInBody(entry);
  } catch {
    found = undefined;
  }
  const what = 'certificate' in expected ? 'certificate' : 'key';
  if (!found) throw invalid('log-body', `The transparency-log entry does not name the ${what} that signed (its body names no certificate or key Signet can read).`);
  const same = 'certificate' in expected
    ? 'certificate' in found && found.certificate.equals(expected.certificate)
    : 'publicKey' in found && (spki(found.publicKey)?.equals(spki(expected.publicKey) ?? Buffer.alloc(0)) ?? false);
  if (!same) throw invalid('log-body', `The transparency-log entry is for another ${what}: it was logged by someone else for the same signature bytes, or altered.`);
}

/**
 * An inclusion proof states its tree size and root hash, and so does the signed checkpoint with
 * it. @sigstore/verify checks the proof against the checkpoint's values and ignores the proof's
 * own (sigstore-go compares them); Signet requires them to be the same, so a proof that claims
 * another tree is not taken because its checkpoint happens to verify. Call after @sigstore/verify
 * accepted the entry (the checkpoint is then signed by a trusted log, in the form it parses).
 */
export function checkProofMatchesCheckpoint(entry: TransparencyLogEntry): void {
  const proof = entry.inclusionProof;
  if (!proof?.checkpoint) return;
  const env = proof.checkpoint.envelope;
  const lines = env.slice(0, env.indexOf('\n\n') + 1).trimEnd().split('\n');
  let size: bigint | undefined;
  try {
    size = BigInt(lines[1] ?? '');
  } catch {
    size = undefined;
  }
  const root = decodeBase64Strict(lines[2] ?? '');
  let claimed: bigint | undefined;
  try {
    claimed = BigInt(proof.treeSize);
  } catch {
    claimed = undefined;
  }
  if (size === undefined || claimed !== size || !root || !root.equals(Buffer.from(proof.rootHash))) {
    throw invalid('log-inclusion', 'The inclusion proof\'s tree size or root hash is not the one its signed checkpoint states.');
  }
}

/** The facts of an entry that has passed @sigstore/verify's checks. */
export function logEntryFacts(entry: TransparencyLogEntry, material: TrustMaterial): LogEntryFacts {
  const log = material.tlogs.find((t) => t.logID.equals(entry.logId.keyId));
  const inclusion: LogEntryFacts['inclusion'] = [];
  if (entry.inclusionPromise) inclusion.push('promise');
  if (entry.inclusionProof) inclusion.push('proof');
  return {
    logId: Buffer.from(entry.logId.keyId).toString('hex'),
    baseUrl: log?.baseURL,
    index: entry.logIndex,
    // Only a verified SET covers the integrated time; a Rekor v2 entry has none.
    integratedTime: entry.inclusionPromise && entry.integratedTime !== '0' ? new Date(Number(entry.integratedTime) * 1000).toISOString() : undefined,
    inclusion,
    kind: `${entry.kindVersion.kind} ${entry.kindVersion.version}`,
  };
}

/** The verified times of an entity that passed @sigstore/verify, and the earliest of them. */
export function verifiedTimes(entity: SignedEntity, logEntries: readonly LogEntryFacts[]): { timestamps: VerifiedTimestamp[]; earliest: string | undefined } {
  const timestamps: VerifiedTimestamp[] = [];
  for (const e of logEntries) if (e.integratedTime) timestamps.push({ source: 'transparency-log', time: e.integratedTime });
  for (const t of entity.timestamps) if (t.$case === 'timestamp-authority') timestamps.push({ source: 'timestamp-authority', time: t.timestamp.signingTime.toISOString() });
  let earliest: string | undefined;
  for (const t of timestamps) if (earliest === undefined || t.time < earliest) earliest = t.time;
  return { timestamps, earliest };
}
