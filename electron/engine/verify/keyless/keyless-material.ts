/**
 * Keyless (and logged key) evidence in the one shape @sigstore/verify checks: a Sigstore bundle
 * (protobuf-specs types) plus what was signed. Two forms are read:
 *  - a Sigstore bundle (v0.1 to v0.3) as the bundle layer holds it, checked by @sigstore/bundle;
 *  - a cosign `.sig` layer with its annotations (sig-layer-material.ts), converted to the bundle a
 *    v0.1 would be: the message signature over the payload, the certificate, and the Rekor entry
 *    with its signed entry timestamp (SET) and RFC 3161 timestamp, as cosign's VerifyBundle and
 *    VerifyRFC3161Timestamp read them.
 * Everything stored beyond what the checks use is still bounded here: more log entries,
 * timestamps or chain certificates than a signature has is "could not check", never work without end.
 */
import { createHash } from 'node:crypto';
import { bundleFromJSON, type Bundle } from '@sigstore/bundle';
import { HashAlgorithm } from '@sigstore/protobuf-specs';
import { couldNotCheck, invalid } from './keyless-result.js';
import { printableText } from '../../../../shared/printable.js';

/** cosign writes one log entry, one timestamp, a chain of two; these bounds leave room and stop abuse. */
export const MAX_LOG_ENTRIES = 8;
export const MAX_TIMESTAMPS = 8;
export const MAX_CHAIN_CERTIFICATES = 8;

export type SignedContent =
  /** A signature over these bytes (cosign's simple-signing payload, or any message). */
  | { kind: 'message'; payload: Buffer }
  /** A DSSE envelope: the signature is over its pre-authentication encoding. */
  | { kind: 'dsse'; payloadType: string; payload: Buffer };

export interface SigstoreMaterial {
  bundle: Bundle;
  signed: SignedContent;
  /** The signing certificate (DER), or undefined when the bundle carries a public key hint instead. */
  certificate: Buffer | undefined;
  /** Certificates stored after the leaf (the `.sig` chain annotation, a v0.1/v0.2 bundle's chain): a claim, checked against the trusted root. */
  claimedChain: Buffer[];
  /** Where it came from, for messages. */
  form: 'sig' | 'bundle';
}

/** A Sigstore bundle as the bundle layer holds it (its parsed JSON), and for a message signature the signed bytes. */
export function bundleMaterial(doc: unknown, artifact?: Uint8Array): SigstoreMaterial {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw invalid('material', 'The Sigstore bundle is not a JSON object.');
  const raw = doc as { verificationMaterial?: { tlogEntries?: unknown; timestampVerificationData?: { rfc3161Timestamps?: unknown }; x509CertificateChain?: { certificates?: unknown } } };
  // Bounds before anything is decoded.
  boundList(raw.verificationMaterial?.tlogEntries, MAX_LOG_ENTRIES, 'transparency-log entries');
  boundList(raw.verificationMaterial?.timestampVerificationData?.rfc3161Timestamps, MAX_TIMESTAMPS, 'RFC 3161 timestamps');
  boundList(raw.verificationMaterial?.x509CertificateChain?.certificates, MAX_CHAIN_CERTIFICATES + 1, 'certificates');
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(doc);
  } catch (e) {
    const fields = (e as { fields?: unknown }).fields;
    throw invalid('material', `The Sigstore bundle is malformed (${printableText(Array.isArray(fields) && fields.length > 0 ? `invalid ${fields.join(', ')}` : (e as Error).message, { max: 200 })}).`);
  }
  const signed = signedContent(bundle, artifact);
  const vm = bundle.verificationMaterial.content;
  let certificate: Buffer | undefined;
  let claimedChain: Buffer[] = [];
  if (vm.$case === 'x509CertificateChain') {
    const certs = vm.x509CertificateChain.certificates.map((c) => Buffer.from(c.rawBytes));
    certificate = certs[0];
    claimedChain = certs.slice(1);
  } else if (vm.$case === 'certificate') {
    certificate = Buffer.from(vm.certificate.rawBytes);
  }
  return { bundle, signed, certificate, claimedChain, form: 'bundle' };
}

function signedContent(bundle: Bundle, artifact: Uint8Array | undefined): SignedContent {
  if (bundle.content.$case === 'dsseEnvelope') {
    const env = bundle.content.dsseEnvelope;
    return { kind: 'dsse', payloadType: env.payloadType, payload: Buffer.from(env.payload) };
  }
  const sig = bundle.content.messageSignature;
  if (artifact === undefined) throw invalid('material', 'The Sigstore bundle signs a message, but the signed bytes were not given with it.');
  const digest = sig.messageDigest;
  if (!digest || (digest.algorithm !== HashAlgorithm.SHA2_256)) throw invalid('material', 'The Sigstore bundle\'s message digest is not SHA-256.');
  const payload = Buffer.from(artifact);
  if (!createHash('sha256').update(payload).digest().equals(Buffer.from(digest.digest))) {
    throw invalid('material', 'The Sigstore bundle\'s message digest is not the digest of the signed bytes.');
  }
  return { kind: 'message', payload };
}

function boundList(v: unknown, max: number, what: string): void {
  if (Array.isArray(v) && v.length > max) {
    throw couldNotCheck('limit', `The signature carries ${v.length} ${what}; Signet reads at most ${max}.`);
  }
}
