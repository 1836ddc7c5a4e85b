import type { Readable } from 'node:stream';
import { SignetError } from '../errors.js';
import type { Digest } from '../content/digest.js';
import { withTag, type Reference } from '../content/reference.js';
import type { RegistryClient, RepoRef } from '../registry/client.js';
import { RegistrySignatureStore } from '../cosign/registry-signature-store.js';
import type { ImageSource, ResolvedManifest, SourceImage } from './image-source.js';

const SIG_TAG_RE = /^sha256-[a-f0-9]{64}\.(sig|att|sbom)$/;

/** Of a repository's tags, the ones that name images (not cosign's signature, attestation or SBOM tags), sorted. */
export function imageTags(tags: readonly string[]): string[] {
  return tags.filter((t) => !SIG_TAG_RE.test(t)).sort();
}

/** One registry repository as an ImageSource: its tags are its images (signature tags excluded). */
export class RegistrySource implements ImageSource {
  readonly description: string;
  private readonly repo: RepoRef;

  constructor(private readonly client: RegistryClient, private readonly ref: Reference) {
    this.repo = { registry: ref.registry, repository: ref.repository };
    this.description = `${ref.registry}/${ref.repository}`;
  }

  async list(): Promise<SourceImage[]> {
    const { tags } = await this.client.listTags(this.repo);
    return imageTags(tags).map((t) => ({ name: t }));
  }

  async resolve(name?: string): Promise<ResolvedManifest> {
    return this.client.getManifest(name === undefined ? this.ref : withTag(this.ref, name));
  }

  async manifest(digest: Digest): Promise<ResolvedManifest> {
    return this.client.getManifest({ ...this.repo, digest });
  }

  async checkBlob(digest: Digest): Promise<void> {
    if (!(await this.client.hasBlob(this.repo, digest))) throw new SignetError('BLOB_UNKNOWN', `The blob ${digest} is not in ${this.description}.`);
  }

  blob(digest: Digest, size?: number): Promise<Readable> {
    return this.client.blobStream(this.repo, digest, size) as Promise<Readable>;
  }

  signatures(): RegistrySignatureStore {
    return new RegistrySignatureStore(this.client, this.repo);
  }

  async close(): Promise<void> { /* the client is shared */ }
}
