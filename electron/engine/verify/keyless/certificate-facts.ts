/**
 * The facts a Fulcio certificate states: its identity (SAN), the OIDC issuer, the CI extensions
 * (https://github.com/sigstore/fulcio/blob/main/docs/oid-info.md), code-signing usage. Read with
 * @sigstore/core's X.509 and ASN.1 parser; nothing here decides trust (that is verify-keyless.ts,
 * after @sigstore/verify has checked the chain).
 */
import { createHash } from 'node:crypto';
import type { ASN1Obj, X509Certificate } from '@sigstore/core';

const FULCIO = '1.3.6.1.4.1.57264.1';

/** Fulcio's extensions by the names sigstore-go gives them (certificate.Extensions). */
export const FULCIO_EXTENSIONS = {
  githubWorkflowTrigger: `${FULCIO}.2`,
  githubWorkflowSHA: `${FULCIO}.3`,
  githubWorkflowName: `${FULCIO}.4`,
  githubWorkflowRepository: `${FULCIO}.5`,
  githubWorkflowRef: `${FULCIO}.6`,
  buildSignerURI: `${FULCIO}.9`,
  buildSignerDigest: `${FULCIO}.10`,
  runnerEnvironment: `${FULCIO}.11`,
  sourceRepositoryURI: `${FULCIO}.12`,
  sourceRepositoryDigest: `${FULCIO}.13`,
  sourceRepositoryRef: `${FULCIO}.14`,
  sourceRepositoryIdentifier: `${FULCIO}.15`,
  sourceRepositoryOwnerURI: `${FULCIO}.16`,
  sourceRepositoryOwnerIdentifier: `${FULCIO}.17`,
  buildConfigURI: `${FULCIO}.18`,
  buildConfigDigest: `${FULCIO}.19`,
  buildTrigger: `${FULCIO}.20`,
  runInvocationURI: `${FULCIO}.21`,
  sourceRepositoryVisibilityAtSigning: `${FULCIO}.22`,
} as const;

export type FulcioExtensionName = keyof typeof FULCIO_EXTENSIONS;
export type FulcioExtensions = Partial<Record<FulcioExtensionName, string>>;

export const OID_ISSUER_V1 = `${FULCIO}.1`;
export const OID_ISSUER_V2 = `${FULCIO}.8`;
/** Fulcio's SAN otherName for a username identity. */
const OID_OTHERNAME_USERNAME = `${FULCIO}.7`;
const OID_EXT_KEY_USAGE = '2.5.29.37';
const OID_SUBJECT_ALT_NAME = '2.5.29.17';
export const OID_CODE_SIGNING = '1.3.6.1.5.5.7.3.3';
/** The first extensions (.1 to .6) hold the raw string; from .8 on, a DER UTF8String. */
const LEGACY_RAW_ARCS = new Set([1, 2, 3, 4, 5, 6]);

export interface CertificateFacts {
  /** URI and email SANs, then a Fulcio username otherName: in the certificate's order. */
  subjectAlternativeNames: string[];
  issuer: string | undefined;
  /** Where the issuer was read: the V2 OID when present (as @sigstore/verify and cosign read it), else V1. */
  issuerOid: typeof OID_ISSUER_V1 | typeof OID_ISSUER_V2 | undefined;
  extensions: FulcioExtensions;
  codeSigning: boolean;
  notBefore: Date;
  notAfter: Date;
  /** sha256 hex of the DER certificate. */
  sha256: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A value that is not UTF-8 is no identity or issuer at all: it can never match a policy. */
function text(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

function extensionValue(cert: X509Certificate, oid: string): string | undefined {
  const ext = cert.extension(oid);
  if (!ext) return undefined;
  const arc = Number(oid.slice(FULCIO.length + 1));
  if (oid.startsWith(`${FULCIO}.`) && LEGACY_RAW_ARCS.has(arc)) return text(ext.value);
  const inner = ext.valueObj.subs;
  // A DER UTF8String (tag 12) is the whole value; anything else is not a value Fulcio writes.
  if (inner.length !== 1 || inner[0]!.tag.number !== 12 || inner[0]!.tag.constructed) return undefined;
  return text(inner[0]!.value);
}

function subjectAlternativeNames(cert: X509Certificate): string[] {
  const ext = cert.extension(OID_SUBJECT_ALT_NAME);
  const names: ASN1Obj[] = ext?.valueObj.subs[0]?.subs ?? [];
  const out: string[] = [];
  for (const gn of names) {
    if (gn.tag.isContextSpecific(0x06) || gn.tag.isContextSpecific(0x01)) { // uniformResourceIdentifier, rfc822Name
      const v = text(gn.value);
      if (v !== undefined) out.push(v);
    } else if (gn.tag.isContextSpecific(0x00) && gn.subs[0]?.tag.isOID() && gn.subs[0].toOID() === OID_OTHERNAME_USERNAME) {
      const inner = gn.subs[1]?.subs[0];
      const v = inner ? text(inner.value) : undefined;
      if (v !== undefined) out.push(v);
    }
  }
  return out;
}

function codeSigning(cert: X509Certificate): boolean {
  const ext = cert.extension(OID_EXT_KEY_USAGE);
  const usages = ext?.valueObj.subs[0]?.subs ?? [];
  return usages.some((u) => u.tag.isOID() && u.toOID() === OID_CODE_SIGNING);
}

/** Reads the facts; throws only on a certificate the parser cannot walk (the caller's "material" failure). */
export function certificateFacts(cert: X509Certificate, der: Uint8Array): CertificateFacts {
  // The V2 extension, when present, is the issuer even if it cannot be read (then there is none):
  // falling back to V1 would let two readers of one certificate see different issuers.
  const hasV2 = cert.extension(OID_ISSUER_V2) !== undefined;
  const v2 = hasV2 ? extensionValue(cert, OID_ISSUER_V2) : undefined;
  const v1 = hasV2 ? undefined : extensionValue(cert, OID_ISSUER_V1);
  const extensions: FulcioExtensions = {};
  for (const [name, oid] of Object.entries(FULCIO_EXTENSIONS) as Array<[FulcioExtensionName, string]>) {
    const value = extensionValue(cert, oid);
    if (value !== undefined) extensions[name] = value;
  }
  return {
    subjectAlternativeNames: subjectAlternativeNames(cert),
    issuer: v2 ?? v1,
    issuerOid: hasV2 ? OID_ISSUER_V2 : v1 !== undefined ? OID_ISSUER_V1 : undefined,
    extensions,
    codeSigning: codeSigning(cert),
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    sha256: createHash('sha256').update(der).digest('hex'),
  };
}
