// What the --platform flags mean, loaded with the sign and push actions (the flags themselves are
// declared in ../platform-options.ts, which start-up loads).
import { SignetError } from '../../engine/errors.js';
import { isDigest } from '../../engine/content/digest.js';
import type { PlatformChoice } from '../../engine/platform-choice.js';
import type { SignResult } from '../../engine/sign.js';
import type { PlatformFlags } from '../platform-options.js';
import { printable } from '../../../shared/printable.js';

const PLATFORM = /^[^/\s]+\/[^/\s]+(\/[^/\s]+)?$/;

/**
 * The engine's PlatformChoice for these flags. Checked here, before any key is unlocked or
 * password asked for; the engine checks again against the index itself.
 */
export function platformChoice(o: PlatformFlags): PlatformChoice {
  const choosing = o.platform.length + o.platformDigest.length > 0;
  if (!choosing) return { recursive: o.recursive };
  if (!o.recursive) {
    throw new SignetError('USAGE', '--platform and --platform-digest choose which platform manifests are signed along with the index, so they cannot be combined with --no-recursive (the index alone).');
  }
  for (const p of o.platform) {
    if (!PLATFORM.test(p)) throw new SignetError('USAGE', `--platform "${p}" is not OS/ARCH or OS/ARCH/VARIANT (for example linux/amd64 or linux/arm64/v8).`);
  }
  for (const d of o.platformDigest) {
    if (!isDigest(d)) throw new SignetError('USAGE', `--platform-digest "${d}" is not a digest (sha256: followed by 64 lowercase hex digits).`);
  }
  return { recursive: true, platforms: o.platformDigest, platformNames: o.platform };
}

/** A line for each --platform that matched more than one platform manifest: all of them were signed. */
export function severalMatched(result: SignResult, names: readonly string[]): string[] {
  return [...new Set(names)].flatMap((name) => {
    const matched = result.signatures.filter((s) => s.platform === name && s.digest !== result.digest);
    return matched.length > 1 ? [`--platform ${printable(name)} matched ${matched.length} platform manifests; all of them were signed: ${matched.map((s) => s.digest).join(', ')}`] : [];
  });
}
