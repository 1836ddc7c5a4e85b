import type { Digest } from './content/digest.js';
import { formatReference, repositoryName, type Reference } from './content/reference.js';
import { parseManifest, platformString } from './content/manifest.js';
import type { RegistryClient } from './registry/client.js';
import { RegistrySignatureStore } from './cosign/registry-signature-store.js';
import { signatureTag } from './cosign/signature-manifest.js';
import { verifyDigest, type VerifyResult } from './verify.js';

export interface InspectResult {
  image: string;
  digest: Digest;
  mediaType: string;
  size: number;
  platforms: Array<{ platform: string; digest: Digest }>;
  layers?: number;
  signatureTag: string;
  /** Signatures found, evaluated without trusted keys: their claims, not a verdict on trust. */
  signatures: VerifyResult['signatures'];
  signed: boolean;
}

export async function inspectRegistryImage(client: RegistryClient, ref: Reference): Promise<InspectResult> {
  const got = await client.getManifest(ref);
  const repo = repositoryName(ref);
  const store = new RegistrySignatureStore(client, { registry: ref.registry, repository: ref.repository });
  return inspectResult(formatReference(ref), got, await verifyDigest(formatReference(ref), repo, got.digest, store, { keys: [] }, `${repo}:${signatureTag(got.digest)}`));
}

/** The inspect view of a manifest and of the signatures read for it (evaluated with no trusted keys). */
export function inspectResult(image: string, got: { digest: Digest; mediaType: string; bytes: Uint8Array }, sig: VerifyResult): InspectResult {
  const manifest = parseManifest(got.bytes, got.mediaType);
  return {
    image,
    digest: got.digest,
    mediaType: got.mediaType,
    size: got.bytes.length,
    platforms: manifest.kind === 'index' ? manifest.manifests.map((d) => ({ platform: platformString(d.platform), digest: d.digest })) : [],
    ...(manifest.kind === 'manifest' ? { layers: manifest.layers.length } : {}),
    signatureTag: signatureTag(got.digest),
    signatures: sig.signatures,
    signed: sig.verdict !== 'unsigned' && sig.verdict !== 'error',
  };
}
