import pLimit from 'p-limit';
import { SignetError } from './errors.js';
import type { Digest } from './content/digest.js';
import { parseManifest, type AnyManifest, type Descriptor } from './content/manifest.js';
import { formatReference, repositoryName, withDigest, type Reference } from './content/reference.js';
import type { RegistryClient, RepoRef } from './registry/client.js';
import { RegistrySignatureStore } from './cosign/registry-signature-store.js';
import type { ImageSource, ResolvedManifest } from './sources/image-source.js';
import { planRegistrySigning, signPlan, type SignOptions, type SignResult } from './sign.js';
import type { Signer } from './keys/signer.js';
import { choosePlatforms } from './platform-choice.js';
import { inOperation } from './registry/operation.js';

/**
 * Copies one image (every platform of an index) from any source to a registry: blobs the
 * registry has are skipped (HEAD), the others streamed (constant memory), then the platform
 * manifests by digest and the top manifest at the destination tag. Signatures the source keeps
 * (an OCI layout's `sha256-<hex>.sig`) are copied along, appended to any at the destination.
 * With a signer, the digest the registry confirms is then signed and read back.
 * An interrupted push can be run again: what the registry already has is not sent twice.
 */
export interface PushProgress {
  bytesDone: number;
  bytesTotal: number;
  blobsDone: number;
  blobsTotal: number;
  /** Blobs the registry already had. */
  blobsSkipped: number;
  phase: 'checking' | 'uploading' | 'manifests' | 'signatures' | 'signing' | 'done';
}

export interface PushOptions {
  signer?: Signer;
  sign?: Omit<SignOptions, 'onProgress'>;
  onProgress?: (p: PushProgress) => void;
  onMessage?: (m: string) => void;
  /** Blobs uploaded at once (default 4). */
  concurrency?: number;
  /**
   * The digest the person reviewed (what the push will create, from planPush): when the source's
   * image no longer has it (the archive was replaced since), nothing is pushed or signed.
   */
  expectedDigest?: Digest;
  /**
   * The image ID (config digest) the person reviewed, for a source whose manifest digest is not
   * known before the push (an engine image): when the image now has another, nothing is pushed.
   */
  expectedImageId?: Digest;
}

export interface PushResult {
  source: string;
  destination: string;
  digest: Digest;
  mediaType: string;
  manifests: number;
  blobs: { total: number; uploaded: number; skipped: number; bytesUploaded: number; bytesTotal: number };
  /** Signatures copied from the source's own store (OCI layouts). */
  signaturesCopied: number;
  signature?: SignResult;
}

interface Plan {
  top: ResolvedManifest;
  parsed: AnyManifest;
  children: ResolvedManifest[];
  blobs: Descriptor[];
}

async function planCopy(source: ImageSource, name: string | undefined): Promise<Plan> {
  const top = await source.resolve(name);
  const parsed = parseManifest(top.bytes, top.mediaType);
  const children: ResolvedManifest[] = [];
  const manifests = [parsed];
  if (parsed.kind === 'index') {
    for (const d of parsed.manifests) {
      const child = await source.manifest(d.digest);
      const m = parseManifest(child.bytes, child.mediaType);
      if (m.kind === 'index') throw new SignetError('MANIFEST_INVALID', `${source.description}: the index ${top.digest} holds another index (${d.digest}); nested indexes are not supported.`);
      children.push(child);
      manifests.push(m);
    }
  }
  const blobs = new Map<Digest, Descriptor>();
  for (const m of manifests) {
    if (m.kind !== 'manifest') continue;
    for (const d of [m.config, ...m.layers]) if (!blobs.has(d.digest)) blobs.set(d.digest, d);
  }
  return { top, parsed, children, blobs: [...blobs.values()] };
}

/**
 * What pushing `name` from `source` will put at the destination, before anything is sent: the top
 * manifest's digest and media type (an archive's is computed, the same on every registry).
 */
export async function planPush(source: ImageSource, name: string | undefined): Promise<{ digest: Digest; mediaType: string }> {
  const { top } = await planCopy(source, name);
  return { digest: top.digest, mediaType: top.mediaType };
}

export function pushImage(client: RegistryClient, source: ImageSource, name: string | undefined, dest: Reference, opts: PushOptions = {}): Promise<PushResult> {
  // One operation: the uploads, the manifests and the signing draw on one retry budget.
  return inOperation({ what: `the push to ${formatReference(dest)}` }, () => copyImage(client, source, name, dest, opts));
}

async function copyImage(client: RegistryClient, source: ImageSource, name: string | undefined, dest: Reference, opts: PushOptions): Promise<PushResult> {
  const repo: RepoRef = { registry: dest.registry, repository: dest.repository };
  const progress: PushProgress = { bytesDone: 0, bytesTotal: 0, blobsDone: 0, blobsTotal: 0, blobsSkipped: 0, phase: 'checking' };
  const report = () => opts.onProgress?.({ ...progress });

  // 1. Read and check everything local before writing anything remote: a missing or wrongly
  //    sized blob stops the push here, with nothing sent.
  const plan = await planCopy(source, name);
  if (opts.expectedDigest !== undefined && plan.top.digest !== opts.expectedDigest) {
    throw new SignetError('IMAGE_CHANGED', `${source.description} now holds an image whose manifest is ${plan.top.digest}, not ${opts.expectedDigest}, the digest that was reviewed (it was changed since). Nothing was pushed or signed; review it again.`);
  }
  const imageId = plan.parsed.kind === 'manifest' ? plan.parsed.config.digest : undefined;
  if (opts.expectedImageId !== undefined && imageId !== opts.expectedImageId) {
    throw new SignetError('IMAGE_CHANGED', `${source.description} is now ${imageId !== undefined ? `the image ${imageId}` : 'an index'}, not the image ${opts.expectedImageId} that was reviewed (it was rebuilt or retagged since). Nothing was pushed or signed; review it again.`);
  }
  for (const b of plan.blobs) await source.checkBlob(b.digest, b.size);
  // A platform choice that does not fit this image is refused now, not after the upload.
  if (opts.signer !== undefined) choosePlatforms(formatReference(dest), plan.parsed, opts.sign ?? {});
  progress.blobsTotal = plan.blobs.length;
  progress.bytesTotal = plan.blobs.reduce((n, b) => n + b.size, 0);
  report();

  // 2. Blobs: skip what is there, stream the rest. Bytes are checked on the way (the source's
  //    stream fails at its end when they are wrong, which aborts the upload before it commits).
  progress.phase = 'uploading';
  let uploaded = 0;
  let bytesUploaded = 0;
  const limit = pLimit(opts.concurrency ?? 4);
  // Largest first, so the long uploads overlap the short ones.
  const order = [...plan.blobs].sort((a, b) => b.size - a.size);
  await Promise.all(order.map((b) => limit(async () => {
    let counted = 0;
    const sent = await client.uploadBlobStream(repo, b.digest, b.size, () => source.blob(b.digest, b.size), (n) => {
      if (n > counted) {
        progress.bytesDone += n - counted;
        counted = n;
        report();
      }
    });
    progress.bytesDone += b.size - counted; // skipped, or a retry re-sent bytes already counted
    progress.blobsDone += 1;
    if (sent) {
      uploaded += 1;
      bytesUploaded += b.size;
    } else {
      progress.blobsSkipped += 1;
      opts.onMessage?.(`${b.digest}: already in ${repositoryName(repo)}, skipped`);
    }
    report();
  })));

  // 3. Manifests: platforms by digest, then the top one at the tag (or by digest).
  progress.phase = 'manifests';
  report();
  for (const c of plan.children) await client.putManifest(withDigest({ ...repo }, c.digest), c.bytes, c.mediaType);
  const pushed = await client.putManifest(dest.tag !== undefined ? { ...repo, tag: dest.tag } : withDigest({ ...repo }, plan.top.digest), plan.top.bytes, plan.top.mediaType);
  if (pushed !== plan.top.digest) throw new SignetError('DIGEST_MISMATCH', `The manifest was pushed as ${pushed}, not ${plan.top.digest}.`);

  // 4. Signatures the source holds travel with the image.
  progress.phase = 'signatures';
  report();
  let signaturesCopied = 0;
  const store = source.signatures?.();
  if (store !== undefined) {
    const destStore = new RegistrySignatureStore(client, repo);
    for (const digest of [plan.top.digest, ...plan.children.map((c) => c.digest)]) {
      const read = await store.read(digest);
      for (const s of read.signatures) {
        if (s.payload === undefined) {
          opts.onMessage?.(`a signature of ${digest} in ${source.description} was not copied: ${s.payloadError?.message ?? 'its payload is unreadable'}`);
          continue;
        }
        const r = await destStore.append(digest, s.payload, s.layer);
        if (!r.alreadyPresent) signaturesCopied += 1;
      }
    }
  }

  const result: PushResult = {
    source: source.description,
    destination: formatReference(dest.tag !== undefined ? { ...repo, tag: dest.tag } : withDigest({ ...repo }, plan.top.digest)),
    digest: plan.top.digest,
    mediaType: plan.top.mediaType,
    manifests: 1 + plan.children.length,
    blobs: { total: plan.blobs.length, uploaded, skipped: plan.blobs.length - uploaded, bytesUploaded, bytesTotal: progress.bytesTotal },
    signaturesCopied,
  };

  // 5. Sign what the registry now serves at the destination, and read it back.
  if (opts.signer !== undefined) {
    progress.phase = 'signing';
    report();
    const destRef: Reference = dest.tag !== undefined ? { ...repo, tag: dest.tag } : withDigest({ ...repo }, plan.top.digest);
    const signing = await planRegistrySigning(client, destRef, opts.sign ?? {});
    if (signing.digest !== plan.top.digest) {
      throw new SignetError('SIGN_RACE_LOST', `${formatReference(destRef)} was pushed as ${plan.top.digest}, but the registry now serves ${signing.digest} there (another push replaced it); nothing was signed.`);
    }
    result.signature = await signPlan(client, destRef, signing, opts.signer, { ...opts.sign, ...(opts.onMessage ? { onProgress: opts.onMessage } : {}) });
  }
  progress.phase = 'done';
  report();
  return result;
}
