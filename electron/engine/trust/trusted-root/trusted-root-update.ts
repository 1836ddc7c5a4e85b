/**
 * `signet trust root update` online: the trusted root through Sigstore's TUF repository, with the
 * TUF client Sigstore publishes (@sigstore/tuf). TUF checks the chain of signed root metadata from
 * the one Signet starts with (the seed in @sigstore/tuf for the public-good repository, or
 * `--tuf-root FILE` for another), the timestamp, snapshot and targets roles, and the target's
 * length and hashes; this module only names the repository, keeps the client's cache in the data
 * dir, and words its errors. The only network access keyless verification ever makes is here.
 */
import { SignetError } from '../../errors.js';
import { printableText } from '../../../../shared/printable.js';

export const PUBLIC_GOOD_TUF_MIRROR = 'https://tuf-repo-cdn.sigstore.dev';

export interface TufFetchOptions {
  /** The TUF client's cache directory (trustedRootPaths(dataDir).tufCache). */
  cacheDir: string;
  /** The repository (default: Sigstore's public-good one). */
  mirrorURL?: string | undefined;
  /** The TUF root.json to start from; needed for any repository but the public-good one. */
  tufRootPath?: string | undefined;
  /** Per request (default 5 s), as @sigstore/tuf's own default. */
  timeoutMs?: number | undefined;
}

/** The text of trusted_root.json from the TUF repository, verified by the TUF client. */
export async function fetchTrustedRootThroughTuf(options: TufFetchOptions): Promise<{ text: string; source: string }> {
  const mirrorURL = checkedMirror(options.mirrorURL ?? PUBLIC_GOOD_TUF_MIRROR);
  const { initTUF, TUFError } = await import('@sigstore/tuf');
  try {
    const tuf = await initTUF({
      cachePath: options.cacheDir,
      mirrorURL,
      ...(options.tufRootPath !== undefined ? { rootPath: options.tufRootPath, forceInit: true } : {}),
      timeout: options.timeoutMs ?? 5_000,
      retry: { retries: 2 },
    });
    const text = await tuf.getTarget('trusted_root.json');
    return { text, source: `TUF repository ${mirrorURL}` };
  } catch (e) {
    if (e instanceof TUFError && e.code === 'TUF_INIT_CACHE_ERROR' && options.tufRootPath === undefined) {
      throw new SignetError('USAGE', `Signet has no TUF root for ${mirrorURL}; give the repository's root.json with --tuf-root FILE.`);
    }
    throw tufFailure(mirrorURL, e);
  }
}

/** https, or http to a loopback address (a local test or mirror), as for registries. */
function checkedMirror(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new SignetError('USAGE', `The TUF mirror ${printableText(url, { max: 200 })} is not a URL.`);
  }
  const loopback = u.hostname === 'localhost' || u.hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(u.hostname);
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback)) {
    throw new SignetError('INSECURE_REFUSED', `The TUF mirror ${printableText(url, { max: 200 })} is not https (plain http only to a loopback address).`);
  }
  return url.replace(/\/+$/, '');
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED']);

/** A network failure is NETWORK (try again later); anything TUF refused is TRUSTED_ROOT_INVALID. */
function tufFailure(mirrorURL: string, e: unknown): SignetError {
  const chain: string[] = [];
  let network = false;
  for (let c: unknown = e, depth = 0; c instanceof Error && depth < 6; c = (c as { cause?: unknown }).cause, depth++) {
    chain.push(c.message);
    if (NETWORK_CODES.has(String((c as NodeJS.ErrnoException).code)) || c.name === 'FetchError') network = true;
  }
  const detail = printableText(chain.join(': '), { max: 300 });
  return network
    ? new SignetError('NETWORK', `Could not reach the TUF repository ${mirrorURL} (${detail}). The trusted root in use is unchanged; try again later, or install one from a file: signet trust root update --from FILE.`)
    : new SignetError('TRUSTED_ROOT_INVALID', `The TUF repository ${mirrorURL} did not give a verified trusted root (${detail}). The trusted root in use is unchanged.`);
}
