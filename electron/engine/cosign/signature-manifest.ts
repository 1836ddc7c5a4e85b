import { SignetError } from '../errors.js';
import { sha256Digest, digestHex, type Digest } from '../content/digest.js';
import { COSIGN_SIGNATURE_ANNOTATION, IMAGE_MANIFEST_TYPES, MediaType } from '../content/media-types.js';
import { parseManifest, type Descriptor } from '../content/manifest.js';
import { quoted } from '../../../shared/printable.js';

/**
 * The cosign signature manifest stored at tag `sha256-<hex>.sig`: an OCI image manifest whose
 * layers are simple-signing payloads, each with its base64 signature in a layer annotation.
 * Byte layout follows what upstream containers/image writes (see ../shared/fixtures).
 */

/** One signature layer as stored: the payload blob's descriptor and its annotations. */
export interface SignatureLayer {
  payloadDigest: Digest;
  payloadSize: number;
  mediaType: string;
  /** Base64 signature from the annotation; undefined when the annotation is missing. */
  signatureB64?: string;
  /** Every layer annotation, kept as-is when appending so nothing of others' is lost. */
  annotations: Record<string, string>;
}

export interface SignatureManifestBlobs {
  manifest: Uint8Array;
  config: Uint8Array;
  configDigest: Digest;
}

export function signatureTag(imageDigest: Digest): string {
  return `sha256-${digestHex(imageDigest)}.sig`;
}

/** Parses a stored signature manifest; any structural problem is SIGNATURE_MANIFEST_INVALID. */
export function parseSignatureManifest(bytes: Uint8Array, headerType?: string): SignatureLayer[] {
  let m;
  try {
    m = parseManifest(bytes, headerType);
  } catch (e) {
    throw new SignetError('SIGNATURE_MANIFEST_INVALID', `The signature manifest is malformed: ${(e as Error).message}`, {}, { cause: e });
  }
  if (m.kind !== 'manifest' || !IMAGE_MANIFEST_TYPES.includes(m.mediaType)) {
    throw new SignetError('SIGNATURE_MANIFEST_INVALID', `The signature manifest has the media type ${quoted(m.mediaType)}, not an image manifest's.`);
  }
  return m.layers.map(layerFromDescriptor);
}

function layerFromDescriptor(d: Descriptor): SignatureLayer {
  const annotations = d.annotations ?? {};
  const layer: SignatureLayer = { payloadDigest: d.digest, payloadSize: d.size, mediaType: d.mediaType, annotations: { ...annotations } };
  const sig = annotations[COSIGN_SIGNATURE_ANNOTATION];
  if (sig !== undefined) layer.signatureB64 = sig;
  return layer;
}

/**
 * Serialises a signature manifest holding `layers` in order. The config lists every payload
 * digest as a diff_id, as containers/image and cosign write it.
 */
export function buildSignatureManifest(layers: readonly SignatureLayer[]): SignatureManifestBlobs {
  const config = Buffer.from(JSON.stringify({
    architecture: '',
    os: '',
    config: {},
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.payloadDigest) },
  }), 'utf8');
  const configDigest = sha256Digest(config);
  const manifest = {
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    config: { mediaType: MediaType.OciConfig, digest: configDigest, size: config.length },
    layers: layers.map((l) => ({
      mediaType: l.mediaType,
      digest: l.payloadDigest,
      size: l.payloadSize,
      annotations: l.annotations,
    })),
  };
  return { manifest: Buffer.from(JSON.stringify(manifest), 'utf8'), config, configDigest };
}

export function newSignatureLayer(payload: Uint8Array, signature: Uint8Array, extraAnnotations: Record<string, string> = {}): SignatureLayer {
  const signatureB64 = Buffer.from(signature).toString('base64');
  return {
    payloadDigest: sha256Digest(payload),
    payloadSize: payload.length,
    mediaType: MediaType.CosignSimpleSigning,
    signatureB64,
    annotations: { [COSIGN_SIGNATURE_ANNOTATION]: signatureB64, ...extraAnnotations },
  };
}

/** Two layers are the same signature when payload and signature are identical. */
export function sameSignature(a: SignatureLayer, b: SignatureLayer): boolean {
  return a.payloadDigest === b.payloadDigest && a.signatureB64 === b.signatureB64;
}
