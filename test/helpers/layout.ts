// Builds OCI image layouts on disk for tests: random single- or multi-platform images, written
// the way skopeo writes them (blobs/sha256/<hex>, index.json with ref names, oci-layout).
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { makeTar } from './push.js';

export interface Desc { mediaType: string; digest: string; size: number; annotations?: Record<string, string>; platform?: { architecture: string; os: string } }

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

function sha(b: Uint8Array): string {
  return `sha256:${createHash('sha256').update(b).digest('hex')}`;
}

export function blobPath(dir: string, digest: string): string {
  return join(dir, 'blobs', 'sha256', digest.slice(7));
}

export function writeBlob(dir: string, bytes: Uint8Array): string {
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  const d = sha(bytes);
  writeFileSync(blobPath(dir, d), bytes);
  return d;
}

/** One image manifest with `layers` random gzip layers; returns its descriptor (not yet in index.json). */
export function writeImage(dir: string, opts: { layers?: number; layerBytes?: number | number[]; arch?: string; variant?: string; created?: string } = {}): Desc & { layerDigests: string[]; layerSizes: number[] } {
  const sizes = Array.isArray(opts.layerBytes) ? opts.layerBytes : Array.from({ length: opts.layers ?? 1 }, () => (opts.layerBytes as number | undefined) ?? 512);
  const tars = sizes.map((n, i) => makeTar({ [`f${i}.bin`]: randomBytes(n), 'id.txt': randomBytes(8).toString('hex') }));
  const layers = tars.map((t) => gzipSync(t));
  const config = Buffer.from(JSON.stringify({ architecture: opts.arch ?? 'amd64', os: 'linux', ...(opts.variant ? { variant: opts.variant } : {}), ...(opts.created ? { created: opts.created } : {}), config: {}, rootfs: { type: 'layers', diff_ids: tars.map(sha) } }));
  const configDigest = writeBlob(dir, config);
  const layerDescs = layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: writeBlob(dir, l), size: l.length }));
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length }, layers: layerDescs }));
  return { mediaType: OCI_MANIFEST, digest: writeBlob(dir, manifest), size: manifest.length, layerDigests: layerDescs.map((l) => l.digest), layerSizes: layerDescs.map((l) => l.size) };
}

/** A multi-platform index over amd64 and arm64 images. */
export function writeIndexImage(dir: string): Desc & { children: Desc[] } {
  const children = ['amd64', 'arm64'].map((arch) => {
    const d = writeImage(dir, { arch });
    return { mediaType: d.mediaType, digest: d.digest, size: d.size, platform: { architecture: arch, os: 'linux' } };
  });
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: children }));
  return { mediaType: OCI_INDEX, digest: writeBlob(dir, index), size: index.length, children };
}

/** Adds (or replaces) `name` in index.json, creating the layout files when missing. */
export function nameImage(dir: string, name: string, d: Desc): void {
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, 'oci-layout'))) writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  const indexPath = join(dir, 'index.json');
  const index = existsSync(indexPath) ? JSON.parse(readFileSync(indexPath, 'utf8')) : { schemaVersion: 2, manifests: [] };
  index.manifests = index.manifests.filter((m: Desc) => m.annotations?.['org.opencontainers.image.ref.name'] !== name);
  index.manifests.push({ mediaType: d.mediaType, digest: d.digest, size: d.size, annotations: { 'org.opencontainers.image.ref.name': name } });
  writeFileSync(indexPath, JSON.stringify(index));
}
