import pLimit from 'p-limit';
import { SignetError } from './errors.js';
import type { Digest } from './content/digest.js';
import { formatReference, repositoryName, withDigest, type Reference } from './content/reference.js';
import { parseManifest } from './content/manifest.js';
import type { RegistryClient } from './registry/client.js';
import type { Signer } from './keys/signer.js';
import { buildPayload } from './cosign/payload.js';
import { newSignatureLayer, signatureTag } from './cosign/signature-manifest.js';
import type { SignatureStore } from './cosign/signature-store.js';
import { RegistrySignatureStore } from './cosign/registry-signature-store.js';
import { KEY_HINT_ANNOTATION, type TrustedKey } from './cosign/verdict.js';
import { verifyDigest, type VerifyResult } from './verify.js';
import { choosePlatforms, indexPlatforms, type PlatformChoice, type PlatformManifest } from './platform-choice.js';
import { inOperation } from './registry/operation.js';

export const CREATOR = 'Signet 0.1.0';

/** Which platform manifests of an index are signed is the PlatformChoice (default: all of them). */
export interface SignOptions extends PlatformChoice {
  /** `-a k=v`: written into the payload's `optional`. */
  annotations?: Record<string, string>;
  /** Name shown for the key in the read-back verdict. */
  keyName?: string;
  /**
   * The digest the user reviewed (the desktop's Sign flow): when the reference now resolves to
   * another (pushed again since the review), nothing is signed. A tag is a pointer; what was
   * reviewed is the digest.
   */
  expectedDigest?: Digest;
  onProgress?: (message: string) => void;
}

export interface SignedTarget {
  digest: Digest;
  mediaType: string;
  platform?: string;
  location: string;
  attempts: number;
  alreadyPresent: boolean;
  /** The verdict read back from the registry after writing. */
  readBack: VerifyResult;
}

export interface SignResult {
  image: string;
  digest: Digest;
  mediaType: string;
  identity: string;
  signatures: SignedTarget[];
}

/** What will be signed, so a person (or --dry-run) can review it before anything is written. */
export interface SignPlan {
  image: string;
  identity: string;
  digest: Digest;
  mediaType: string;
  /** What will be signed: the image itself first, then the chosen platform manifests. */
  targets: Array<{ digest: Digest; mediaType: string; platform?: string }>;
  /** Every platform manifest of an index, chosen or not (empty for a single-platform image). */
  platforms: PlatformManifest[];
}

/**
 * The identity written into the payload: with the tag when the user named one (as skopeo and
 * podman write it, and containers/image's default matchRepoDigestOrExact requires), else the
 * repository alone (as cosign writes it).
 */
export function signingIdentity(ref: Reference): string {
  return ref.tag !== undefined ? `${repositoryName(ref)}:${ref.tag}` : repositoryName(ref);
}

export async function planRegistrySigning(client: RegistryClient, ref: Reference, choice: PlatformChoice = {}): Promise<SignPlan> {
  const top = await inOperation({ what: `reading ${formatReference(ref)} to sign it` }, () => client.getManifest(ref));
  const manifest = parseManifest(top.bytes, top.mediaType);
  const image = formatReference(ref);
  const targets = [{ digest: top.digest, mediaType: top.mediaType }, ...choosePlatforms(image, manifest, choice)];
  return { image, identity: signingIdentity(ref), digest: top.digest, mediaType: top.mediaType, targets, platforms: indexPlatforms(manifest) };
}

export async function signPlan(client: RegistryClient, ref: Reference, plan: SignPlan, signer: Signer, opts: SignOptions = {}): Promise<SignResult> {
  const store = new RegistrySignatureStore(client, { registry: ref.registry, repository: ref.repository });
  const repo = repositoryName(ref);
  // One operation: every upload, write and read-back of the signing draws on one retry budget.
  return inOperation({ what: `signing ${plan.image}` }, () =>
    signTargets(store, plan, signer, opts, (digest) => ({ image: formatReference(withDigest(ref, digest)), repository: repo, where: `${repo}:${signatureTag(digest)}` })));
}

/** Where a read-back looks: the image label, the repository matchRepository compares, and the signature's location. */
export interface ReadBackTarget {
  image: string;
  repository: string;
  where: string;
}

/** Signs every target of `plan` into `store` (registry or OCI layout), each read back and verified. */
export async function signTargets(store: SignatureStore, plan: SignPlan, signer: Signer, opts: SignOptions, readBackAt: (digest: Digest) => ReadBackTarget): Promise<SignResult> {
  if (opts.expectedDigest !== undefined && plan.digest !== opts.expectedDigest) {
    throw new SignetError('IMAGE_CHANGED', `${plan.image} now resolves to ${plan.digest}, not to ${opts.expectedDigest}, the digest that was reviewed (it was pushed again since). Nothing was signed; review it again.`);
  }
  const key: TrustedKey = { name: opts.keyName ?? 'this key', publicKey: signer.publicKey };
  const limit = pLimit(4);
  const signatures = await Promise.all(plan.targets.map((t) => limit(async (): Promise<SignedTarget> => {
    opts.onProgress?.(`signing ${t.digest}${t.platform ? ` (${t.platform})` : ''}`);
    const payload = buildPayload({
      dockerReference: plan.identity,
      manifestDigest: t.digest,
      ...(opts.annotations && Object.keys(opts.annotations).length > 0 ? { annotations: opts.annotations } : {}),
      creator: CREATOR,
      timestamp: Math.floor(Date.now() / 1000),
    });
    const signature = await signer.sign(payload);
    const layer = newSignatureLayer(payload, signature, { [KEY_HINT_ANNOTATION]: signer.publicKey.fingerprint });
    const appended = await store.append(t.digest, payload, layer);
    const readBack = await readBackVerdict(store, readBackAt(t.digest), t.digest, key, opts.annotations);
    return { digest: t.digest, mediaType: t.mediaType, ...(t.platform ? { platform: t.platform } : {}), location: appended.location, attempts: appended.attempts, alreadyPresent: appended.alreadyPresent, readBack };
  })));
  return { image: plan.image, digest: plan.digest, mediaType: plan.mediaType, identity: plan.identity, signatures };
}

async function readBackVerdict(store: SignatureStore, at: ReadBackTarget, digest: Digest, key: TrustedKey, annotations?: Record<string, string>): Promise<VerifyResult> {
  const result = await verifyDigest(at.image, at.repository, digest, store, { keys: [key], ...(annotations ? { requiredAnnotations: annotations } : {}) }, at.where);
  if (result.verdict !== 'verified') {
    throw new SignetError('SIGN_RACE_LOST', `The signature was written, but reading it back gave "${result.message}" instead of verified.`, { digest });
  }
  return result;
}

