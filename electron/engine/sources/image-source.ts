import type { Readable } from 'node:stream';
import type { Digest } from '../content/digest.js';
import type { SignatureStore } from '../cosign/signature-store.js';

/**
 * One place images can be read from (design §2), the same small shape for a registry
 * repository, an OCI layout directory, a `docker save` archive and a local Docker/Podman engine.
 * Every byte a source hands out is checked against the digest that names it: `manifest` checks
 * before it returns, `blob` returns a stream that fails at its end when the bytes are wrong, so
 * consumers must not trust (or commit) what they read until the stream ended without error.
 */
export interface ResolvedManifest {
  digest: Digest;
  mediaType: string;
  bytes: Uint8Array;
}

export interface SourceImage {
  /** The name as the source knows it: an index.json ref name, a RepoTag, a registry tag. */
  name: string;
  /** The manifest digest, when the source has one (a docker archive has none until pushed). */
  digest?: Digest;
  mediaType?: string;
  /** For an engine image: `repo@sha256:…` entries of registries it was pulled from or pushed to. */
  repoDigests?: string[];
  /** Engine image id (the config digest). */
  id?: string;
}

export interface ImageSource {
  /** For messages: `oci:/path`, `docker-archive:/path/x.tar`, `docker-daemon:unix:///run/…`. */
  readonly description: string;
  list(): Promise<SourceImage[]>;
  /** The top manifest of one image; `name` undefined means the only image (an error when there are several). */
  resolve(name?: string): Promise<ResolvedManifest>;
  /** A manifest named by digest (a platform manifest of an index), checked. */
  manifest(digest: Digest): Promise<ResolvedManifest>;
  /** Cheap check that a blob is there with this size (no hashing): errors name the file. */
  checkBlob(digest: Digest, size?: number): Promise<void>;
  /** A blob's bytes as a stream that errors at its end unless they hash to `digest` (and are `size` long). */
  blob(digest: Digest, size?: number): Promise<Readable>;
  /** Where signatures of this source's images live, for sources that keep them (OCI layouts). */
  signatures?(): SignatureStore;
  close(): Promise<void>;
}

/** Descriptor names (for messages) that the docker-archive and layout readers share. */
export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';
