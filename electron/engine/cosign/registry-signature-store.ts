import { setTimeout as sleep } from 'node:timers/promises';
import { SignetError, isSignetError } from '../errors.js';
import type { Digest } from '../content/digest.js';
import { MediaType } from '../content/media-types.js';
import { repositoryName } from '../content/reference.js';
import type { RegistryClient, RepoRef } from '../registry/client.js';
import { buildSignatureManifest, parseSignatureManifest, sameSignature, signatureTag, type SignatureLayer } from './signature-manifest.js';
import type { AppendResult, SignatureReadResult, SignatureStore, StoredSignature } from './signature-store.js';

/** Cosign payloads are a few hundred bytes; anything this large is not a payload. */
const MAX_PAYLOAD_BYTES = 1024 * 1024;

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
    const signatures = await Promise.all(layers.map((layer) => this.fetchPayload(layer)));
    return { found: true, signatures };
  }

  async append(imageDigest: Digest, payload: Uint8Array, layer: SignatureLayer): Promise<AppendResult> {
    const tag = signatureTag(imageDigest);
    const location = `${repositoryName(this.repo)}:${tag}`;
    const maxAttempts = this.options.maxAttempts ?? 8;
    const settleMs = this.options.settleMs ?? 250;
    // The payload blob does not depend on other signers: upload it before reading the tag, so the
    // read-modify-write window below is as short as possible.
    await this.client.uploadBlob(this.repo, layer.payloadDigest, payload);
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const existing = (await this.readLayers(imageDigest, true)) ?? [];
      if (existing.some((l) => sameSignature(l, layer))) {
        return { attempts: attempt, location, alreadyPresent: attempt === 1 };
      }
      const blobs = buildSignatureManifest([...existing, layer]);
      await this.client.uploadBlob(this.repo, blobs.configDigest, blobs.config);
      await this.client.putManifest({ ...this.repo, tag }, blobs.manifest, MediaType.OciManifest);
      // A concurrent signer that read the tag before our write may overwrite it without our layer.
      // Wait, then read back: if ours is gone we lost a race and go round again.
      await sleep(settleMs + Math.random() * settleMs);
      const after = (await this.readLayers(imageDigest, true)) ?? [];
      if (after.some((l) => sameSignature(l, layer))) return { attempts: attempt, location, alreadyPresent: false };
      await sleep(Math.random() * settleMs * attempt);
    }
    throw new SignetError('SIGN_RACE_LOST', `The signature was written to ${location} ${maxAttempts} times, but each time another writer replaced the tag before it could be confirmed. Nothing existing was removed; try again.`, { location });
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

  private async fetchPayload(layer: SignatureLayer): Promise<StoredSignature> {
    if (layer.payloadSize > MAX_PAYLOAD_BYTES) {
      return { layer, payloadError: new SignetError('PAYLOAD_INVALID', `The payload is declared as ${layer.payloadSize} bytes, far larger than any signature payload.`) };
    }
    try {
      const payload = await this.client.getBlob(this.repo, layer.payloadDigest, MAX_PAYLOAD_BYTES);
      return { layer, payload };
    } catch (e) {
      if (isSignetError(e)) return { layer, payloadError: e };
      throw e;
    }
  }
}
