// Writes docker-archive (docker save) tarballs for tests with tar-stream, in the shape podman and
// skopeo write them: <diffid>.tar layers, <id>.json config, legacy <v1id>/layer.tar symlinks,
// manifest.json and repositories last.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { makeTar } from './push.js';

export interface ArchiveImageSpec {
  tags: string[];
  layers?: Buffer[];
  /** Name the layers in manifest.json by their legacy symlink (`<v1id>/layer.tar`). */
  viaSymlink?: boolean;
  /** Name config and layers `blobs/sha256/<hex>`, as Docker 25+ `docker save` does. */
  blobNames?: boolean;
  /** Config fields to set or replace (undefined removes one): `created`, `variant`, `os`… */
  config?: Record<string, unknown>;
}

const hex = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

export function randomLayer(bytes = 1024): Buffer {
  return makeTar({ 'data.bin': randomBytes(bytes), 'id.txt': randomBytes(8).toString('hex') });
}

/**
 * `bulkJson`: that many `bulk-<i>.json` entries of `bytes` zero bytes each, before the images,
 * written as holes of a sparse file: the hostile archive of issue 11 (finding 9), gigabytes of
 * `.json` entries that take almost nothing on disk.
 */
export async function writeArchive(file: string, images: ArchiveImageSpec[], opts: { omit?: string[]; skipManifest?: boolean; bulkJson?: { count: number; bytes: number } } = {}): Promise<Array<{ config: Buffer; layers: Buffer[] }>> {
  const pack = tar.pack();
  const done = pipeline(pack, opts.bulkJson ? await sparseFileWriter(file) : createWriteStream(file));
  if (opts.bulkJson) {
    const zeros = Buffer.alloc(opts.bulkJson.bytes);
    for (let i = 0; i < opts.bulkJson.count; i++) pack.entry({ name: `bulk-${i}.json`, size: zeros.length, mode: 0o444, mtime: new Date(0) }, zeros);
  }
  const out: Array<{ config: Buffer; layers: Buffer[] }> = [];
  const manifest: unknown[] = [];
  const add = (name: string, data: Buffer) => { if (!opts.omit?.includes(name)) pack.entry({ name, size: data.length, mode: 0o444, mtime: new Date(0) }, data); };
  for (const img of images) {
    const layers = img.layers ?? [randomLayer()];
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: layers.map((l) => `sha256:${hex(l)}`) }, ...img.config }));
    const names: string[] = [];
    for (const l of layers) {
      const name = img.blobNames ? `blobs/sha256/${hex(l)}` : `${hex(l)}.tar`;
      add(name, l);
      if (img.viaSymlink) {
        const v1 = hex(Buffer.from(`v1-${name}`));
        pack.entry({ name: `${v1}/layer.tar`, type: 'symlink', linkname: `../${name}`, mtime: new Date(0) });
        names.push(`${v1}/layer.tar`);
      } else {
        names.push(name);
      }
    }
    const configName = img.blobNames ? `blobs/sha256/${hex(config)}` : `${hex(config)}.json`;
    add(configName, config);
    manifest.push({ Config: configName, RepoTags: img.tags, Layers: names });
    out.push({ config, layers });
  }
  if (!opts.skipManifest) add('manifest.json', Buffer.from(JSON.stringify(manifest)));
  pack.finalize();
  await done;
  return out;
}

/** A stream writing a file in which every all-zero chunk is left as a hole (skipped, then the length set). */
async function sparseFileWriter(file: string): Promise<Writable> {
  const fh: FileHandle = await open(file, 'w');
  let position = 0;
  let zeros = Buffer.alloc(0);
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (zeros.length < chunk.length) zeros = Buffer.alloc(chunk.length);
      const at = position;
      position += chunk.length;
      if (zeros.compare(chunk, 0, chunk.length, 0, chunk.length) === 0) { cb(); return; }
      fh.write(chunk, 0, chunk.length, at).then(() => cb(), cb);
    },
    final(cb) { fh.truncate(position).then(() => fh.close()).then(() => cb(), cb); },
    destroy(err, cb) { fh.close().then(() => cb(err), () => cb(err)); },
  });
}
