/**
 * The OCI 1.1 referrer manifest that carries a bundle (cosign specs/BUNDLE_SPEC.md): an image
 * manifest with one layer whose media type starts with `application/vnd.dev.sigstore.bundle`,
 * a `subject` naming the image, and an `artifactType`. Nothing in it is signed, so it is read
 * only to find the bundle layer and the subject it claims; its `artifactType` is recorded, not
 * required (cosign v3.0.x's fallback indexes say `application/vnd.oci.empty.v1+json`, and other
 * writers omit it), and its config is never read.
 */
import { SignetError } from '../../errors.js';
import { sha256Digest, type Digest } from '../../content/digest.js';
import { MediaType } from '../../content/media-types.js';
import { parseManifest, type Descriptor, type ImageManifest } from '../../content/manifest.js';
import { printableText, quoted } from '../../../../shared/printable.js';
import { strictJsonDocument } from './json-document.js';
import { isBundleMediaType, MAX_BUNDLE_BYTES, MAX_REFERRER_MANIFEST_BYTES } from './media-types.js';
import { couldNotCheck, invalid, read, type Read } from './problem.js';

export interface BundleReferrer {
  /** sha256 of the manifest bytes, when they were given. */
  manifestDigest?: Digest;
  artifactType?: string;
  /** The image the manifest says it refers to (not signed: the statement's subject is what counts). */
  subject: Descriptor;
  /** The bundle layer: fetch this blob (digest-checked, at most `size` bytes) and give it to readBundleEvidence. */
  layer: Descriptor;
  annotations: Readonly<Record<string, string>>;
}

/** Whether a manifest is meant as a bundle referrer: a bundle layer or a bundle artifactType. */
export function looksLikeBundleReferrer(m: ImageManifest): boolean {
  return isBundleMediaType(m.artifactType) || m.layers.some((l) => isBundleMediaType(l.mediaType));
}

/** The bundle layer and subject of a referrer manifest (parsed, or its bytes), or why it is not a sound one. */
export function bundleReferrerOf(manifest: ImageManifest | Uint8Array): Read<BundleReferrer> {
  let m: ImageManifest;
  let manifestDigest: Digest | undefined;
  if (manifest instanceof Uint8Array) {
    if (manifest.length > MAX_REFERRER_MANIFEST_BYTES) return couldNotCheck(`The bundle's referrer manifest is ${manifest.length} bytes, more than the ${MAX_REFERRER_MANIFEST_BYTES} Signet reads.`);
    const strict = strictJsonDocument(manifest, 'the bundle\'s referrer manifest');
    if (!strict.ok) return strict;
    let parsed;
    try {
      parsed = parseManifest(manifest);
    } catch (e) {
      if (e instanceof SignetError) return invalid(`The bundle's referrer manifest is malformed: ${e.message}`);
      return couldNotCheck(`The bundle's referrer manifest could not be read (${printableText(String(e), { max: 200 })}).`);
    }
    if (parsed.kind !== 'manifest') return invalid(`The bundle's referrer is an index (${quoted(parsed.mediaType)}), not an image manifest.`);
    m = parsed;
    manifestDigest = sha256Digest(manifest);
  } else {
    m = manifest;
  }
  if (m.mediaType !== MediaType.OciManifest) return invalid(`The bundle's referrer manifest has the media type ${quoted(m.mediaType)}, not an OCI image manifest's.`);
  const layer = m.layers[0];
  if (m.layers.length !== 1 || layer === undefined || !isBundleMediaType(layer.mediaType)) {
    const types = m.layers.slice(0, 3).map((l) => quoted(l.mediaType)).join(', ');
    return invalid(`A bundle referrer manifest holds exactly one layer, a Sigstore bundle; this one holds ${m.layers.length}${types ? ` (${types})` : ''}.`);
  }
  if (layer.size > MAX_BUNDLE_BYTES) return couldNotCheck(`The bundle layer is declared as ${layer.size} bytes, more than the ${MAX_BUNDLE_BYTES} Signet reads for one bundle.`);
  if (m.subject === undefined) return invalid('The bundle\'s referrer manifest names no subject, so it refers to no image.');
  return read({
    ...(manifestDigest !== undefined ? { manifestDigest } : {}),
    ...(m.artifactType !== undefined ? { artifactType: m.artifactType } : {}),
    subject: m.subject,
    layer,
    annotations: { ...(m.annotations ?? {}) },
  });
}
