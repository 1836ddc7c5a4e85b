/**
 * A Sigstore bundle (protobuf-specs sigstore_bundle.proto, in its JSON form) holding a DSSE
 * envelope, read into the facts a key-based check needs: the signed bytes (the DSSE PAE), the
 * one signature, the key hint or certificate material, and the transparency-log entries and
 * timestamps it carries (counted and named, not checked: a key-based signature does not need
 * them, as `cosign verify --insecure-ignore-tlog`; the keyless issue adds the trusted root).
 *
 * Versions: v0.3 (`application/vnd.dev.sigstore.bundle.v0.3+json`, and its older spelling
 * `...bundle+json;version=0.3`) is what cosign v3 writes. v0.1 and v0.2 differ only in the
 * verification material (v0.1 requires inclusion promises, v0.2 allows a certificate chain),
 * which a key-based check does not use, so they are read the same way, as cosign and
 * sigstore-go read them. A later version is *could not check*, never guessed at.
 *
 * Strictness beyond @sigstore/bundle's: Signet checks every field it relies on itself (exact
 * field sets as protojson, which refuses unknown fields; canonical standard base64; exactly one
 * of dsseEnvelope / messageSignature and of the key materials; exactly one DSSE signature), then
 * hands the document to @sigstore/bundle's `bundleFromJSON` for the structure of the parts it
 * does not read (transparency-log entries, timestamps; the per-version rules). That library
 * decodes base64 leniently and coerces types (protobuf-ts fromJSON), so it is not the only gate.
 */
import { createHash } from 'node:crypto';
import { bundleFromJSON } from '@sigstore/bundle';
import { printableText, quoted, quotedValue } from '../../../../shared/printable.js';
import { canonicalBase64, describeUnexpected, isObject, strictJsonDocument, unexpectedField, type JsonObject } from './json-document.js';
import { BUNDLE_MEDIA_TYPE_PREFIX, INTOTO_PAYLOAD_TYPE, MAX_BUNDLE_BYTES } from './media-types.js';
import { preAuthEncoding } from './pae.js';
import { couldNotCheck, invalid, read, type Read } from './problem.js';

export type BundleVersion = '0.1' | '0.2' | '0.3';

export type BundleKeyMaterial =
  /**
   * `hint` is only a claim of which key signed (cosign writes base64(sha256(SPKI DER))); when it
   * has that form, `hintFingerprint` is the same claim as a Signet fingerprint ("SHA256:<hex>").
   */
  | { kind: 'public-key'; hint?: string; hintFingerprint?: string }
  /** Keyless signing (a Fulcio certificate, or a chain in v0.1/v0.2): recorded, checked by a later issue. */
  | { kind: 'certificate'; certificates: number };

export interface SigstoreBundle {
  mediaType: string;
  version: BundleVersion;
  payloadType: string;
  /** The DSSE payload: the in-toto statement's bytes. */
  payload: Uint8Array;
  /** What the signature covers: PAE(payloadType, payload). */
  signedBytes: Uint8Array;
  signature: Uint8Array;
  /** The DSSE `keyid`, as found; ignored by every check (Go's DSSE verifier skips a mismatching one). */
  keyid?: string;
  keyMaterial: BundleKeyMaterial;
  /** Present, not checked: how many entries and the hex ids of their logs. */
  transparencyLog: { entries: number; logIds: readonly string[] };
  rfc3161Timestamps: number;
}

const V03 = `${BUNDLE_MEDIA_TYPE_PREFIX}.v0.3+json`;
const LEGACY = /^application\/vnd\.dev\.sigstore\.bundle\+json;version=(0\.[123])$/;
const ANY_VERSION = /^application\/vnd\.dev\.sigstore\.bundle(?:\.v\d+\.\d+\+json|\+json;version=\d+\.\d+)$/;

const TOP_FIELDS = ['mediaType', 'verificationMaterial', 'dsseEnvelope', 'messageSignature'];
const MATERIAL_FIELDS = ['publicKey', 'x509CertificateChain', 'certificate', 'tlogEntries', 'timestampVerificationData'];
const ENVELOPE_FIELDS = ['payload', 'payloadType', 'signatures'];
const SIGNATURE_FIELDS = ['sig', 'keyid'];

export function parseBundle(bytes: Uint8Array): Read<SigstoreBundle> {
  if (bytes.length > MAX_BUNDLE_BYTES) return couldNotCheck(`The bundle is ${bytes.length} bytes, more than the ${MAX_BUNDLE_BYTES} Signet reads for one bundle.`);
  const doc = strictJsonDocument(bytes, 'the bundle');
  if (!doc.ok) return doc;
  const bad = (why: string): Read<SigstoreBundle> => invalid(`The bundle is malformed: ${why}.`);
  const b = doc.value;
  if (!isObject(b)) return bad(`it must be a JSON object, got ${quotedValue(b)}`);
  const extra = unexpectedField(b, TOP_FIELDS);
  if (extra !== undefined) return bad(describeUnexpected('it', extra));

  const version = bundleVersion(b.mediaType);
  if (version === 'newer') return couldNotCheck(`The bundle's media type ${quoted(String(b.mediaType))} is a bundle version Signet does not read yet (it reads v0.1 to v0.3).`);
  if (version === null) return bad(`mediaType ${quotedValue(b.mediaType)} is not a Sigstore bundle media type`);

  if (b.messageSignature !== undefined && b.dsseEnvelope !== undefined) return bad('it holds both a messageSignature and a dsseEnvelope (the proto allows one)');
  if (b.messageSignature !== undefined) return couldNotCheck('The bundle holds a message signature (a signed blob digest), not a DSSE envelope: cosign signs images with DSSE-wrapped statements, and Signet reads only those.');
  const envelope = parseEnvelope(b.dsseEnvelope);
  if (typeof envelope === 'string') return bad(envelope);

  const material = parseMaterial(b.verificationMaterial);
  if (typeof material === 'string') return bad(material);

  const structure = sigstoreStructureProblem(b);
  if (structure !== null) return bad(structure);

  return read({
    mediaType: b.mediaType as string,
    version,
    payloadType: envelope.payloadType,
    payload: envelope.payload,
    signedBytes: preAuthEncoding(envelope.payloadType, envelope.payload),
    signature: envelope.signature,
    ...(envelope.keyid !== undefined ? { keyid: envelope.keyid } : {}),
    keyMaterial: material.keyMaterial,
    transparencyLog: material.transparencyLog,
    rfc3161Timestamps: material.rfc3161Timestamps,
  });
}

function bundleVersion(mediaType: unknown): BundleVersion | 'newer' | null {
  if (typeof mediaType !== 'string') return null;
  if (mediaType === V03) return '0.3';
  const legacy = LEGACY.exec(mediaType);
  if (legacy) return legacy[1] as BundleVersion;
  return ANY_VERSION.test(mediaType) ? 'newer' : null;
}

interface Envelope { payloadType: string; payload: Uint8Array; signature: Uint8Array; keyid?: string }

function parseEnvelope(v: unknown): Envelope | string {
  if (v === undefined) return 'it holds no dsseEnvelope';
  if (!isObject(v)) return `dsseEnvelope must be an object, got ${quotedValue(v)}`;
  const extra = unexpectedField(v, ENVELOPE_FIELDS);
  if (extra !== undefined) return describeUnexpected('dsseEnvelope', extra);
  if (typeof v.payloadType !== 'string') return `dsseEnvelope.payloadType must be a string, got ${quotedValue(v.payloadType)}`;
  if (v.payloadType !== INTOTO_PAYLOAD_TYPE) return `dsseEnvelope.payloadType is ${quotedValue(v.payloadType)}, not "${INTOTO_PAYLOAD_TYPE}" (an in-toto statement)`;
  const payload = canonicalBase64(v.payload);
  if (payload === null || payload.length === 0) return `dsseEnvelope.payload must be non-empty standard base64, got ${quotedValue(v.payload)}`;
  if (!Array.isArray(v.signatures)) return `dsseEnvelope.signatures must be a list, got ${quotedValue(v.signatures)}`;
  if (v.signatures.length !== 1) return `dsseEnvelope holds ${v.signatures.length} signatures; a bundle holds exactly one`;
  const s = v.signatures[0] as unknown;
  if (!isObject(s)) return `dsseEnvelope.signatures[0] must be an object, got ${quotedValue(s)}`;
  const sExtra = unexpectedField(s, SIGNATURE_FIELDS);
  if (sExtra !== undefined) return describeUnexpected('dsseEnvelope.signatures[0]', sExtra);
  const signature = canonicalBase64(s.sig);
  if (signature === null || signature.length === 0) return `dsseEnvelope.signatures[0].sig must be non-empty standard base64, got ${quotedValue(s.sig)}`;
  if (s.keyid !== undefined && typeof s.keyid !== 'string') return `dsseEnvelope.signatures[0].keyid must be a string, got ${quotedValue(s.keyid)}`;
  return { payloadType: v.payloadType, payload, signature, ...(typeof s.keyid === 'string' ? { keyid: s.keyid } : {}) };
}

interface Material { keyMaterial: BundleKeyMaterial; transparencyLog: SigstoreBundle['transparencyLog']; rfc3161Timestamps: number }

function parseMaterial(v: unknown): Material | string {
  if (!isObject(v)) return `verificationMaterial must be an object, got ${quotedValue(v)}`;
  const extra = unexpectedField(v, MATERIAL_FIELDS);
  if (extra !== undefined) return describeUnexpected('verificationMaterial', extra);
  const present = ['publicKey', 'certificate', 'x509CertificateChain'].filter((k) => v[k] !== undefined);
  if (present.length !== 1) return `verificationMaterial must hold exactly one of publicKey, certificate and x509CertificateChain, it holds ${present.length === 0 ? 'none' : present.join(' and ')}`;
  const keyMaterial = parseKeyMaterial(v);
  if (typeof keyMaterial === 'string') return keyMaterial;

  const logIds: string[] = [];
  if (v.tlogEntries !== undefined) {
    if (!Array.isArray(v.tlogEntries)) return `verificationMaterial.tlogEntries must be a list, got ${quotedValue(v.tlogEntries)}`;
    for (let i = 0; i < v.tlogEntries.length; i++) {
      const e = v.tlogEntries[i] as unknown;
      const keyId = isObject(e) && isObject(e.logId) ? canonicalBase64(e.logId.keyId) : null;
      if (keyId === null) return `verificationMaterial.tlogEntries[${i}].logId.keyId must be standard base64`;
      logIds.push(Buffer.from(keyId).toString('hex'));
    }
  }
  let rfc3161Timestamps = 0;
  const tsv = v.timestampVerificationData;
  if (tsv !== undefined) {
    if (!isObject(tsv) || (tsv.rfc3161Timestamps !== undefined && !Array.isArray(tsv.rfc3161Timestamps))) return 'verificationMaterial.timestampVerificationData must be an object with a list rfc3161Timestamps';
    rfc3161Timestamps = Array.isArray(tsv.rfc3161Timestamps) ? tsv.rfc3161Timestamps.length : 0;
  }
  return { keyMaterial, transparencyLog: { entries: logIds.length, logIds }, rfc3161Timestamps };
}

function parseKeyMaterial(v: JsonObject): BundleKeyMaterial | string {
  if (v.publicKey !== undefined) {
    const pk = v.publicKey;
    if (!isObject(pk)) return `verificationMaterial.publicKey must be an object, got ${quotedValue(pk)}`;
    const extra = unexpectedField(pk, ['hint']);
    if (extra !== undefined) return describeUnexpected('verificationMaterial.publicKey', extra);
    if (pk.hint === undefined || pk.hint === '') return { kind: 'public-key' };
    if (typeof pk.hint !== 'string') return `verificationMaterial.publicKey.hint must be a string, got ${quotedValue(pk.hint)}`;
    return { kind: 'public-key', hint: pk.hint, ...hintFingerprint(pk.hint) };
  }
  if (v.certificate !== undefined) {
    const c = v.certificate;
    if (!isObject(c) || unexpectedField(c, ['rawBytes']) !== undefined || (canonicalBase64(c.rawBytes)?.length ?? 0) === 0) return 'verificationMaterial.certificate must be {"rawBytes": <standard base64>}';
    return { kind: 'certificate', certificates: 1 };
  }
  const chain = v.x509CertificateChain;
  if (!isObject(chain) || unexpectedField(chain, ['certificates']) !== undefined || !Array.isArray(chain.certificates) || chain.certificates.length === 0) {
    return 'verificationMaterial.x509CertificateChain must be {"certificates": [...]} with at least one certificate';
  }
  for (const c of chain.certificates as unknown[]) {
    if (!isObject(c) || unexpectedField(c, ['rawBytes']) !== undefined || (canonicalBase64(c.rawBytes)?.length ?? 0) === 0) return 'verificationMaterial.x509CertificateChain.certificates must each be {"rawBytes": <standard base64>}';
  }
  return { kind: 'certificate', certificates: chain.certificates.length };
}

/** cosign's hint is base64(sha256(SPKI DER)): the same digest as a Signet fingerprint. */
function hintFingerprint(hint: string): { hintFingerprint?: string } {
  const bytes = canonicalBase64(hint);
  return bytes !== null && bytes.length === 32 ? { hintFingerprint: `SHA256:${Buffer.from(bytes).toString('hex')}` } : {};
}

/** The cosign-style hint for a public key: base64(sha256(SPKI DER)), as cosign v3 writes it. */
export function keyHintOf(spki: Uint8Array): string {
  return createHash('sha256').update(spki).digest('base64');
}

/** @sigstore/bundle's structural validation of the whole bundle (the parts Signet does not read itself). */
function sigstoreStructureProblem(doc: JsonObject): string | null {
  try {
    bundleFromJSON(doc);
    return null;
  } catch (e) {
    const fields = (e as { fields?: unknown }).fields;
    const detail = Array.isArray(fields) && fields.length > 0 ? `these fields are missing or empty: ${fields.slice(0, 5).map(String).join(', ')}` : printableText(String(e instanceof Error ? e.message : e), { max: 200 });
    return `@sigstore/bundle refuses it (${printableText(detail, { max: 300 })})`;
  }
}
