import type { FileHandle } from 'node:fs/promises';
import { posix } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createHash } from 'node:crypto';
import tar from 'tar-stream';
import { SignetError, isSignetError } from '../errors.js';
import { DigestVerifier, isDigest, sha256Digest, type Digest } from '../content/digest.js';
import { MediaType } from '../content/media-types.js';
import { formatReference, parseReference } from '../content/reference.js';
import { MAX_CONFIG_BYTES } from '../image-facts.js';
import type { ImageSource, ResolvedManifest, SourceImage } from './image-source.js';
import { ioError, openRegularFile } from './files.js';

/**
 * A `docker save` / `skopeo copy … docker-archive:` tarball, read with tar-stream in constant
 * memory: one pass indexes the entries (name, size, data offset) and buffers none of them; then
 * manifest.json and the configs it names are read by byte range, each within its bound and all
 * within one total per archive (an archive can hold any number of large `.json` entries, and a
 * sparse file makes them cost nothing on disk). Layers are streamed straight from their byte range.
 *
 * An archive has no registry digest: the manifest exists only once pushed. The manifest Signet
 * pushes is a Docker v2 schema 2 manifest with the config as stored and the layers as stored
 * (uncompressed tars, `application/vnd.docker.image.rootfs.diff.tar`), so its digest is known
 * before the push and every registry and client reports the same one.
 */
/** manifest.json lists images by file name; a docker save of thousands of images stays far below this. */
const MAX_MANIFEST_JSON = 4 << 20;
/** Everything one archive operation reads into memory: manifest.json and every config it names. */
const MAX_JSON_PER_ARCHIVE = 64 << 20;
/** Entries indexed: a docker save has a few per layer; millions of tiny entries are not an image. */
const MAX_ENTRIES = 100_000;
/**
 * Names kept while indexing, in characters (a name and its link target): a pax header can make a
 * name megabytes long, and a sparse file makes many such headers cheap; docker's are under 100.
 */
const MAX_NAMES_PER_ARCHIVE = 16 << 20;
export const DOCKER_LAYER_TAR = 'application/vnd.docker.image.rootfs.diff.tar';
const DOCKER_LAYER_GZIP = 'application/vnd.docker.image.rootfs.diff.tar.gzip';
const DOCKER_LAYER_ZSTD = 'application/vnd.docker.image.rootfs.diff.tar.zstd';

interface Entry {
  name: string;
  type: string;
  size: number;
  /** Where the entry's data starts in the file (tar-stream's header.byteOffset). */
  offset: number;
  linkname?: string;
}

interface ArchiveImage {
  tags: string[];
  configName: string;
  config: Buffer;
  layers: Array<{ entry: Entry; digest: Digest; size: number; mediaType: string }>;
  manifest: ResolvedManifest;
}

export class DockerArchiveSource implements ImageSource {
  readonly description: string;
  private loaded?: Promise<ArchiveImage[]>;
  private readonly blobs = new Map<Digest, { kind: 'bytes'; bytes: Buffer } | { kind: 'entry'; entry: Entry }>();

  constructor(readonly file: string, label = `docker-archive:${file}`) {
    this.description = label;
  }

  private images(): Promise<ArchiveImage[]> {
    this.loaded ??= this.load().then(async (images) => {
      for (const img of images) await this.finish(img);
      return images;
    });
    return this.loaded;
  }

  private async load(): Promise<ArchiveImage[]> {
    const file = this.file;
    const { handle } = await openRegularFile(file, 'the docker archive');
    try {
      const entries = await indexEntries(handle, file);
      const manifestEntry = entries.get('manifest.json');
      if (manifestEntry === undefined || manifestEntry.type !== 'file') {
        throw new SignetError('MANIFEST_INVALID', `${file} has no manifest.json, so it is not a docker-archive (docker save) tarball${entries.has('index.json') ? '; it looks like an OCI layout archive, which Signet does not read: unpack it and use oci:DIR' : ''}.`, { path: file });
      }
      const json = new JsonEntries(handle, file);
      const manifestBytes = await json.read(manifestEntry, MAX_MANIFEST_JSON, 'manifest.json');
      const where = `${file}: manifest.json`;
      let doc: unknown;
      try {
        doc = JSON.parse(manifestBytes.toString('utf8'));
      } catch (e) {
        throw new SignetError('MANIFEST_INVALID', `${where} is not valid JSON (${(e as Error).message}).`, { path: file });
      }
      if (!Array.isArray(doc) || doc.length === 0) throw new SignetError('MANIFEST_INVALID', `${where} must be a non-empty list of images.`, { path: file });
      const images: ArchiveImage[] = [];
      for (const [i, item] of doc.entries()) images.push(await this.image(item, i, entries, json, where));
      return images;
    } finally {
      await handle.close();
    }
  }

  private async image(item: unknown, i: number, entries: Map<string, Entry>, json: JsonEntries, where: string): Promise<ArchiveImage> {
    const file = this.file;
    const bad = (why: string): never => { throw new SignetError('MANIFEST_INVALID', `${where}: image ${i + 1} ${why}.`, { path: file }); };
    if (typeof item !== 'object' || item === null) bad('is not an object');
    const m = item as { Config?: unknown; RepoTags?: unknown; Layers?: unknown };
    if (typeof m.Config !== 'string') bad('has no "Config" file name');
    if (!Array.isArray(m.Layers) || m.Layers.some((l) => typeof l !== 'string')) bad('has no "Layers" list of file names');
    const tags = Array.isArray(m.RepoTags) ? m.RepoTags.filter((t): t is string => typeof t === 'string') : [];
    const configName = normalise(m.Config as string);
    const configEntry = resolveLink(entries, configName);
    if (configEntry === undefined) throw new SignetError('BLOB_UNKNOWN', `${where} names the config ${configName}, which is not in the archive.`, { path: file });
    if (configEntry.type !== 'file') throw new SignetError('MANIFEST_INVALID', `${file}: the config ${configName} is a ${configEntry.type}, not a file.`, { path: file });
    const config = await json.read(configEntry, MAX_CONFIG_BYTES, `the config ${configName}`);
    let diffIds: unknown;
    try {
      diffIds = (JSON.parse(config.toString('utf8')) as { rootfs?: { diff_ids?: unknown } }).rootfs?.diff_ids;
    } catch (e) {
      throw new SignetError('MANIFEST_INVALID', `${file}: the config ${configName} is not valid JSON (${(e as Error).message}).`, { path: file });
    }
    const layerNames = (m.Layers as string[]).map(normalise);
    if (!Array.isArray(diffIds) || diffIds.length !== layerNames.length || !diffIds.every(isDigest)) {
      throw new SignetError('MANIFEST_INVALID', `${file}: the config ${configName} lists ${Array.isArray(diffIds) ? diffIds.length : 'no'} layer diff_ids, but manifest.json lists ${layerNames.length} layers.`, { path: file });
    }
    const layers = layerNames.map((name, j) => {
      const entry = resolveLink(entries, name);
      if (entry === undefined) throw new SignetError('BLOB_UNKNOWN', `${where} names the layer ${name}, which is not in the archive.`, { path: file });
      if (entry.type !== 'file') throw new SignetError('MANIFEST_INVALID', `${file}: the layer ${name} is a ${entry.type}, not a file.`, { path: file });
      return { entry, digest: (diffIds as Digest[])[j]!, size: entry.size, mediaType: DOCKER_LAYER_TAR };
    });
    const configDigest = sha256Digest(config);
    this.blobs.set(configDigest, { kind: 'bytes', bytes: config });
    return { tags, configName, config, layers, manifest: { digest: configDigest, mediaType: '', bytes: new Uint8Array() } };
  }

  /**
   * Finishes an image for pushing: a layer stored compressed (Docker never writes one, other tools
   * might) has a digest other than its diff_id, so it is hashed once here.
   */
  private async finish(img: ArchiveImage): Promise<ArchiveImage> {
    if (img.manifest.bytes.length > 0) return img;
    for (const l of img.layers) {
      const magic = await this.peek(l.entry, 4);
      const kind = magic[0] === 0x1f && magic[1] === 0x8b ? DOCKER_LAYER_GZIP : magic[0] === 0x28 && magic[1] === 0xb5 && magic[2] === 0x2f && magic[3] === 0xfd ? DOCKER_LAYER_ZSTD : DOCKER_LAYER_TAR;
      if (kind !== DOCKER_LAYER_TAR) {
        l.mediaType = kind;
        l.digest = await this.hashEntry(l.entry);
      }
      this.blobs.set(l.digest, { kind: 'entry', entry: l.entry });
    }
    const configDigest = sha256Digest(img.config);
    // Field order as Docker and containers/image serialise it.
    const manifest = {
      schemaVersion: 2,
      mediaType: MediaType.DockerManifest,
      config: { mediaType: MediaType.DockerConfig, size: img.config.length, digest: configDigest },
      layers: img.layers.map((l) => ({ mediaType: l.mediaType, size: l.size, digest: l.digest })),
    };
    const bytes = Buffer.from(JSON.stringify(manifest), 'utf8');
    img.manifest = { digest: sha256Digest(bytes), mediaType: MediaType.DockerManifest, bytes };
    return img;
  }

  private async peek(entry: Entry, n: number): Promise<Buffer> {
    if (entry.size === 0) return Buffer.alloc(0);
    const { handle: fh } = await openRegularFile(this.file, 'the docker archive');
    try {
      const buf = Buffer.alloc(Math.min(n, entry.size));
      await fh.read(buf, 0, buf.length, entry.offset);
      return buf;
    } finally {
      await fh.close();
    }
  }

  private async hashEntry(entry: Entry): Promise<Digest> {
    const hash = createHash('sha256');
    await pipeline(await this.entryStream(entry), new Writable({ write(c: Buffer, _e, cb) { hash.update(c); cb(); } }));
    return `sha256:${hash.digest('hex')}`;
  }

  async list(): Promise<SourceImage[]> {
    const images = await this.images();
    const out: SourceImage[] = [];
    for (const img of images) {
      const id = sha256Digest(img.config);
      if (img.tags.length === 0) out.push({ name: id, id });
      for (const t of img.tags) out.push({ name: t, id });
    }
    return out;
  }

  async resolve(name?: string): Promise<ResolvedManifest> {
    const images = await this.images();
    let img: ArchiveImage | undefined;
    if (name === undefined) {
      if (images.length > 1) throw new SignetError('USAGE', `${this.file} holds ${images.length} images; name one: ${images.flatMap((i) => i.tags).slice(0, 5).map((t) => `docker-archive:${this.file}:${t}`).join(', ')}.`);
      img = images[0];
    } else {
      const want = canonicalTag(name);
      const found = images.filter((i) => i.tags.some((t) => t === name || canonicalTag(t) === want) || sha256Digest(i.config) === name);
      if (found.length === 0) {
        throw new SignetError('MANIFEST_UNKNOWN', `${this.file} has no image named "${name}" (it has: ${images.flatMap((i) => i.tags).slice(0, 10).join(', ') || 'only untagged images'}).`, { path: this.file });
      }
      // As for an OCI layout's names: a name given to two different images is never resolved by a pick.
      const digests = [...new Set(found.map((i) => i.manifest.digest))];
      if (digests.length > 1) {
        throw new SignetError('MANIFEST_INVALID', `${this.file}: manifest.json gives the name ${JSON.stringify(name)} to ${digests.length} different images (their manifests would be ${digests.slice(0, 5).join(', ')}). Signet will not pick one; save the archive again with each name once.`, { path: this.file, name, digests });
      }
      img = found[0];
    }
    return img!.manifest;
  }

  async manifest(digest: Digest): Promise<ResolvedManifest> {
    for (const img of await this.images()) {
      if (img.manifest.digest === digest) return img.manifest;
    }
    throw new SignetError('MANIFEST_UNKNOWN', `${this.file} has no manifest ${digest}.`, { path: this.file });
  }

  async checkBlob(digest: Digest, size?: number): Promise<void> {
    await this.images();
    const b = this.blobs.get(digest);
    if (b === undefined) throw new SignetError('BLOB_UNKNOWN', `${this.file} holds no blob ${digest}.`, { path: this.file });
    const have = b.kind === 'bytes' ? b.bytes.length : b.entry.size;
    if (size !== undefined && have !== size) throw new SignetError('SIZE_MISMATCH', `${this.file}: the blob ${digest} is ${have} bytes, but ${size} were expected.`, { path: this.file });
  }

  async blob(digest: Digest, size?: number): Promise<Readable> {
    await this.checkBlob(digest, size);
    const b = this.blobs.get(digest)!;
    const what = b.kind === 'bytes' ? `the config in ${this.file}` : `the layer ${b.entry.name} in ${this.file}`;
    const verifier = new DigestVerifier(digest, what, size);
    const src = b.kind === 'bytes' ? Readable.from([b.bytes]) : await this.entryStream(b.entry);
    src.on('error', (e) => verifier.destroy(isSignetError(e) ? e : (e as NodeJS.ErrnoException).code ? ioError(this.file, e) : new SignetError('IO', `${this.file}: ${e.message}`, { path: this.file })));
    verifier.on('close', () => { if (!src.destroyed) src.destroy(); });
    src.pipe(verifier);
    return verifier;
  }

  /** The raw bytes of one entry, read from its byte range (checked by digest by the caller). */
  private async entryStream(entry: Entry): Promise<Readable> {
    if (entry.size === 0) return Readable.from([]);
    const { handle } = await openRegularFile(this.file, 'the docker archive');
    return handle.createReadStream({ start: entry.offset, end: entry.offset + entry.size - 1, highWaterMark: 1 << 20, autoClose: true });
  }

  async close(): Promise<void> { /* nothing held open */ }
}

/** One pass over the tar: every entry's name, type, size and data offset; no entry's data is kept. */
async function indexEntries(handle: FileHandle, file: string): Promise<Map<string, Entry>> {
  const entries = new Map<string, Entry>();
  let count = 0;
  let nameChars = 0;
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    const name = normalise(header.name);
    const offset = (header as unknown as { byteOffset?: unknown }).byteOffset;
    if (typeof offset !== 'number') {
      // tar-stream 3 reports where each entry's data starts; without it Signet would have to rescan the file per layer.
      extract.destroy(new SignetError('IO', 'The installed tar-stream does not report entry offsets (header.byteOffset); Signet needs tar-stream 3.'));
      return;
    }
    if (++count > MAX_ENTRIES) {
      extract.destroy(new SignetError('MANIFEST_INVALID', `${file} has more than ${MAX_ENTRIES} entries, more than Signet indexes in one archive; a docker save archive has a few per layer.`, { path: file }));
      return;
    }
    nameChars += name.length + (header.linkname?.length ?? 0);
    if (nameChars > MAX_NAMES_PER_ARCHIVE) {
      extract.destroy(new SignetError('MANIFEST_INVALID', `${file}: its entry names add up to more than ${MAX_NAMES_PER_ARCHIVE} characters, more than Signet keeps for one archive; docker save writes short names.`, { path: file }));
      return;
    }
    entries.set(name, { name, type: header.type ?? 'file', size: header.size ?? 0, offset, ...(header.linkname ? { linkname: header.linkname } : {}) });
    stream.on('error', () => { /* the extract stream reports it to the pipeline below */ });
    stream.on('end', () => next());
    stream.resume();
  });
  try {
    await pipeline(handle.createReadStream({ start: 0, highWaterMark: 1 << 20, autoClose: false }), extract);
  } catch (e) {
    if (isSignetError(e)) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code && /^E[A-Z]+$/.test(code)) throw ioError(file, e);
    const why = (e as Error).message;
    throw new SignetError('IO', /unexpected end/i.test(why)
      ? `${file} is truncated: the tar archive ends in the middle of an entry (${why}). Copy or save it again.`
      : `${file} is not a readable tar archive (${why}).`, { path: file });
  }
  return entries;
}

/**
 * The JSON entries of one archive, read by byte range from the descriptor that was indexed: each
 * within its own bound, all of them within MAX_JSON_PER_ARCHIVE; an entry named twice is read once.
 */
class JsonEntries {
  private total = 0;
  private readonly done = new Map<string, Buffer>();

  constructor(private readonly handle: FileHandle, private readonly file: string) {}

  async read(entry: Entry, max: number, what: string): Promise<Buffer> {
    const known = this.done.get(entry.name);
    if (known !== undefined) return known;
    const file = this.file;
    if (entry.size > max) throw new SignetError('SIZE_MISMATCH', `${file}: ${what} is ${entry.size} bytes, more than the ${max} bytes Signet reads for it.`, { path: file });
    if (this.total + entry.size > MAX_JSON_PER_ARCHIVE) {
      throw new SignetError('SIZE_MISMATCH', `${file}: manifest.json and the configs it names add up to more than the ${MAX_JSON_PER_ARCHIVE} bytes Signet reads from one archive.`, { path: file });
    }
    this.total += entry.size;
    const buf = Buffer.alloc(entry.size);
    let got = 0;
    while (got < buf.length) {
      const { bytesRead } = await this.handle.read(buf, got, buf.length - got, entry.offset + got).catch((e) => { throw ioError(file, e); });
      if (bytesRead === 0) throw new SignetError('IO', `${file} is truncated: ${what} ends after ${got} of its ${entry.size} bytes. Copy or save it again.`, { path: file });
      got += bytesRead;
    }
    this.done.set(entry.name, buf);
    return buf;
  }
}

function normalise(name: string): string {
  return posix.normalize(name).replace(/^\.\//, '').replace(/^\/+/, '');
}

/** Follows symlinks and hard links (legacy `<id>/layer.tar` entries) to the entry holding the data. */
function resolveLink(entries: Map<string, Entry>, name: string): Entry | undefined {
  let e = entries.get(name);
  for (let hops = 0; e !== undefined && (e.type === 'symlink' || e.type === 'link') && hops < 16; hops++) {
    const target = e.type === 'symlink' ? normalise(posix.join(posix.dirname(e.name), e.linkname ?? '')) : normalise(e.linkname ?? '');
    e = entries.get(target);
  }
  return e;
}

function canonicalTag(name: string): string {
  try {
    return formatReference(parseReference(name));
  } catch {
    return name;
  }
}
