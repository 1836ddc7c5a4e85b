import { SignetError } from './errors.js';
import { isDigest, type Digest } from './content/digest.js';
import { platformString, type AnyManifest } from './content/manifest.js';

/** One platform manifest an index lists. */
export interface PlatformManifest {
  digest: Digest;
  mediaType: string;
  platform?: string;
}

/**
 * Which platform manifests of an index are signed along with it. The index itself is always
 * signed: it is what the reference names, and what a registry client resolves first.
 */
export interface PlatformChoice {
  /** false: the index alone. Default true: every platform manifest (podman checks the one it pulls). */
  recursive?: boolean;
  /**
   * Sign only these platform manifests, by digest. Digests, not platform strings, because
   * platform strings repeat (attestation manifests are all `unknown/unknown`). An empty list
   * signs the index alone.
   */
  platforms?: readonly string[];
  /** And those whose platform is one of these (`OS/ARCH[/VARIANT]`); one string may match several. */
  platformNames?: readonly string[];
}

/**
 * The platform manifests of an index, in its order, each once (an index may list one twice; it is
 * signed once); empty for a single-platform image.
 */
export function indexPlatforms(manifest: AnyManifest): PlatformManifest[] {
  if (manifest.kind !== 'index') return [];
  const seen = new Set<string>();
  return manifest.manifests
    .filter((d) => !seen.has(d.digest) && seen.add(d.digest))
    .map((d) => ({ digest: d.digest, mediaType: d.mediaType, ...(d.platform ? { platform: platformString(d.platform) } : {}) }));
}

function describeAll(platforms: readonly PlatformManifest[]): string {
  return platforms.map((p) => `${p.platform ?? 'no platform'} ${p.digest}`).join(', ');
}

/**
 * The platform manifests to sign along with the index, in the index's order. Throws USAGE,
 * before anything is written, for a choice that does not fit the image: choosing platforms of a
 * single-platform image, a digest the index does not list, a platform string none matches, or a
 * choice combined with `recursive: false`.
 */
export function choosePlatforms(image: string, manifest: AnyManifest, choice: PlatformChoice): PlatformManifest[] {
  const all = indexPlatforms(manifest);
  const digests = choice.platforms ?? [];
  const names = choice.platformNames ?? [];
  const choosing = choice.platforms !== undefined || choice.platformNames !== undefined;
  if (!choosing) return choice.recursive === false ? [] : all;
  if (digests.length + names.length === 0) return [];
  if (manifest.kind !== 'index') {
    throw new SignetError('USAGE', `${image} is a single-platform image, not a multi-platform index, so it has no platforms to choose from. Sign it without choosing platforms. Nothing was signed.`);
  }
  if (choice.recursive === false) {
    throw new SignetError('USAGE', 'Choosing platforms signs them along with the index, so it cannot be combined with signing the index alone (--no-recursive). Nothing was signed.');
  }
  const chosen = new Set<string>();
  for (const d of digests) {
    if (!isDigest(d)) throw new SignetError('USAGE', `"${d}" is not a platform manifest digest (sha256: followed by 64 lowercase hex digits). Nothing was signed.`);
    if (!all.some((p) => p.digest === d)) {
      throw new SignetError('USAGE', `${d} is not one of the platform manifests of ${image}; the index lists ${describeAll(all) || 'none'}. Nothing was signed.`, { digest: d });
    }
    chosen.add(d);
  }
  for (const name of names) {
    const matches = all.filter((p) => p.platform === name);
    if (matches.length === 0) {
      throw new SignetError('USAGE', `No platform manifest of ${image} is for ${name}; the index lists ${describeAll(all) || 'none'}. Nothing was signed.`, { platform: name });
    }
    for (const m of matches) chosen.add(m.digest);
  }
  return all.filter((p) => chosen.has(p.digest));
}

