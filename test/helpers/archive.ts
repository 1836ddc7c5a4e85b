// Writes docker-archive (docker save) tarballs for tests with tar-stream, in the shape podman and
// skopeo write them: <diffid>.tar layers, <id>.json config, legacy <v1id>/layer.tar symlinks,
// manifest.json and repositories last.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { makeTar } from './push.js';

export interface ArchiveImageSpec {
  tags: string[];
  layers?: Buffer[];
  /** Name the layers in manifest.json by their legacy symlink (`<v1id>/layer.tar`). */
  viaSymlink?: boolean;
  /** Config fields to set or replace (undefined removes one): `created`, `variant`, `os`… */
  config?: Record<string, unknown>;
}

const hex = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

export function randomLayer(bytes = 1024): Buffer {
  return makeTar({ 'data.bin': randomBytes(bytes), 'id.txt': randomBytes(8).toString('hex') });
}

export async function writeArchive(file: string, images: ArchiveImageSpec[], opts: { omit?: string[]; skipManifest?: boolean } = {}): Promise<Array<{ config: Buffer; layers: Buffer[] }>> {
  const pack = tar.pack();
  const done = pipeline(pack, createWriteStream(file));
  const out: Array<{ config: Buffer; layers: Buffer[] }> = [];
  const manifest: unknown[] = [];
  const add = (name: string, data: Buffer) => { if (!opts.omit?.includes(name)) pack.entry({ name, size: data.length, mode: 0o444, mtime: new Date(0) }, data); };
  for (const img of images) {
    const layers = img.layers ?? [randomLayer()];
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: layers.map((l) => `sha256:${hex(l)}`) }, ...img.config }));
    const names: string[] = [];
    for (const l of layers) {
      const name = `${hex(l)}.tar`;
      add(name, l);
      if (img.viaSymlink) {
        const v1 = hex(Buffer.from(`v1-${name}`));
        pack.entry({ name: `${v1}/layer.tar`, type: 'symlink', linkname: `../${name}`, mtime: new Date(0) });
        names.push(`${v1}/layer.tar`);
      } else {
        names.push(name);
      }
    }
    add(`${hex(config)}.json`, config);
    manifest.push({ Config: `${hex(config)}.json`, RepoTags: img.tags, Layers: names });
    out.push({ config, layers });
  }
  if (!opts.skipManifest) add('manifest.json', Buffer.from(JSON.stringify(manifest)));
  pack.finalize();
  await done;
  return out;
}
