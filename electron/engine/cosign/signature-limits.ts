import pLimit from 'p-limit';
import { SignetError, isSignetError } from '../errors.js';
import type { SignatureLayer } from './signature-manifest.js';
import type { StoredSignature } from './signature-store.js';

/**
 * How the signatures of one image are read from its signature manifest, the same for a registry
 * and an OCI layout: bounded per image, not only per request. Whoever can push to the repository
 * writes that manifest, so it can name 13,500 layers, or thousands of 1 MB payloads: before these
 * bounds that cost 13,500 payload GETs and minutes of CPU for one image, or 4 GB downloaded.
 *
 * A manifest beyond a bound is LIMIT_EXCEEDED, which the verdict turns into "could not check"
 * before anything is fetched or checked: never verified, and never a partial read presented as
 * complete (the part left out could hold the INVALID signature that must be reported).
 */

/**
 * The most signatures (layers) checked for one image. Each distinct one is a verdict: about 0.1 ms
 * when its key hint names a trusted key (Signet's own), about 2 ms without a hint (skopeo's), and
 * about 50–80 ms for a well-formed signature that none of 20 trusted Ed25519 keys made, since every
 * key's check must fail (bench/hostile-registry.ts: 1,000 such signatures took 80 s of one
 * image's time). 100 holds that worst case to seconds, and is cosign's own bound on the
 * signatures it fetches for an image (maxAllowedSigsOrAtts, after CVE-2023-46737). Cosign appends
 * one layer per signing, so 100 is years of re-signing one digest.
 */
export const MAX_SIGNATURES_PER_IMAGE = 100;

/** The most payload bytes read for one image, over its distinct payloads (each is a few hundred bytes). */
export const MAX_PAYLOAD_BYTES_PER_IMAGE = 16 << 20;

/** Cosign payloads are a few hundred bytes; anything larger than this is not one. */
export const MAX_PAYLOAD_BYTES = 1 << 20;

/** Payloads read at once: enough to keep a connection pool busy, few enough for file descriptors. */
const PAYLOAD_READS_AT_ONCE = 16;

/**
 * Every layer with its payload (or why it could not be read). Each distinct payload, by digest and
 * declared size, is read once however many layers name it; `readPayload` gets the most bytes it
 * may return. Bounds are checked on the manifest alone, before any read; `where` names the
 * manifest in messages (`host/repo:sha256-….sig`).
 */
export async function readSignatures(
  layers: readonly SignatureLayer[],
  where: string,
  readPayload: (layer: SignatureLayer, maxBytes: number) => Promise<Uint8Array>,
): Promise<StoredSignature[]> {
  if (layers.length > MAX_SIGNATURES_PER_IMAGE) {
    throw new SignetError(
      'LIMIT_EXCEEDED',
      `The signature manifest at ${where} has ${count(layers.length)} signatures, more than the ${count(MAX_SIGNATURES_PER_IMAGE)} Signet checks for one image.`,
      { where, signatures: layers.length, limit: MAX_SIGNATURES_PER_IMAGE },
    );
  }
  const distinct = new Map<string, SignatureLayer>();
  for (const layer of layers) if (!distinct.has(payloadKey(layer))) distinct.set(payloadKey(layer), layer);
  let declared = 0;
  for (const layer of distinct.values()) declared += layer.payloadSize;
  if (declared > MAX_PAYLOAD_BYTES_PER_IMAGE) {
    throw new SignetError(
      'LIMIT_EXCEEDED',
      `The signature manifest at ${where} names ${count(declared)} bytes of signed payloads, more than the ${count(MAX_PAYLOAD_BYTES_PER_IMAGE)} bytes (16 MiB) Signet reads for one image.`,
      { where, bytes: declared, limit: MAX_PAYLOAD_BYTES_PER_IMAGE },
    );
  }
  const limit = pLimit(PAYLOAD_READS_AT_ONCE);
  const read = new Map<string, Omit<StoredSignature, 'layer'>>();
  await Promise.all([...distinct].map(([key, layer]) => limit(async () => {
    try {
      read.set(key, { payload: await readPayload(layer, MAX_PAYLOAD_BYTES) });
    } catch (e) {
      if (!isSignetError(e)) throw e;
      read.set(key, { payloadError: e });
    }
  })));
  // The same result object for every layer of one payload: the verdict evaluates identical layers once.
  return layers.map((layer) => ({ layer, ...read.get(payloadKey(layer))! }));
}

function payloadKey(layer: SignatureLayer): string {
  return `${layer.payloadDigest} ${layer.payloadSize}`;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}
