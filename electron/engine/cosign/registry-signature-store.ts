import { setTimeout as sleep } from 'node:timers/promises';
import { SignetError, isSignetError, isTransient } from '../errors.js';
import type { Digest } from '../content/digest.js';
import { MediaType } from '../content/media-types.js';
import { repositoryName } from '../content/reference.js';
import type { RegistryClient, RepoRef } from '../registry/client.js';
import { buildSignatureManifest, parseSignatureManifest, sameSignature, signatureTag, type SignatureLayer } from './signature-manifest.js';
import type { AppendResult, SignatureReadResult, SignatureStore } from './signature-store.js';
import { readSignatures } from './signature-limits.js';

/** Consecutive read-backs, a settle time apart, that must hold our layer before success. */
const CONFIRMATIONS = 2;

function sameLayers(a: readonly SignatureLayer[], b: readonly SignatureLayer[]): boolean {
  return a.length === b.length && a.every((l, i) => sameSignature(l, b[i]!));
}

export interface RegistrySignatureStoreOptions {
  /**
   * Signature tags known to exist in the repository (from one tag listing), so images without a
   * `.sig` tag need no request at all. Undefined: ask the registry per image.
   */
  knownTags?: ReadonlySet<string>;
  /** How long to wait before reading back an appended signature (lets a racing write land). */
  settleMs?: number;
  maxAttempts?: number;
}

export class RegistrySignatureStore implements SignatureStore {
  constructor(
    private readonly client: RegistryClient,
    private readonly repo: RepoRef,
    private readonly options: RegistrySignatureStoreOptions = {},
  ) {}

  async read(imageDigest: Digest): Promise<SignatureReadResult> {
    const layers = await this.readLayers(imageDigest);
    if (layers === null) return { found: false, signatures: [] };
    // The descriptor's size is part of what names the blob (OCI: clients MUST check it; cosign's
    // go-containerregistry and the OCI layout store do). Without it a manifest whose size was
    // altered still verified here but not in an OCI layout or in cosign. The client checks it
    // while reading, so a registry cannot make Signet buffer more than the declared size.
    const where = `${repositoryName(this.repo)}:${signatureTag(imageDigest)}`;
    const signatures = await readSignatures(layers, where, (layer, maxSize) => this.client.getBlob(this.repo, layer.payloadDigest, { expectedSize: layer.payloadSize, maxSize }));
    return { found: true, signatures };
  }

  /**
   * Appends without losing anyone's signature, on a registry that has no compare-and-swap.
   *
   * A registry tag is last-writer-wins, so a signer that read the tag before our write and writes
   * after it drops our layer. Three things keep every signature (design §5; the concurrent-signer
   * test drives ten signers through injected faults):
   *  - the window between reading the tag and writing it is one request: the config blob is
   *    uploaded first, the tag re-read, and the manifest PUT made at once, with no transparent
   *    retry (a retried PUT would re-send a document that may be stale by then; we re-read);
   *  - every layer seen at this tag while we work is kept in what we write (a layer another
   *    writer dropped is put back, by whoever still holds it);
   *  - success needs CONFIRMATIONS consecutive read-backs, a settle time apart, that hold our
   *    layer and every layer seen; a read that lacks one means a late writer, and we go round.
   * Before, one read-back right after the write was taken as success, and ten concurrent signers
   * could all report success while only some of their signatures remained.
   */
  async append(imageDigest: Digest, payload: Uint8Array, layer: SignatureLayer): Promise<AppendResult> {
    const tag = signatureTag(imageDigest);
    const location = `${repositoryName(this.repo)}:${tag}`;
    const maxAttempts = this.options.maxAttempts ?? 8;
    const settleMs = this.options.settleMs ?? 250;
    const settle = (factor = 1) => sleep(Math.round((settleMs + Math.random() * settleMs) * factor));
    // The payload blob does not depend on other signers: upload it before reading the tag, so the
    // read-modify-write window below is as short as possible.
    await this.client.uploadBlob(this.repo, layer.payloadDigest, payload);
    const seen: SignatureLayer[] = [];
    const remember = (ls: readonly SignatureLayer[]) => { for (const l of ls) if (!seen.some((x) => sameSignature(x, l))) seen.push(l); };
    const missingFrom = (ls: readonly SignatureLayer[]) => [...seen, layer].filter((w, i, all) => !ls.some((l) => sameSignature(l, w)) && all.findIndex((x) => sameSignature(x, w)) === i);
    let writes = 0;
    let confirmations = 0;
    let transientFailures = 0;
    let lastError: unknown;
    for (let round = 1; round <= maxAttempts * 8; round++) {
      let existing: SignatureLayer[];
      try {
        existing = (await this.readLayers(imageDigest, true)) ?? [];
      } catch (e) {
        // The client has already retried this read. Before any write nothing is at stake; after
        // one, a few more tries to learn whether it landed, then the error as it is.
        if (!isTransient(e) || writes === 0 || ++transientFailures > maxAttempts) throw e;
        lastError = e;
        confirmations = 0;
        await settle();
        continue;
      }
      remember(existing);
      const missing = missingFrom(existing);
      if (missing.length === 0) {
        if (writes === 0) return { attempts: 1, location, alreadyPresent: true };
        confirmations += 1;
        if (confirmations >= CONFIRMATIONS) return { attempts: writes, location, alreadyPresent: false };
        await settle(confirmations);
        continue;
      }
      confirmations = 0;
      if (writes >= maxAttempts) break;
      try {
        const blobs = buildSignatureManifest([...existing, ...missing]);
        await this.client.uploadBlob(this.repo, blobs.configDigest, blobs.config);
        // Re-read just before the write: if the tag moved while the config uploaded, start again.
        const now = (await this.readLayers(imageDigest, true)) ?? [];
        if (!sameLayers(now, existing)) {
          remember(now);
          await sleep(Math.random() * settleMs);
          continue;
        }
        writes += 1;
        await this.client.putManifest({ ...this.repo, tag }, blobs.manifest, MediaType.OciManifest, { retry: false });
      } catch (e) {
        // Before our first PUT nothing of ours is at stake: report the error as it is.
        if (!isTransient(e) || writes === 0 || ++transientFailures > maxAttempts) throw e;
        lastError = e; // the write may or may not have landed: the next read tells
      }
      await settle();
    }
    if (lastError !== undefined && isSignetError(lastError) && writes < maxAttempts) throw lastError;
    throw new SignetError('SIGN_RACE_LOST', `The signature was written to ${location} ${writes} times, but each time another writer replaced the tag before it could be confirmed. Nothing existing was removed; try again.`, { location });
  }

  /** Layers of the signature manifest, or null when there is none. */
  private async readLayers(imageDigest: Digest, forWrite = false): Promise<SignatureLayer[] | null> {
    const tag = signatureTag(imageDigest);
    if (!forWrite && this.options.knownTags && !this.options.knownTags.has(tag)) return null;
    const res = await this.client.getManifestIfExists({ ...this.repo, tag });
    if (res === null) return null;
    try {
      return parseSignatureManifest(res.bytes, res.mediaType);
    } catch (e) {
      if (forWrite && isSignetError(e)) {
        throw new SignetError('SIGNATURE_MANIFEST_INVALID', `The existing signature manifest at ${repositoryName(this.repo)}:${tag} is malformed (${e.message}). Signet will not overwrite it, because that could discard signatures; inspect or delete it first.`);
      }
      throw e;
    }
  }
}
