/**
 * A referrers list: one page of `GET /v2/<name>/referrers/<digest>` or the index at the
 * referrers tag (`sha256-<hex>`, OCI distribution 1.1), read strictly and bounded, and which of
 * its entries may be Sigstore bundles. Pure: the store fetches and pages; this reads one page.
 * (It lives beside the bundle format because bundles are its first reader; stores/ may take it.)
 *
 * Entries are kept in order, a digest listed twice once (the first), each descriptor checked
 * field by field (content/manifest.ts). Which entries to open: `bundleCandidate` says
 * `bundle` for an artifactType that is a bundle media type, `maybe-bundle` for entries whose
 * artifactType cannot tell (absent, or `application/vnd.oci.empty.v1+json`, which cosign v3.0.x's
 * go-containerregistry wrote into fallback indexes from the config's media type), else `other`.
 */
import { SignetError } from '../../errors.js';
import { INDEX_TYPES, MediaType } from '../../content/media-types.js';
import { parseManifest, type Descriptor } from '../../content/manifest.js';
import { printableText, quoted } from '../../../../shared/printable.js';
import { strictJsonDocument } from './json-document.js';
import { isBundleMediaType, MAX_REFERRERS_INDEX_BYTES, MAX_REFERRERS_PER_INDEX, OCI_EMPTY_MEDIA_TYPE } from './media-types.js';
import { couldNotCheck, invalid, read, type Read } from './problem.js';

export interface ReferrersIndex {
  manifests: readonly Descriptor[];
  /** How many entries repeated a digest listed before them (dropped). */
  duplicates: number;
}

export function parseReferrersIndex(bytes: Uint8Array, headerType?: string): Read<ReferrersIndex> {
  if (bytes.length > MAX_REFERRERS_INDEX_BYTES) return couldNotCheck(`The referrers list is ${bytes.length} bytes, more than the ${MAX_REFERRERS_INDEX_BYTES} Signet reads for one image.`);
  const strict = strictJsonDocument(bytes, 'the referrers list');
  if (!strict.ok) return strict;
  let parsed;
  try {
    parsed = parseManifest(bytes, headerType);
  } catch (e) {
    if (e instanceof SignetError) return invalid(`The referrers list is malformed: ${e.message}`);
    return couldNotCheck(`The referrers list could not be read (${printableText(String(e), { max: 200 })}).`);
  }
  if (parsed.kind !== 'index' || parsed.mediaType !== MediaType.OciIndex) {
    return invalid(`The referrers list has the media type ${quoted(parsed.mediaType)}, not an OCI image index's${INDEX_TYPES.includes(parsed.mediaType) ? '' : ' (it is not an index)'}.`);
  }
  if (parsed.manifests.length > MAX_REFERRERS_PER_INDEX) return couldNotCheck(`The referrers list names ${parsed.manifests.length} artifacts, more than the ${MAX_REFERRERS_PER_INDEX} Signet reads for one image.`);
  const seen = new Set<string>();
  const manifests: Descriptor[] = [];
  for (const d of parsed.manifests) {
    if (seen.has(d.digest)) continue;
    seen.add(d.digest);
    manifests.push(d);
  }
  return read({ manifests, duplicates: parsed.manifests.length - manifests.length });
}

export type BundleCandidate = 'bundle' | 'maybe-bundle' | 'other';

export function bundleCandidate(d: Descriptor): BundleCandidate {
  if (isBundleMediaType(d.artifactType)) return 'bundle';
  if (d.mediaType !== MediaType.OciManifest) return 'other';
  return d.artifactType === undefined || d.artifactType === OCI_EMPTY_MEDIA_TYPE ? 'maybe-bundle' : 'other';
}
