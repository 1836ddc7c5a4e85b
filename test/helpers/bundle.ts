// Hand-made Sigstore bundles for the unit tests: any statement bytes, signed over the DSSE PAE
// by a Signet key (or not), wrapped in a bundle and a referrer manifest the way cosign v3 stores
// them. Independent fixtures made by the Sigstore libraries themselves are in sigstore-fixtures.ts;
// these exist to make what no honest signer makes (malformed statements, other digests, extra
// signatures) with the exact bytes a test needs.
import { sha256Digest, type Digest } from '../../electron/engine/content/digest.js';
import { preAuthEncoding } from '../../electron/engine/formats/sigstore-bundle/pae.js';
import { keyHintOf } from '../../electron/engine/formats/sigstore-bundle/bundle.js';
import { BUNDLE_V03_MEDIA_TYPE, INTOTO_PAYLOAD_TYPE, OCI_EMPTY_DIGEST, OCI_EMPTY_MEDIA_TYPE, COSIGN_SIGN_PREDICATE_TYPE, STATEMENT_TYPE_V1 } from '../../electron/engine/formats/sigstore-bundle/media-types.js';
import { signerFromPrivateKey } from '../../electron/engine/keys/signer.js';
import type { PrivateKey } from '../../electron/engine/keys/private-key.js';

export const MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json';

export interface SubjectSpec {
  name?: string;
  sha256: string;
  annotations?: Record<string, unknown>;
}

/** A statement as cosign writes it (field order of protojson), with Signet's optional subject name. */
export function statementBytes(subjects: SubjectSpec[], predicateType = COSIGN_SIGN_PREDICATE_TYPE, predicate: unknown = {}): Buffer {
  return Buffer.from(JSON.stringify({
    _type: STATEMENT_TYPE_V1,
    subject: subjects.map((s) => ({ ...(s.name !== undefined ? { name: s.name } : {}), digest: { sha256: s.sha256 }, ...(s.annotations ? { annotations: s.annotations } : {}) })),
    predicateType,
    predicate,
  }));
}

export async function signPae(priv: PrivateKey, payload: Uint8Array, payloadType = INTOTO_PAYLOAD_TYPE): Promise<Buffer> {
  return Buffer.from(await signerFromPrivateKey(priv).sign(preAuthEncoding(payloadType, payload)));
}

export interface BundleSpec {
  payload: Uint8Array;
  signature: Uint8Array;
  /** Defaults to the cosign hint of `hintKey`, or none. */
  hint?: string;
  hintKey?: PrivateKey;
  payloadType?: string;
  mediaType?: string;
  keyid?: string;
  /** Replaces verificationMaterial entirely. */
  verificationMaterial?: unknown;
}

export function bundleDoc(spec: BundleSpec): Record<string, unknown> {
  const hint = spec.hint ?? (spec.hintKey ? keyHintOf(spec.hintKey.publicKey.spki) : undefined);
  return {
    mediaType: spec.mediaType ?? BUNDLE_V03_MEDIA_TYPE,
    verificationMaterial: spec.verificationMaterial ?? { publicKey: hint !== undefined ? { hint } : {} },
    dsseEnvelope: {
      payload: Buffer.from(spec.payload).toString('base64'),
      payloadType: spec.payloadType ?? INTOTO_PAYLOAD_TYPE,
      signatures: [{ sig: Buffer.from(spec.signature).toString('base64'), ...(spec.keyid !== undefined ? { keyid: spec.keyid } : {}) }],
    },
  };
}

export function bundleBytes(spec: BundleSpec): Buffer {
  return Buffer.from(JSON.stringify(bundleDoc(spec)));
}

/** A referrer manifest in cosign v3's layout around any bundle bytes. */
export function referrerManifestFor(bundle: Uint8Array, subject: Digest, extra: Record<string, unknown> = {}): Buffer {
  return Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: MANIFEST_TYPE,
    config: { mediaType: OCI_EMPTY_MEDIA_TYPE, size: 2, digest: OCI_EMPTY_DIGEST },
    layers: [{ mediaType: BUNDLE_V03_MEDIA_TYPE, size: bundle.length, digest: sha256Digest(bundle) }],
    annotations: { 'dev.sigstore.bundle.content': 'dsse-envelope', 'dev.sigstore.bundle.predicateType': COSIGN_SIGN_PREDICATE_TYPE },
    subject: { mediaType: MANIFEST_TYPE, size: 1234, digest: subject },
    artifactType: BUNDLE_V03_MEDIA_TYPE,
    ...extra,
  }));
}
