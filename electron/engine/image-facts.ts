import pLimit from 'p-limit';
import { SignetError, describeError, isSignetError } from './errors.js';
import type { Digest } from './content/digest.js';
import { parseManifest, platformString, type Descriptor } from './content/manifest.js';
import type { VerifyResult } from './verify.js';
import type { ImageSource } from './sources/image-source.js';
import type { EngineClient } from './sources/docker-engine.js';

/**
 * What the Images table shows beside a verdict: the platforms an image runs on and when it was
 * built. These are read after the verdicts and are never part of one: a failure here leaves the
 * verdict as it was and only says why the facts are missing.
 */
export interface ImageFacts {
  /** An index's platform manifests, or a single image's os/arch[/variant] from its config. */
  platforms?: string[];
  /** The image config's `created`, as written there (RFC 3339). An index has none of its own. */
  created?: string;
  /** Why platforms or created could not be read, in plain words. */
  factsError?: string;
}

/** A listed image: its verdict, and its facts once read. */
export type ImageListing = VerifyResult & ImageFacts;

/** What the manifest already fetched for the verdict tells: an index's platforms, or which config to read. */
export type ManifestSummary =
  | { kind: 'index'; platforms: string[] }
  | { kind: 'image'; config: Descriptor }
  | { kind: 'unreadable'; why: string };

/** Config blobs hold only metadata; anything this large is not one worth reading for two fields. */
export const MAX_CONFIG_BYTES = 4 << 20;

/** Buildx stores attestations as index entries with platform unknown/unknown; they are not platforms. */
const ATTESTATION = (d: Descriptor) => d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest';

export function summarizeManifest(m: { bytes: Uint8Array; mediaType: string }): ManifestSummary {
  try {
    const parsed = parseManifest(m.bytes, m.mediaType);
    if (parsed.kind === 'index') return { kind: 'index', platforms: parsed.manifests.filter((d) => !ATTESTATION(d)).map((d) => platformString(d.platform)) };
    return { kind: 'image', config: parsed.config };
  } catch (e) {
    if (!isSignetError(e)) throw e;
    return { kind: 'unreadable', why: describeError(e) };
  }
}

/** The platform and creation time an image config records. Throws MANIFEST_INVALID, naming the field. */
export function configFacts(bytes: Uint8Array): { platforms: string[]; created?: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (e) {
    throw new SignetError('MANIFEST_INVALID', `The image config is not valid JSON (${(e as Error).message}).`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new SignetError('MANIFEST_INVALID', 'The image config is not a JSON object.');
  const c = doc as Record<string, unknown>;
  return platformFacts({ os: c.os, architecture: c.architecture, variant: c.variant, created: c.created }, 'The image config');
}

/**
 * The facts from fields as an image config names them (`os`, `architecture`, `variant`,
 * `created`), wherever they were read: a config blob, or an engine's record of an image.
 * `where` starts the error message ("The image config", "The engine's record").
 */
export function platformFacts(f: { os: unknown; architecture: unknown; variant?: unknown; created?: unknown }, where: string): { platforms: string[]; created?: string } {
  if (typeof f.os !== 'string' || typeof f.architecture !== 'string' || f.os === '' || f.architecture === '') {
    throw new SignetError('MANIFEST_INVALID', `${where} does not name its os and architecture as strings.`);
  }
  if (f.created !== undefined && (typeof f.created !== 'string' || Number.isNaN(Date.parse(f.created)))) {
    throw new SignetError('MANIFEST_INVALID', `${where}'s created is ${JSON.stringify(f.created).slice(0, 40)}, not a date and time.`);
  }
  const platform = platformString({ os: f.os, architecture: f.architecture, ...(typeof f.variant === 'string' && f.variant !== '' ? { variant: f.variant } : {}) });
  return { platforms: [platform], ...(typeof f.created === 'string' ? { created: f.created } : {}) };
}

/**
 * Reads an image's facts from its manifest summary (and, for a single image, its config blob).
 * Never throws a SignetError: that becomes factsError. Configs are often shared between tags,
 * so `readConfig` is asked once per config digest.
 */
export function factsReader(readConfig: (config: Descriptor) => Promise<Uint8Array>): (s: ManifestSummary | undefined) => Promise<ImageFacts> {
  const configs = new Map<Digest, Promise<ImageFacts>>();
  const fromConfig = (d: Descriptor): Promise<ImageFacts> => readConfig(d).then(configFacts).catch((e: unknown): ImageFacts => {
    if (!isSignetError(e)) throw e;
    return { factsError: `The image config could not be read: ${describeError(e)}` };
  });
  return async (s) => {
    if (s === undefined) return { factsError: 'The image\'s manifest could not be read, so neither could its platforms or creation time.' };
    switch (s.kind) {
      case 'index': return { platforms: s.platforms };
      case 'unreadable': return { factsError: `The manifest does not say which platforms it is for: ${s.why}` };
      case 'image': {
        let facts = configs.get(s.config.digest);
        if (facts === undefined) configs.set(s.config.digest, facts = fromConfig(s.config));
        return facts;
      }
    }
  };
}

/**
 * Facts by image name for a source that holds its manifests and configs (an OCI layout, a docker
 * archive): the top manifest from `resolve`, then the config through `readConfig`.
 */
export function sourceFactsReader(source: Pick<ImageSource, 'resolve'>, readConfig: (config: Descriptor) => Promise<Uint8Array>): (name: string) => Promise<ImageFacts> {
  const factsOf = factsReader(readConfig);
  return async (name) => factsOf(await source.resolve(name).then(summarizeManifest, (e: unknown) => {
    if (!isSignetError(e)) throw e;
    return undefined;
  }));
}

/** A config blob read whole through a source's verifying stream, refused unread when too large. */
export async function readConfigBlob(source: Pick<ImageSource, 'blob'>, d: Descriptor): Promise<Uint8Array> {
  if (d.size > MAX_CONFIG_BYTES) throw new SignetError('SIZE_MISMATCH', `The image config ${d.digest} declares ${d.size} bytes, more than the ${MAX_CONFIG_BYTES} Signet reads for it.`);
  const chunks: Buffer[] = [];
  for await (const c of await source.blob(d.digest, d.size)) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Docker and Podman report a config without `created` as Go's zero time; that is "not recorded". */
const recorded = (created: unknown): unknown => (typeof created === 'string' && created.startsWith('0001-01-01T') ? undefined : created);

/**
 * Facts of local engine images by image id, from the engine's own record (`inspect`): the
 * platform of the image the engine holds (one, even when it was pulled from an index) and its
 * creation time. One request per image id; tags of the same image share it.
 */
export function engineFactsReader(engine: Pick<EngineClient, 'inspect'>): (id: string) => Promise<ImageFacts> {
  const byId = new Map<string, Promise<ImageFacts>>();
  const read = (id: string): Promise<ImageFacts> => engine.inspect(id)
    .then((img): ImageFacts => platformFacts({ os: img.Os, architecture: img.Architecture, variant: img.Variant, created: recorded(img.Created) }, 'The engine\'s record'))
    .catch((e: unknown): ImageFacts => {
      if (!isSignetError(e)) throw e;
      return { factsError: `The engine's record of the image could not be read: ${describeError(e)}` };
    });
  return (id) => {
    let facts = byId.get(id);
    if (facts === undefined) byId.set(id, facts = read(id));
    return facts;
  };
}

/**
 * Adds facts to rows whose verdicts are final, a few images at a time. Each row is delivered to
 * `onFacts` once, with its facts; the returned list is every row with its facts, in order.
 */
export async function addFacts(
  rows: readonly VerifyResult[],
  factsOf: (index: number) => Promise<ImageFacts>,
  opts: { concurrency?: number; onFacts?: (row: ImageListing, index: number) => void } = {},
): Promise<ImageListing[]> {
  const limit = pLimit(opts.concurrency ?? 8);
  return Promise.all(rows.map((row, i) => limit(async () => {
    const withFacts: ImageListing = { ...row, ...(await factsOf(i)) };
    opts.onFacts?.(withFacts, i);
    return withFacts;
  })));
}
