/**
 * The names the cosign v3 bundle format uses: media types, predicate types and annotations, as
 * cosign writes them (specs/BUNDLE_SPEC.md, pkg/oci/remote/write.go, pkg/types/predicate.go)
 * and as the Sigstore protobuf specs define the bundle.
 */
import type { Digest } from '../../content/digest.js';

/** Every Sigstore bundle media type starts with this (v0.1/v0.2 `+json;version=`, v0.3 `.v0.3+json`). */
export const BUNDLE_MEDIA_TYPE_PREFIX = 'application/vnd.dev.sigstore.bundle';
/** What cosign v3 and Signet write: the bundle layer's media type and the referrer's artifactType. */
export const BUNDLE_V03_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';

/** The DSSE payload type of an in-toto statement: the only one a bundle signature may carry here. */
export const INTOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const STATEMENT_TYPE_V1 = 'https://in-toto.io/Statement/v1';
/** The older statement type (in-toto attestation framework v0.1), still written by some tools. */
export const STATEMENT_TYPE_V01 = 'https://in-toto.io/Statement/v0.1';

/** A statement with this predicate type is an image signature (`cosign sign`); any other is an attestation. */
export const COSIGN_SIGN_PREDICATE_TYPE = 'https://sigstore.dev/cosign/sign/v1';

/** The OCI empty descriptor: the config of every artifact manifest that needs none. */
export const OCI_EMPTY_MEDIA_TYPE = 'application/vnd.oci.empty.v1+json';
export const OCI_EMPTY_CONFIG: Uint8Array = Buffer.from('{}', 'utf8');
export const OCI_EMPTY_DIGEST: Digest = 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a';

/** Manifest annotations cosign writes on a bundle referrer. */
export const ANNOTATION_BUNDLE_CONTENT = 'dev.sigstore.bundle.content';
export const ANNOTATION_BUNDLE_PREDICATE_TYPE = 'dev.sigstore.bundle.predicateType';
export const ANNOTATION_CREATED = 'org.opencontainers.image.created';
export const BUNDLE_CONTENT_DSSE = 'dsse-envelope';

/**
 * Bounds on what is read for one bundle. A key-based bundle is about 1.5 KB, a keyless one with
 * a certificate chain and a log entry about 10 KB; attestations with large predicates (SBOMs)
 * reach a few MB. Past these, the bundle is *could not check*, never silently cut.
 */
export const MAX_BUNDLE_BYTES = 4 * 1024 * 1024;
export const MAX_REFERRER_MANIFEST_BYTES = 64 * 1024;
/** A referrers list (API page or fallback index): bytes and entries. */
export const MAX_REFERRERS_INDEX_BYTES = 4 * 1024 * 1024;
export const MAX_REFERRERS_PER_INDEX = 10_000;

export function isBundleMediaType(mediaType: string | undefined): boolean {
  return typeof mediaType === 'string' && mediaType.startsWith(BUNDLE_MEDIA_TYPE_PREFIX);
}
