/**
 * The bundle format's reader: a referrer manifest and its bundle layer's bytes in, the evidence
 * out (what was signed, the signature, the key claim or certificate material, the statement and
 * whether it is a signature or an attestation), or a typed problem. Pure: no network, no store,
 * never throws. The store fetches the layer (`bundleReferrerOf(...).value.layer`), digest-checked
 * and bounded by its declared size; the bytes are checked against that layer again here.
 */
import { sha256Digest, type Digest } from '../../content/digest.js';
import type { ImageManifest } from '../../content/manifest.js';
import { parseBundle, type BundleKeyMaterial, type SigstoreBundle } from './bundle.js';
import { MAX_BUNDLE_BYTES } from './media-types.js';
import type { BundleProblem } from './problem.js';
import { bundleReferrerOf, type BundleReferrer } from './referrer-manifest.js';
import { parseStatement, type InTotoStatement } from './statement.js';

export interface BundleEvidence {
  format: 'sigstore-bundle';
  /** `signature` only for cosign's sign predicate; an attestation is listed, never counted as a signature. */
  kind: 'signature' | 'attestation';
  referrer: BundleReferrer;
  /** Where it is stored: the bundle layer's digest. */
  bundleDigest: Digest;
  bundle: SigstoreBundle;
  statement: InTotoStatement;
}

/**
 * When the envelope was read but the statement inside is malformed, what was signed and by
 * which claimed key, so a check can still say "verifies with alice, but the statement is
 * malformed" (altered after signing is impossible then: the signer signed a malformed statement).
 */
export interface SignedButUnreadable {
  signedBytes: Uint8Array;
  signature: Uint8Array;
  keyMaterial: BundleKeyMaterial;
}

export type BundleEvidenceRead =
  | { ok: true; evidence: BundleEvidence }
  | { ok: false; problem: BundleProblem; bundleDigest: Digest; signed?: SignedButUnreadable };

export interface BundleEvidenceInput {
  /** The referrer manifest: its bytes, the parsed manifest, or what bundleReferrerOf already read. */
  manifest: Uint8Array | ImageManifest | BundleReferrer;
  /** The bundle layer's bytes. */
  bundleBytes: Uint8Array;
}

export function readBundleEvidence(input: BundleEvidenceInput): BundleEvidenceRead {
  const referrer = isReferrer(input.manifest) ? { ok: true as const, value: input.manifest } : bundleReferrerOf(input.manifest);
  const tooBig = input.bundleBytes.length > MAX_BUNDLE_BYTES;
  // Never hash more than a bundle may be: past the bound, the layer's own digest names it (or, with
  // no readable manifest either, the digest of the bound's worth of bytes: they are never read).
  const bundleDigest = tooBig && referrer.ok ? referrer.value.layer.digest : sha256Digest(tooBig ? input.bundleBytes.subarray(0, MAX_BUNDLE_BYTES + 1) : input.bundleBytes);
  const fail = (problem: BundleProblem, signed?: SignedButUnreadable): BundleEvidenceRead => ({ ok: false, problem, bundleDigest, ...(signed ? { signed } : {}) });
  if (!referrer.ok) return fail(referrer.problem);
  if (tooBig) return fail({ status: 'error', reason: `The bundle is ${input.bundleBytes.length} bytes, more than the ${MAX_BUNDLE_BYTES} Signet reads for one bundle.` });
  const layer = referrer.value.layer;
  if (bundleDigest !== layer.digest || input.bundleBytes.length !== layer.size) {
    return fail({ status: 'invalid', reason: `The bundle's bytes (${input.bundleBytes.length} bytes, ${bundleDigest}) are not the layer its manifest names (${layer.size} bytes, ${layer.digest}).` });
  }
  const bundle = parseBundle(input.bundleBytes);
  if (!bundle.ok) return fail(bundle.problem);
  const statement = parseStatement(bundle.value.payload);
  if (!statement.ok) {
    const { signedBytes, signature, keyMaterial } = bundle.value;
    return fail(statement.problem, { signedBytes, signature, keyMaterial });
  }
  return {
    ok: true,
    evidence: { format: 'sigstore-bundle', kind: statement.value.kind, referrer: referrer.value, bundleDigest, bundle: bundle.value, statement: statement.value },
  };
}

function isReferrer(m: BundleEvidenceInput['manifest']): m is BundleReferrer {
  return !(m instanceof Uint8Array) && 'layer' in m && !('kind' in m);
}
