import pLimit from 'p-limit';
import { SignetError, describeError, isSignetError } from './errors.js';
import type { Digest } from './content/digest.js';
import { parseManifest, platformString, type Descriptor } from './content/manifest.js';
import type { VerifyResult } from './verify.js';

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
  if (typeof c.os !== 'string' || typeof c.architecture !== 'string') {
    throw new SignetError('MANIFEST_INVALID', 'The image config does not name its os and architecture as strings.');
  }
  if (c.created !== undefined && (typeof c.created !== 'string' || Number.isNaN(Date.parse(c.created)))) {
    throw new SignetError('MANIFEST_INVALID', `The image config's created is ${JSON.stringify(c.created).slice(0, 40)}, not a date and time.`);
  }
  const platform = platformString({ os: c.os, architecture: c.architecture, ...(typeof c.variant === 'string' ? { variant: c.variant } : {}) });
  return { platforms: [platform], ...(typeof c.created === 'string' ? { created: c.created } : {}) };
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
