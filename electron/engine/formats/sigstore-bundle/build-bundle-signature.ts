/**
 * A Signet signature in the cosign v3 bundle format: the in-toto statement (statement.ts), the
 * bundle around its DSSE envelope, and the OCI 1.1 referrer manifest exactly as
 * `cosign sign --key` v3 writes it (pkg/oci/remote/write.go WriteAttestationNewBundleFormat and
 * WriteReferrer, serialised by Go's encoding/json: struct fields in declaration order, map keys
 * sorted). Pure: the caller's store pushes the blobs, then the manifest, then (for a registry
 * without the referrers API) appends `indexDescriptor` to the `sha256-<hex>` fallback index.
 *
 * What is written, and why:
 * - bundle v0.3, `verificationMaterial.publicKey.hint` = base64(sha256(SPKI DER)), what cosign
 *   writes for a key (internal/key/svkeypair.go); no transparency-log entries, no timestamps
 *   (a key-based bundle never needs one, and Signet runs no log); empty fields are omitted, as
 *   protojson omits them.
 * - DSSE with an empty `keyid` (omitted, as protojson does for ""), so Go's DSSE verifier, which
 *   skips a signature whose keyid mismatches, never skips it. payloadType in-toto.
 * - The signature is over the DSSE PAE: Ed25519 (pure) or ECDSA P-256 DER, as the `.sig` format.
 * - The referrer manifest: the OCI empty descriptor as config (cosign also writes the bundle
 *   media type as the config's `artifactType`), one bundle layer, the manifest `artifactType`,
 *   the annotations `dev.sigstore.bundle.content`, `dev.sigstore.bundle.predicateType` and
 *   `org.opencontainers.image.created`, and `subject`.
 */
import { sha256Digest, type Digest } from '../../content/digest.js';
import { MediaType } from '../../content/media-types.js';
import type { Descriptor } from '../../content/manifest.js';
import type { Signer } from '../../keys/signer.js';
import { keyHintOf } from './bundle.js';
import {
  ANNOTATION_BUNDLE_CONTENT, ANNOTATION_BUNDLE_PREDICATE_TYPE, ANNOTATION_CREATED, BUNDLE_CONTENT_DSSE, BUNDLE_V03_MEDIA_TYPE,
  COSIGN_SIGN_PREDICATE_TYPE, INTOTO_PAYLOAD_TYPE, OCI_EMPTY_CONFIG, OCI_EMPTY_DIGEST, OCI_EMPTY_MEDIA_TYPE,
} from './media-types.js';
import { preAuthEncoding } from './pae.js';
import { buildStatement } from './statement.js';

export interface BundleSignatureRequest {
  signer: Signer;
  /** The image signed: its manifest's descriptor (the referrer's `subject`). */
  subject: { digest: Digest; mediaType: string; size: number };
  /** `registry/repository` signed for: the statement subject's `name`. */
  repository: string;
  /** `-a k=v`: the statement subject's annotations. */
  annotations?: Readonly<Record<string, string>>;
  /** The referrer's `org.opencontainers.image.created` (default: now), RFC 3339 in seconds as cosign writes it. */
  created?: Date;
}

export interface BundleSignature {
  /** The signed in-toto statement (the DSSE payload). */
  statement: Uint8Array;
  /** The bundle blob and its layer descriptor. */
  bundle: Uint8Array;
  bundleDescriptor: Descriptor;
  /** The config blob (`{}`), pushed before the manifest. */
  config: Uint8Array;
  configDescriptor: Descriptor;
  /** The referrer manifest (push by digest, media type OCI manifest). */
  manifest: Uint8Array;
  manifestDigest: Digest;
  /** The entry for the referrers fallback index (`sha256-<hex>` tag): artifactType and the manifest's annotations, as the OCI distribution spec asks. */
  indexDescriptor: Descriptor;
}

export async function buildBundleSignature(req: BundleSignatureRequest): Promise<BundleSignature> {
  const statement = buildStatement({ digest: req.subject.digest, repository: req.repository, ...(req.annotations ? { annotations: req.annotations } : {}) });
  const signature = await req.signer.sign(preAuthEncoding(INTOTO_PAYLOAD_TYPE, statement));
  const bundleJson = {
    mediaType: BUNDLE_V03_MEDIA_TYPE,
    verificationMaterial: { publicKey: { hint: keyHintOf(req.signer.publicKey.spki) } },
    dsseEnvelope: {
      payload: Buffer.from(statement).toString('base64'),
      payloadType: INTOTO_PAYLOAD_TYPE,
      signatures: [{ sig: Buffer.from(signature).toString('base64') }],
    },
  };
  const bundle = Buffer.from(JSON.stringify(bundleJson), 'utf8');
  const bundleDigest = sha256Digest(bundle);
  const annotations = {
    [ANNOTATION_BUNDLE_CONTENT]: BUNDLE_CONTENT_DSSE,
    [ANNOTATION_BUNDLE_PREDICATE_TYPE]: COSIGN_SIGN_PREDICATE_TYPE,
    [ANNOTATION_CREATED]: rfc3339Seconds(req.created ?? new Date()),
  };
  const manifestJson = {
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    config: { mediaType: OCI_EMPTY_MEDIA_TYPE, size: OCI_EMPTY_CONFIG.length, digest: OCI_EMPTY_DIGEST, artifactType: BUNDLE_V03_MEDIA_TYPE },
    layers: [{ mediaType: BUNDLE_V03_MEDIA_TYPE, size: bundle.length, digest: bundleDigest }],
    annotations,
    subject: { mediaType: req.subject.mediaType, size: req.subject.size, digest: req.subject.digest },
    artifactType: BUNDLE_V03_MEDIA_TYPE,
  };
  const manifest = Buffer.from(JSON.stringify(manifestJson), 'utf8');
  const manifestDigest = sha256Digest(manifest);
  return {
    statement,
    bundle,
    bundleDescriptor: { mediaType: BUNDLE_V03_MEDIA_TYPE, digest: bundleDigest, size: bundle.length },
    config: OCI_EMPTY_CONFIG,
    configDescriptor: { mediaType: OCI_EMPTY_MEDIA_TYPE, digest: OCI_EMPTY_DIGEST, size: OCI_EMPTY_CONFIG.length },
    manifest,
    manifestDigest,
    indexDescriptor: { mediaType: MediaType.OciManifest, digest: manifestDigest, size: manifest.length, annotations: { ...annotations }, artifactType: BUNDLE_V03_MEDIA_TYPE },
  };
}

/** Go's time.RFC3339 of a UTC time: seconds, no fraction ("2026-05-01T12:00:00Z"). */
function rfc3339Seconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
