/**
 * The Sigstore bundle format (cosign v3's default), as self-contained pure modules: bytes in,
 * facts out; no network, no store. What the formats registry and the sign path call:
 *
 *   reading   bundleCandidate(descriptor)        which referrers to open (lenient artifactType)
 *             bundleReferrerOf(manifest)         the bundle layer to fetch, the claimed subject
 *             readBundleEvidence({manifest, bundleBytes})   evidence, or a typed problem
 *             checkBundle(read, image, policy)   a signature report, or an attestation (never counted)
 *   writing   buildBundleSignature({signer, subject, repository, annotations})
 *             -> blobs, referrer manifest, and the fallback-index descriptor
 *   listing   parseReferrersIndex(bytes)         one referrers page or fallback index, bounded
 */
export { bundleCandidate, parseReferrersIndex, type BundleCandidate, type ReferrersIndex } from './referrers-index.js';
export { bundleReferrerOf, looksLikeBundleReferrer, type BundleReferrer } from './referrer-manifest.js';
export { readBundleEvidence, type BundleEvidence, type BundleEvidenceInput, type BundleEvidenceRead, type SignedButUnreadable } from './read-evidence.js';
export { checkBundle, type BundleCheck, type BundleReport } from './check-bundle.js';
export { buildBundleSignature, type BundleSignature, type BundleSignatureRequest } from './build-bundle-signature.js';
export { parseBundle, keyHintOf, type BundleKeyMaterial, type BundleVersion, type SigstoreBundle } from './bundle.js';
export { parseStatement, buildStatement, type InTotoStatement, type StatementSubject } from './statement.js';
export { preAuthEncoding } from './pae.js';
export type { BundleProblem, BundleProblemStatus, Read } from './problem.js';
export * from './media-types.js';
