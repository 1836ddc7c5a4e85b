import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { SignetError, isSignetError } from '../errors.js';
import { digestHex, sha256Digest, type Digest } from '../content/digest.js';
import { MediaType } from '../content/media-types.js';
import { parseManifest, type Descriptor } from '../content/manifest.js';
import { buildSignatureManifest, parseSignatureManifest, sameSignature, signatureTag, type SignatureLayer } from '../cosign/signature-manifest.js';
import type { AppendResult, SignatureReadResult, SignatureStore } from '../cosign/signature-store.js';
import { readSignatures } from '../cosign/signature-limits.js';
import { REF_NAME_ANNOTATION, type ImageSource, type ResolvedManifest, type SourceImage } from './image-source.js';
import { checkBlobFile, ioError, readSmallFile, readVerifiedFile, verifiedFileStream, withLockFile, writeFileAtomic, type FilePlace } from './files.js';

/**
 * An OCI image layout directory (image-spec `image-layout.md`): `oci-layout`, `index.json`,
 * `blobs/sha256/<hex>`. Images are the index.json entries, named by their
 * `org.opencontainers.image.ref.name`. Cosign signatures live in the layout as the same
 * signature manifest a registry holds, named `sha256-<hex>.sig` in index.json, so copying the
 * layout's names to a registry (Signet's push, `skopeo copy` of each name) keeps them.
 *
 * A name that more than one index.json entry gives, with different digests, is an error, for
 * images and signatures alike: containers/image (skopeo, podman) takes the first such entry, so
 * any pick could verify one image while those tools ship another (docs/security.md).
 * Every file is read as a regular file inside the layout (files.ts), symlinks only within it.
 */
const MAX_MANIFEST = 4 << 20;
const MAX_INDEX = 64 << 20;
const SIG_NAME_RE = /^sha256-[a-f0-9]{64}\.(sig|att|sbom)$/;

interface IndexFile {
  /** The document as read, kept whole so rewriting it loses no field we do not know. */
  doc: Record<string, unknown> & { manifests: unknown[] };
  manifests: Descriptor[];
}

export class OciLayoutSource implements ImageSource {
  readonly description: string;
  private readonly indexPath: string;
  /** Every file of the layout is read from inside it. */
  private readonly place: FilePlace;

  constructor(readonly dir: string) {
    this.description = `oci:${dir}`;
    this.indexPath = join(dir, 'index.json');
    this.place = { inside: dir };
  }

  blobPath(digest: Digest): string {
    return join(this.dir, 'blobs', 'sha256', digestHex(digest));
  }

  async readIndex(): Promise<IndexFile> {
    let st;
    try {
      st = await stat(this.dir);
    } catch (e) {
      throw ioError(this.dir, e);
    }
    if (!st.isDirectory()) throw new SignetError('IO', `${this.dir} is not a directory, so it is not an OCI layout.`, { path: this.dir });
    let bytes: Buffer;
    try {
      bytes = await readSmallFile(this.indexPath, MAX_INDEX, 'the layout index', this.place);
    } catch (e) {
      if (isSignetError(e) && /does not exist/.test(e.message)) {
        throw new SignetError('IO', `${this.indexPath} does not exist: ${this.dir} is not an OCI layout (or it was damaged).`, { path: this.indexPath });
      }
      throw e;
    }
    await this.checkLayoutVersion();
    let doc: unknown;
    try {
      doc = JSON.parse(bytes.toString('utf8'));
    } catch (e) {
      throw new SignetError('MANIFEST_INVALID', `${this.indexPath} is not valid JSON (${(e as Error).message}).`, { path: this.indexPath });
    }
    let parsed;
    try {
      parsed = parseManifest(bytes);
    } catch (e) {
      throw new SignetError('MANIFEST_INVALID', `${this.indexPath}: ${(e as Error).message}`, { path: this.indexPath });
    }
    if (parsed.kind !== 'index') throw new SignetError('MANIFEST_INVALID', `${this.indexPath} is not an image index (it has no "manifests" list).`, { path: this.indexPath });
    return { doc: doc as IndexFile['doc'], manifests: parsed.manifests };
  }

  private async checkLayoutVersion(): Promise<void> {
    const path = join(this.dir, 'oci-layout');
    let bytes: Buffer;
    try {
      bytes = await readSmallFile(path, 1 << 16, 'the layout marker', this.place);
    } catch (e) {
      if (isSignetError(e) && /does not exist/.test(e.message)) return; // some writers omit it; index.json is what matters
      throw e;
    }
    let v: unknown;
    try {
      v = (JSON.parse(bytes.toString('utf8')) as { imageLayoutVersion?: unknown }).imageLayoutVersion;
    } catch {
      throw new SignetError('MANIFEST_INVALID', `${path} is not valid JSON.`, { path });
    }
    if (typeof v !== 'string' || !v.startsWith('1.')) throw new SignetError('MANIFEST_INVALID', `${path} declares imageLayoutVersion ${JSON.stringify(v)}; Signet reads version 1.x layouts.`, { path });
  }

  /**
   * The images by name, each name once (index.json order). A name whose entries disagree is
   * listed without a digest; resolving it is the error that says why.
   */
  async list(): Promise<SourceImage[]> {
    const index = await this.readIndex();
    const byName = new Map<string, Descriptor[]>();
    for (const d of index.manifests) {
      const name = imageName(d);
      if (SIG_NAME_RE.test(name)) continue;
      const same = byName.get(name);
      if (same === undefined) byName.set(name, [d]);
      else same.push(d);
    }
    const out: SourceImage[] = [];
    for (const [name, entries] of byName) {
      const first = entries[0]!;
      out.push(distinctDigests(entries).length === 1 ? { name, digest: first.digest, mediaType: first.mediaType } : { name });
    }
    return out;
  }

  /** The index.json descriptor for `name` (a ref name, or a digest), or the only image. */
  async descriptor(name?: string): Promise<Descriptor> {
    const index = await this.readIndex();
    if (name === undefined) {
      const names = [...new Set(index.manifests.map(imageName).filter((n) => !SIG_NAME_RE.test(n)))];
      if (names.length === 0) throw new SignetError('MANIFEST_UNKNOWN', `${this.indexPath} lists no image.`, { path: this.indexPath });
      if (names.length > 1) throw new SignetError('USAGE', `${this.dir} holds ${names.length} images; name one: ${names.slice(0, 5).map((n) => `oci:${this.dir}:${n}`).join(', ')}.`);
      name = names[0]!;
    }
    const wanted = name;
    const found = index.manifests.filter((d) => d.annotations?.[REF_NAME_ANNOTATION] === wanted || (wanted.startsWith('sha256:') && d.digest === wanted));
    if (found.length === 0) {
      const names = index.manifests.map((d) => d.annotations?.[REF_NAME_ANNOTATION]).filter((n): n is string => n !== undefined && !SIG_NAME_RE.test(n));
      throw new SignetError('MANIFEST_UNKNOWN', `${this.indexPath} has no image named "${name}"${names.length > 0 ? ` (it has: ${names.slice(0, 10).join(', ')})` : ''}.`, { path: this.indexPath });
    }
    return this.onlyEntry(name, found);
  }

  /**
   * The entry a name stands for when all of `found` (index.json's entries of that name) agree on
   * the digest; otherwise an error naming the digests. Never a pick: containers/image takes the
   * first such entry, so resolving to any one of them could verify what skopeo does not ship.
   */
  onlyEntry(name: string, found: Descriptor[]): Descriptor {
    const digests = distinctDigests(found);
    if (digests.length === 1) return found[0]!;
    const shown = digests.slice(0, MAX_DIGESTS_SHOWN).join(', ') + (digests.length > MAX_DIGESTS_SHOWN ? ` and ${digests.length - MAX_DIGESTS_SHOWN} more` : '');
    throw new SignetError('MANIFEST_INVALID',
      `${this.indexPath} gives the name ${JSON.stringify(name)} to ${digests.length} different manifests: ${shown}. Signet will not pick one: skopeo and podman take the first entry of a name, so a pick could check one image while they use another. Remove the entries that should not have this name from index.json.`,
      { path: this.indexPath, name, digests });
  }

  /** A blob of the layout read whole (at most `max` bytes) and checked against its digest. */
  readBlob(digest: Digest, size: number | undefined, max: number, what: string): Promise<Buffer> {
    return readVerifiedFile(this.blobPath(digest), digest, size, max, what, this.place);
  }

  async resolve(name?: string): Promise<ResolvedManifest> {
    const d = await this.descriptor(name);
    const bytes = await this.readBlob(d.digest, d.size, MAX_MANIFEST, 'the manifest');
    return { digest: d.digest, mediaType: manifestType(bytes, d.mediaType, this.blobPath(d.digest)), bytes };
  }

  async manifest(digest: Digest): Promise<ResolvedManifest> {
    const bytes = await this.readBlob(digest, undefined, MAX_MANIFEST, 'the manifest');
    return { digest, mediaType: manifestType(bytes, undefined, this.blobPath(digest)), bytes };
  }

  async checkBlob(digest: Digest, size?: number): Promise<void> {
    await checkBlobFile(this.blobPath(digest), digest, size, 'the blob', this.place);
  }

  blob(digest: Digest, size?: number): Promise<Readable> {
    return verifiedFileStream(this.blobPath(digest), digest, size, 'the blob', this.place);
  }

  signatures(): OciLayoutSignatureStore {
    return new OciLayoutSignatureStore(this);
  }

  async close(): Promise<void> { /* nothing held open */ }

  // ---- writing (signatures only) ----

  /** Writes a blob under its digest unless it is already there (temp file + rename). */
  async writeBlob(bytes: Uint8Array): Promise<Digest> {
    const digest = sha256Digest(bytes);
    const path = this.blobPath(digest);
    try {
      await checkBlobFile(path, digest, bytes.length, 'the blob', this.place);
      return digest;
    } catch {
      /* absent or damaged: (re)write it */
    }
    await mkdir(join(this.dir, 'blobs', 'sha256'), { recursive: true }).catch((e) => { throw ioError(join(this.dir, 'blobs', 'sha256'), e, 'write'); });
    await writeFileAtomic(path, bytes);
    return digest;
  }

  /** Sets `name` to `desc` in index.json (replacing an entry of that name), atomically, under a lock. */
  async setName(name: string, desc: Omit<Descriptor, 'annotations'>): Promise<void> {
    await withLockFile(join(this.dir, '.index.json.lock'), async () => {
      const index = await this.readIndex();
      const kept = index.doc.manifests.filter((m) => (m as Descriptor).annotations?.[REF_NAME_ANNOTATION] !== name);
      kept.push({ mediaType: desc.mediaType, digest: desc.digest, size: desc.size, annotations: { [REF_NAME_ANNOTATION]: name } });
      const doc: Record<string, unknown> = { schemaVersion: 2, ...index.doc, manifests: kept };
      await writeFileAtomic(this.indexPath, JSON.stringify(doc));
    });
  }
}

/** How many of a name's digests an error lists. */
const MAX_DIGESTS_SHOWN = 5;

/** An index.json entry's name: its ref name, or its digest when it has none. */
function imageName(d: Descriptor): string {
  return d.annotations?.[REF_NAME_ANNOTATION] ?? d.digest;
}

function distinctDigests(entries: Descriptor[]): Digest[] {
  return [...new Set(entries.map((d) => d.digest))];
}

function manifestType(bytes: Uint8Array, declared: string | undefined, path: string): string {
  try {
    return parseManifest(bytes, declared).mediaType;
  } catch (e) {
    throw new SignetError('MANIFEST_INVALID', `${path}: ${(e as Error).message}`, { path });
  }
}

/**
 * Cosign signatures inside an OCI layout: the signature manifest and its blobs are ordinary
 * layout blobs, and index.json names the manifest `sha256-<hex>.sig`, as the registry tag.
 * Appending keeps every existing signature; index.json is rewritten atomically under a lock.
 */
export class OciLayoutSignatureStore implements SignatureStore {
  constructor(private readonly layout: OciLayoutSource) {}

  async read(imageDigest: Digest): Promise<SignatureReadResult> {
    const layers = await this.readLayers(imageDigest);
    if (layers === null) return { found: false, signatures: [] };
    const where = `${this.layout.description}:${signatureTag(imageDigest)}`;
    const signatures = await readSignatures(layers, where, (layer, maxSize) => this.layout.readBlob(layer.payloadDigest, layer.payloadSize, maxSize, 'the signed payload'));
    return { found: true, signatures };
  }

  async append(imageDigest: Digest, payload: Uint8Array, layer: SignatureLayer): Promise<AppendResult> {
    const name = signatureTag(imageDigest);
    const location = `${this.layout.description}:${name}`;
    await this.layout.writeBlob(payload);
    return withLockFile(join(this.layout.dir, '.signatures.lock'), async () => {
      const existing = (await this.readLayers(imageDigest, true)) ?? [];
      if (existing.some((l) => sameSignature(l, layer))) return { attempts: 1, location, alreadyPresent: true };
      const blobs = buildSignatureManifest([...existing, layer]);
      await this.layout.writeBlob(blobs.config);
      const manifestDigest = await this.layout.writeBlob(blobs.manifest);
      await this.layout.setName(name, { mediaType: MediaType.OciManifest, digest: manifestDigest, size: blobs.manifest.length });
      const after = (await this.readLayers(imageDigest, true)) ?? [];
      if (!after.some((l) => sameSignature(l, layer))) {
        throw new SignetError('SIGN_RACE_LOST', `The signature was written to ${location}, but reading it back did not find it.`, { location });
      }
      return { attempts: 1, location, alreadyPresent: false };
    });
  }

  private async readLayers(imageDigest: Digest, forWrite = false): Promise<SignatureLayer[] | null> {
    const name = signatureTag(imageDigest);
    const index = await this.layout.readIndex();
    const found = index.manifests.filter((m) => m.annotations?.[REF_NAME_ANNOTATION] === name);
    if (found.length === 0) return null;
    let d: Descriptor;
    try {
      d = this.layout.onlyEntry(name, found);
    } catch (e) {
      // Several different signature manifests under one name: reading is "could not check", and
      // appending refuses, since rewriting index.json keeps one entry per name and would drop the rest.
      if (forWrite && isSignetError(e)) {
        throw new SignetError('SIGNATURE_MANIFEST_INVALID', `${e.message} Signet will not add a signature there: index.json is rewritten with one entry per name, which would drop the signatures of the others.`, e.details);
      }
      throw e;
    }
    try {
      const bytes = await this.layout.readBlob(d.digest, d.size, MAX_MANIFEST, 'the signature manifest');
      return parseSignatureManifest(bytes, d.mediaType);
    } catch (e) {
      if (forWrite && isSignetError(e)) {
        throw new SignetError('SIGNATURE_MANIFEST_INVALID', `The existing signature manifest ${this.layout.description}:${name} is unreadable (${e.message}). Signet will not overwrite it, because that could discard signatures.`);
      }
      throw e;
    }
  }
}
