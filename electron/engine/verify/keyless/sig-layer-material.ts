/**
 * A cosign `.sig` layer as a Sigstore bundle: what cosign stores beside a keyless signature
 * (pkg/cosign/verify.go, pkg/oci/static) in the form @sigstore/verify checks.
 *   dev.cosignproject.cosign/signature     base64 signature over the layer (the payload)
 *   dev.sigstore.cosign/certificate        PEM signing certificate (absent for a key signature)
 *   dev.sigstore.cosign/chain              PEM CA chain (a claim: the trusted root's chain is what counts)
 *   dev.sigstore.cosign/bundle             {"SignedEntryTimestamp", "Payload": {body, integratedTime, logIndex, logID}}
 *   dev.sigstore.cosign/rfc3161timestamp   {"SignedRFC3161Timestamp"}: a timestamp over the signature bytes
 * The Rekor entry becomes a transparency-log entry with an inclusion promise (the SET), whose
 * kind and version are the ones its body states: @sigstore/verify then checks the SET over exactly
 * these body, time, index and log ID values, and the body against this signature and payload.
 */
import { createHash } from 'node:crypto';
import type { Bundle, TransparencyLogEntry } from '@sigstore/bundle';
import { HashAlgorithm } from '@sigstore/protobuf-specs';
import { decodePem } from '../../keys/pem.js';
import { parseStrictJson } from '../../cosign/strict-json.js';
import { decodeBase64Strict } from './base64-strict.js';
import { couldNotCheck, invalid } from './keyless-result.js';
import { MAX_CHAIN_CERTIFICATES, type SigstoreMaterial } from './keyless-material.js';
import { quoted } from '../../../../shared/printable.js';

export const SIG_ANNOTATIONS = {
  signature: 'dev.cosignproject.cosign/signature',
  certificate: 'dev.sigstore.cosign/certificate',
  chain: 'dev.sigstore.cosign/chain',
  rekorBundle: 'dev.sigstore.cosign/bundle',
  timestamp: 'dev.sigstore.cosign/rfc3161timestamp',
} as const;

/** The v0.1 bundle media type: the one whose tlog entries carry an inclusion promise. */
const BUNDLE_V01 = 'application/vnd.dev.sigstore.bundle+json;version=0.1';

export interface SigLayer {
  /** The layer blob: the signed payload. */
  payload: Uint8Array;
  /** The layer's annotations as stored. */
  annotations: Readonly<Record<string, string>>;
}

/** True when the layer carries keyless (certificate) material, as opposed to a bare key signature. */
export function hasKeylessMaterial(layer: SigLayer): boolean {
  return Object.prototype.hasOwnProperty.call(layer.annotations, SIG_ANNOTATIONS.certificate);
}

export function sigLayerMaterial(layer: SigLayer): SigstoreMaterial {
  const a = layer.annotations;
  const get = (k: string): string | undefined => (Object.prototype.hasOwnProperty.call(a, k) ? a[k] : undefined);
  const sigText = get(SIG_ANNOTATIONS.signature);
  if (sigText === undefined) throw invalid('material', `The signature layer has no ${SIG_ANNOTATIONS.signature} annotation.`);
  const signature = decodeBase64Strict(sigText);
  if (!signature || signature.length === 0) throw invalid('material', `The ${SIG_ANNOTATIONS.signature} annotation is not base64.`);
  const payload = Buffer.from(layer.payload);

  const certText = get(SIG_ANNOTATIONS.certificate);
  const certificate = certText === undefined ? undefined : pemCertificates(certText, SIG_ANNOTATIONS.certificate, 1)[0];
  const chainText = get(SIG_ANNOTATIONS.chain);
  const claimedChain = chainText === undefined ? [] : pemCertificates(chainText, SIG_ANNOTATIONS.chain, MAX_CHAIN_CERTIFICATES);

  const rekorText = get(SIG_ANNOTATIONS.rekorBundle);
  const tlogEntries = rekorText === undefined ? [] : [rekorEntry(rekorText)];
  const tsText = get(SIG_ANNOTATIONS.timestamp);
  const rfc3161Timestamps = tsText === undefined ? [] : [{ signedTimestamp: rfc3161Timestamp(tsText) }];

  const bundle: Bundle = {
    mediaType: BUNDLE_V01,
    verificationMaterial: {
      content: certificate !== undefined
        ? { $case: 'x509CertificateChain', x509CertificateChain: { certificates: [{ rawBytes: certificate }] } }
        // A key signature: @sigstore/verify asks the trust material for the key by this hint.
        : { $case: 'publicKey', publicKey: { hint: 'signet-trusted-key' } },
      tlogEntries,
      timestampVerificationData: { rfc3161Timestamps },
    },
    content: {
      $case: 'messageSignature',
      messageSignature: { messageDigest: { algorithm: HashAlgorithm.SHA2_256, digest: createHash('sha256').update(payload).digest() }, signature },
    },
  };
  return { bundle, signed: { kind: 'message', payload }, certificate, claimedChain, form: 'sig' };
}

/** One or more PEM CERTIFICATE blocks and nothing else but whitespace. */
function pemCertificates(text: string, annotation: string, max: number): Buffer[] {
  const out: Buffer[] = [];
  let rest = text;
  while (rest.trim() !== '') {
    const start = rest.search(/\S/);
    if (!rest.startsWith('-----BEGIN ', start)) throw invalid('material', `The ${annotation} annotation holds text that is not a PEM certificate.`);
    if (out.length === max) throw couldNotCheck('limit', `The ${annotation} annotation holds more than ${max} certificate${max === 1 ? '' : 's'}.`);
    let block;
    try {
      block = decodePem(rest.slice(start), 'certificate');
    } catch (e) {
      throw invalid('material', `The ${annotation} annotation is not PEM (${(e as Error).message})`);
    }
    if (block.label !== 'CERTIFICATE') throw invalid('material', `The ${annotation} annotation holds a ${quoted(block.label)} PEM block, not a CERTIFICATE.`);
    out.push(Buffer.from(block.bytes));
    const end = rest.indexOf('-----END CERTIFICATE-----', start) + '-----END CERTIFICATE-----'.length;
    rest = rest.slice(end);
  }
  if (out.length === 0) throw invalid('material', `The ${annotation} annotation is empty.`);
  return out;
}

function fieldsOf(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid('material', `${what} is not a JSON object.`);
  return v as Record<string, unknown>;
}

function safeCount(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw invalid('material', `${what} is not a whole number.`);
  return v;
}

/** cosign's RekorBundle: the Rekor entry (body, time, index, log ID) and the log's SET over them. */
function rekorEntry(text: string): TransparencyLogEntry {
  const what = `The ${SIG_ANNOTATIONS.rekorBundle} annotation`;
  let doc: unknown;
  try {
    doc = parseStrictJson(text);
  } catch (e) {
    throw invalid('material', `${what} is not JSON (${(e as Error).message}).`);
  }
  const top = fieldsOf(doc, what);
  const payload = fieldsOf(top['Payload'], `${what}'s Payload`);
  const set = typeof top['SignedEntryTimestamp'] === 'string' ? decodeBase64Strict(top['SignedEntryTimestamp']) : undefined;
  if (!set || set.length === 0) throw invalid('log-inclusion', `${what} has no signed entry timestamp (SET).`);
  const bodyText = payload['body'];
  const body = typeof bodyText === 'string' ? decodeBase64Strict(bodyText) : undefined;
  if (!body || body.length === 0) throw invalid('material', `${what} has no log entry body.`);
  const integratedTime = safeCount(payload['integratedTime'], `${what}'s integratedTime`);
  const logIndex = safeCount(payload['logIndex'], `${what}'s logIndex`);
  const logID = payload['logID'];
  if (typeof logID !== 'string' || !/^[0-9a-f]{64}$/.test(logID)) throw invalid('material', `${what}'s logID is not 64 hex digits.`);
  // The body says which kind of entry it is; @sigstore/verify checks the body against that.
  let kind: unknown;
  let version: unknown;
  try {
    const b = fieldsOf(parseStrictJson(body.toString('utf8')), `${what}'s body`);
    kind = b['kind'];
    version = b['apiVersion'];
  } catch (e) {
    throw invalid('log-body', `${what}'s log entry body is not a JSON object (${(e as Error).message})`);
  }
  if (typeof kind !== 'string' || typeof version !== 'string') throw invalid('log-body', `${what}'s log entry body has no kind and apiVersion.`);
  return {
    logIndex: String(logIndex),
    logId: { keyId: Buffer.from(logID, 'hex') },
    kindVersion: { kind, version },
    integratedTime: String(integratedTime),
    inclusionPromise: { signedEntryTimestamp: set },
    inclusionProof: undefined,
    canonicalizedBody: body,
  };
}

/** cosign's RFC3161Timestamp annotation: {"SignedRFC3161Timestamp": base64 DER TimeStampResp}. */
function rfc3161Timestamp(text: string): Buffer {
  const what = `The ${SIG_ANNOTATIONS.timestamp} annotation`;
  let doc: unknown;
  try {
    doc = parseStrictJson(text);
  } catch (e) {
    throw invalid('material', `${what} is not JSON (${(e as Error).message}).`);
  }
  const v = fieldsOf(doc, what)['SignedRFC3161Timestamp'];
  const der = typeof v === 'string' ? decodeBase64Strict(v) : undefined;
  if (!der || der.length === 0) throw invalid('timestamp', `${what} has no SignedRFC3161Timestamp.`);
  return der;
}
