/**
 * A Sigstore trusted root (trusted_root.json): the Fulcio CAs, Rekor logs, CT logs and timestamp
 * authorities keyless verification trusts, each with the time it was valid. Read strictly (no
 * repeated keys, a known media type, every certificate and key usable), then handed to
 * @sigstore/verify as its TrustMaterial once, so each verification does no parsing of it.
 */
import { createHash } from 'node:crypto';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toTrustMaterial, type TrustMaterial } from '@sigstore/verify';
import { SignetError } from '../../errors.js';
import { parseStrictJson } from '../../cosign/strict-json.js';
import { printableText, quoted } from '../../../../shared/printable.js';

/** The public-good root is under 7 KB; a hundred times that is still a root, more is not. */
export const TRUSTED_ROOT_MAX_BYTES = 1024 * 1024;

/** The media types of trusted_root.json Signet reads (protobuf-specs TrustedRoot 0.1 and 0.2). */
export const TRUSTED_ROOT_MEDIA_TYPES: readonly string[] = [
  'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
  'application/vnd.dev.sigstore.trustedroot.v0.2+json',
];

/** Where the trusted root in use came from: what `signet trust root show` reports. */
export type TrustedRootOrigin =
  /** The snapshot built into Signet (public-good-snapshot.ts). */
  | { kind: 'shipped'; source: string; obtained: string }
  /** Installed in the data dir by `signet trust root update` (from TUF or a file). */
  | { kind: 'installed'; path: string; source: string; obtained: string | undefined }
  /** A file named for one command (`--trusted-root FILE`). */
  | { kind: 'file'; path: string; modified: string };

export interface LoadedTrustedRoot {
  /** The root as protobuf-specs types (what `show` describes). */
  root: TrustedRoot;
  /** The same, as @sigstore/verify's trust material (what verification uses). */
  material: TrustMaterial;
  /** The exact text read, and its sha256 (hex). */
  text: string;
  sha256: string;
  origin: TrustedRootOrigin;
}

/**
 * Parses and validates a trusted root. `what` names it in messages ("the trusted root in
 * /tmp/r.json"). Every failure is TRUSTED_ROOT_INVALID saying what is wrong.
 */
export function parseTrustedRoot(text: string, what: string, origin: TrustedRootOrigin): LoadedTrustedRoot {
  const bad = (why: string): never => {
    throw new SignetError('TRUSTED_ROOT_INVALID', `${what} is not a usable Sigstore trusted root: ${why}.`);
  };
  if (Buffer.byteLength(text, 'utf8') > TRUSTED_ROOT_MAX_BYTES) bad(`it is larger than ${TRUSTED_ROOT_MAX_BYTES} bytes`);
  let doc: unknown;
  try {
    doc = parseStrictJson(text);
  } catch (e) {
    return bad((e as Error).message);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return bad('it is not a JSON object');
  const mediaType = (doc as Record<string, unknown>)['mediaType'];
  if (typeof mediaType !== 'string' || !TRUSTED_ROOT_MEDIA_TYPES.includes(mediaType)) {
    bad(`its mediaType is ${typeof mediaType === 'string' ? quoted(mediaType) : 'missing'}, not ${TRUSTED_ROOT_MEDIA_TYPES.join(' or ')}`);
  }
  for (const list of ['tlogs', 'certificateAuthorities', 'ctlogs', 'timestampAuthorities']) {
    const v = (doc as Record<string, unknown>)[list];
    if (v !== undefined && !Array.isArray(v)) bad(`"${list}" is not a list`);
  }
  let root: TrustedRoot;
  try {
    root = TrustedRoot.fromJSON(doc);
  } catch (e) {
    return bad(printableText((e as Error).message, { max: 200 }));
  }
  checkLogs(root.tlogs, 'tlogs', bad);
  checkLogs(root.ctlogs, 'ctlogs', bad);
  checkAuthorities(root.certificateAuthorities, 'certificateAuthorities', bad);
  checkAuthorities(root.timestampAuthorities, 'timestampAuthorities', bad);
  let material: TrustMaterial;
  try {
    material = toTrustMaterial(root);
  } catch (e) {
    // A certificate that does not parse, a key node:crypto refuses.
    return bad(`a certificate or key in it cannot be read (${printableText((e as Error).message, { max: 200 })})`);
  }
  const sha256 = createHash('sha256').update(text, 'utf8').digest('hex');
  return { root, material, text, sha256, origin };
}

type Bad = (why: string) => never;

function checkLogs(logs: TrustedRoot['tlogs'], list: string, bad: Bad): void {
  logs.forEach((log, i) => {
    const at = `${list}[${i}]`;
    if (!log.baseUrl) bad(`${at} has no baseUrl`);
    if (!log.logId || log.logId.keyId.length === 0) bad(`${at} has no logId`);
    if (!log.publicKey || !log.publicKey.rawBytes || log.publicKey.rawBytes.length === 0) bad(`${at} has no public key`);
    checkValidity(log.publicKey?.validFor, at, bad);
  });
}

function checkAuthorities(cas: TrustedRoot['certificateAuthorities'], list: string, bad: Bad): void {
  cas.forEach((ca, i) => {
    const at = `${list}[${i}]`;
    if (!ca.certChain || ca.certChain.certificates.length === 0) bad(`${at} has no certificates`);
    checkValidity(ca.validFor, at, bad);
  });
}

function checkValidity(validFor: { start?: Date; end?: Date } | undefined, at: string, bad: Bad): void {
  if (!validFor) return;
  for (const [name, d] of [['start', validFor.start], ['end', validFor.end]] as const) {
    if (d !== undefined && Number.isNaN(d.getTime())) bad(`${at} has a validFor.${name} that is not a time`);
  }
}
