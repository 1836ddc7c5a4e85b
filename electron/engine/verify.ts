import pLimit from 'p-limit';
import { describeError, isSignetError } from './errors.js';
import type { Digest } from './content/digest.js';
import { formatReference, repositoryName, type Reference } from './content/reference.js';
import type { ManifestResult, RegistryClient, RepoRef } from './registry/client.js';
import { RegistrySignatureStore } from './cosign/registry-signature-store.js';
import { inOperation } from './registry/operation.js';
import { signatureTag } from './cosign/signature-manifest.js';
import type { SignatureStore } from './cosign/signature-store.js';
import { decideVerdict, evaluateSignatures, type SignatureReport, type Verdict, type VerifyPolicy } from './cosign/verdict.js';

/** What `signet verify --json` prints per image (one object per line). */
export interface VerifyResult {
  image: string;
  digest?: Digest;
  verdict: Verdict;
  message: string;
  signers: string[];
  signatures: SignatureReport[];
}

export interface VerifyProgress {
  done: number;
  total: number;
}

/** Verifies one image digest against the signatures in `store`. Never throws: failures are verdicts. */
export async function verifyDigest(image: string, repository: string, digest: Digest, store: SignatureStore, policy: VerifyPolicy, where: string): Promise<VerifyResult> {
  try {
    const read = await store.read(digest);
    const reports = evaluateSignatures({ repository, digest }, read.signatures, policy);
    const v = decideVerdict(read.found, reports, where);
    return { image, digest, verdict: v.verdict, message: v.message, signers: v.signers, signatures: v.signatures };
  } catch (e) {
    return couldNotCheck(image, e, digest);
  }
}

export function couldNotCheck(image: string, e: unknown, digest?: Digest): VerifyResult {
  if (!isSignetError(e)) throw e; // a programming error must surface, not hide as a verdict
  return { image, ...(digest ? { digest } : {}), verdict: 'error', message: `could not check: ${describeError(e)}`, signers: [], signatures: [] };
}

const signatureTags = (tags: readonly string[]): Set<string> => new Set(tags.filter((t) => t.endsWith('.sig')));

/** Below this many images in one repository, a tag listing costs more than it saves. */
const LIST_TAGS_THRESHOLD = 4;

/**
 * Verifies many registry images concurrently. Per repository with several images, one tag
 * listing tells which digests have a `.sig` tag, so unsigned images need one request, not two.
 * Results come back in input order; `onResult` has each one as soon as it is decided (once per
 * image, in completion order), with the manifest it was fetched by when there is one, so callers
 * can read more from it without asking the registry again.
 */
export async function verifyRegistryImages(
  client: RegistryClient,
  refs: readonly Reference[],
  policy: VerifyPolicy,
  opts: {
    concurrency?: number;
    onProgress?: (p: VerifyProgress) => void;
    onResult?: (result: VerifyResult, index: number, manifest?: ManifestResult) => void;
    /**
     * Tag lists the caller has just read (repository name -> every tag), so they are not read
     * again: a source lists a repository to find its images, and the same list says which
     * digests have a `.sig` tag.
     */
    listedTags?: ReadonlyMap<string, readonly string[]>;
    /** The wall-clock budget of each image's check (default: the client's imageBudgetMs). */
    imageBudgetMs?: number;
  } = {},
): Promise<VerifyResult[]> {
  const limit = pLimit(opts.concurrency ?? 32);
  const byRepo = new Map<string, { repo: RepoRef; count: number }>();
  for (const r of refs) {
    const key = repositoryName(r);
    const entry = byRepo.get(key) ?? { repo: { registry: r.registry, repository: r.repository }, count: 0 };
    entry.count += 1;
    byRepo.set(key, entry);
  }
  const stores = new Map<string, Promise<RegistrySignatureStore>>();
  for (const [key, { repo, count }] of byRepo) {
    const listed = opts.listedTags?.get(key);
    if (listed !== undefined) {
      stores.set(key, Promise.resolve(new RegistrySignatureStore(client, repo, { knownTags: signatureTags(listed) })));
      continue;
    }
    stores.set(key, limit(async () => {
      if (count < LIST_TAGS_THRESHOLD) return new RegistrySignatureStore(client, repo);
      try {
        const { tags } = await client.listTags(repo);
        return new RegistrySignatureStore(client, repo, { knownTags: signatureTags(tags) });
      } catch {
        return new RegistrySignatureStore(client, repo); // listing is an optimisation; ask per image instead
      }
    }));
  }
  let done = 0;
  const budgetMs = opts.imageBudgetMs ?? client.imageBudgetMs;
  return Promise.all(refs.map((ref, index) => limit(async () => {
    const image = formatReference(ref);
    const key = repositoryName(ref);
    let result: VerifyResult;
    let manifest: ManifestResult | undefined;
    try {
      // Each image's whole check, retries included, is one operation with a wall-clock budget:
      // beyond it the image is "could not check", its requests are aborted, and the others go on.
      ({ result, manifest } = await inOperation({ what: 'checking one image', budgetMs }, async () => {
        const store = await stores.get(key)!;
        const m = await client.getManifest(ref);
        return { manifest: m, result: await verifyDigest(image, key, m.digest, store, policy, `${key}:${signatureTag(m.digest)}`) };
      }));
    } catch (e) {
      result = couldNotCheck(image, e);
    }
    done += 1;
    opts.onResult?.(result, index, manifest);
    opts.onProgress?.({ done, total: refs.length });
    return result;
  })));
}
