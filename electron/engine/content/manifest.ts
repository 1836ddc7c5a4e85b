import { SignetError } from '../errors.js';
import { isDigest, type Digest } from './digest.js';
import { IMAGE_MANIFEST_TYPES, INDEX_TYPES, MediaType } from './media-types.js';
import { printableText, quoted, quotedValue } from '../../../shared/printable.js';

/**
 * OCI / Docker v2 manifests and indexes, validated field by field. Every rejection names the
 * field and the value, because "malformed manifest" alone tells a user nothing. Values and
 * names from the document are quoted, escaped and cut (shared/printable.ts): a registry chooses
 * them, and they end up on a terminal and in audit.log.
 */
export interface Descriptor {
  mediaType: string;
  digest: Digest;
  size: number;
  annotations?: Record<string, string>;
  platform?: Platform;
  artifactType?: string;
}

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
  'os.version'?: string;
}

export interface ImageManifest {
  kind: 'manifest';
  schemaVersion: 2;
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
  subject?: Descriptor;
  /** OCI 1.1: what kind of artifact this manifest is (a referrer's type), when it says. */
  artifactType?: string;
}

export interface ImageIndex {
  kind: 'index';
  schemaVersion: 2;
  mediaType: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
  artifactType?: string;
}

export type AnyManifest = ImageManifest | ImageIndex;

type Json = Record<string, unknown>;

function invalid(what: string, field: string, why: string): never {
  throw new SignetError('MANIFEST_INVALID', `The ${what} is malformed: ${field} ${why}.`, { field });
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseAnnotations(v: unknown, what: string, field: string): Record<string, string> | undefined {
  if (v === undefined) return undefined;
  if (!isObject(v)) invalid(what, field, `must be an object of strings, got ${quotedValue(v)}`);
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== 'string') invalid(what, `${field}[${quoted(k)}]`, `must be a string, got ${quotedValue(val)}`);
  }
  return v as Record<string, string>;
}

export function parseDescriptor(v: unknown, what: string, field: string): Descriptor {
  if (!isObject(v)) invalid(what, field, `must be an object, got ${quotedValue(v)}`);
  if (typeof v.mediaType !== 'string' || v.mediaType === '') invalid(what, `${field}.mediaType`, `must be a non-empty string, got ${quotedValue(v.mediaType)}`);
  if (!isDigest(v.digest)) invalid(what, `${field}.digest`, `must be sha256:<64 hex>, got ${quotedValue(v.digest)}`);
  if (typeof v.size !== 'number' || !Number.isSafeInteger(v.size) || v.size < 0) invalid(what, `${field}.size`, `must be a non-negative integer, got ${quotedValue(v.size)}`);
  const d: Descriptor = { mediaType: v.mediaType, digest: v.digest, size: v.size };
  const annotations = parseAnnotations(v.annotations, what, `${field}.annotations`);
  if (annotations) d.annotations = annotations;
  if (v.platform !== undefined) {
    const p = v.platform;
    if (!isObject(p)) invalid(what, `${field}.platform`, `must be an object, got ${quotedValue(p)}`);
    if (typeof p.architecture !== 'string') invalid(what, `${field}.platform.architecture`, `must be a string, got ${quotedValue(p.architecture)}`);
    if (typeof p.os !== 'string') invalid(what, `${field}.platform.os`, `must be a string, got ${quotedValue(p.os)}`);
    d.platform = { architecture: p.architecture, os: p.os };
    if (typeof p.variant === 'string') d.platform.variant = p.variant;
    if (typeof p['os.version'] === 'string') d.platform['os.version'] = p['os.version'];
  }
  const artifactType = parseArtifactType(v.artifactType, what, `${field}.artifactType`);
  if (artifactType !== undefined) d.artifactType = artifactType;
  return d;
}

/** OCI 1.1 `artifactType`: absent, or a non-empty string (a media type, RFC 6838). */
function parseArtifactType(v: unknown, what: string, field: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') invalid(what, field, `must be a non-empty string, got ${quotedValue(v)}`);
  return v;
}

/**
 * Parses manifest bytes. `headerType` is the Content-Type the source claimed (if any); the
 * document's own mediaType wins when present, and the two must not contradict each other.
 */
export function parseManifest(bytes: Uint8Array, headerType?: string): AnyManifest {
  const what = 'manifest';
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (e) {
    throw new SignetError('MANIFEST_INVALID', `The manifest is not valid JSON (${printableText((e as Error).message, { max: 200 })}).`);
  }
  if (!isObject(doc)) invalid(what, 'the document', `must be a JSON object, got ${quotedValue(doc)}`);
  if (doc.schemaVersion !== 2) invalid(what, 'schemaVersion', `must be 2, got ${quotedValue(doc.schemaVersion)} (schema 1 manifests are not supported)`);
  const header = headerType?.split(';')[0]?.trim();
  let mediaType: string | undefined = typeof doc.mediaType === 'string' ? doc.mediaType : undefined;
  if (doc.mediaType !== undefined && typeof doc.mediaType !== 'string') invalid(what, 'mediaType', `must be a string, got ${quotedValue(doc.mediaType)}`);
  if (mediaType === undefined) {
    // OCI allows omitting mediaType; infer from the header or from the shape.
    if (header && (IMAGE_MANIFEST_TYPES.includes(header) || INDEX_TYPES.includes(header))) mediaType = header;
    else mediaType = Array.isArray(doc.manifests) ? MediaType.OciIndex : MediaType.OciManifest;
  } else if (header && header !== mediaType && (IMAGE_MANIFEST_TYPES.includes(header) || INDEX_TYPES.includes(header))) {
    invalid(what, 'mediaType', `is ${quotedValue(mediaType)} but the source served it as ${quotedValue(header)}`);
  }
  const annotations = parseAnnotations(doc.annotations, what, 'annotations');
  const artifactType = parseArtifactType(doc.artifactType, what, 'artifactType');

  if (INDEX_TYPES.includes(mediaType)) {
    if (!Array.isArray(doc.manifests)) invalid(what, 'manifests', `must be an array, got ${quotedValue(doc.manifests)}`);
    const manifests = doc.manifests.map((m, i) => parseDescriptor(m, what, `manifests[${i}]`));
    return { kind: 'index', schemaVersion: 2, mediaType, manifests, ...(annotations ? { annotations } : {}), ...(artifactType !== undefined ? { artifactType } : {}) };
  }
  if (IMAGE_MANIFEST_TYPES.includes(mediaType)) {
    const config = parseDescriptor(doc.config, what, 'config');
    if (!Array.isArray(doc.layers)) invalid(what, 'layers', `must be an array, got ${quotedValue(doc.layers)}`);
    const layers = doc.layers.map((l, i) => parseDescriptor(l, what, `layers[${i}]`));
    const m: ImageManifest = { kind: 'manifest', schemaVersion: 2, mediaType, config, layers };
    if (annotations) m.annotations = annotations;
    if (doc.subject !== undefined) m.subject = parseDescriptor(doc.subject, what, 'subject');
    if (artifactType !== undefined) m.artifactType = artifactType;
    return m;
  }
  return invalid(what, 'mediaType', `${quotedValue(mediaType)} is not a manifest type Signet understands (OCI or Docker v2 image manifest or index)`);
}

export function platformString(p: Platform | undefined): string {
  if (!p) return 'unknown';
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
}
