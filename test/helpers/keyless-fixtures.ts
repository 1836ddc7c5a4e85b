// The real public-good keyless signatures in ../shared/fixtures/keyless (read its README), and
// trimmed copies of their trusted roots for the tests that need a root without their CA or log.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir } from './paths.js';

export const KEYLESS_FIXTURES = join(fixturesDir, 'keyless');

export const readKeylessFixture = (name: string): Buffer => readFileSync(join(KEYLESS_FIXTURES, name));

/** Sigstore's public-good trusted_root.json (the same bytes Signet ships). */
export const publicGoodRootText = (): string => readKeylessFixture('public-good-trusted_root.json').toString('utf8');

/** containers/image's keyless `.sig` layer: `\0sigstore-json` then {mimeType, payload, annotations}. */
export function containersImageSigLayer(): { payload: Buffer; annotations: Record<string, string> } {
  const raw = readKeylessFixture('containers-image-signature-1');
  const doc = JSON.parse(raw.subarray(raw.indexOf('{')).toString('utf8')) as { payload: string; annotations: Record<string, string> };
  return { payload: Buffer.from(doc.payload, 'base64'), annotations: doc.annotations };
}

/** The manifest digest containers/image's signature is for, and the one cosign's bundle is about. */
export const CONTAINERS_IMAGE_DIGEST = 'sha256:0489474da8ea22426ece86ace6c1c0026ab2fd3cdfbbd62b7e94650266c37d9a';
export const COSIGN_BUNDLE_DIGEST = 'sha256:732112270d7e59418a8c080b134b24cabd67d250d0d0147a97ed95ba5c280aa4';
export const GITHUB_OAUTH = 'https://github.com/login/oauth';

export function cosignAttestationBundle(): unknown {
  return JSON.parse(readKeylessFixture('cosign-oci-attestation.sigstore.json').toString('utf8'));
}

type RootDoc = Record<string, unknown> & { certificateAuthorities?: Array<Record<string, unknown>>; tlogs?: Array<Record<string, unknown>>; ctlogs?: Array<Record<string, unknown>>; timestampAuthorities?: Array<Record<string, unknown>> };

/**
 * A copy of a trusted root with some entries removed: `keep` is called for every entry of every
 * list and says whether it stays. The fixtures are never edited; this makes new text.
 */
export function trimmedRoot(rootText: string, keep: (list: 'certificateAuthorities' | 'tlogs' | 'ctlogs' | 'timestampAuthorities', entry: Record<string, unknown>) => boolean): string {
  const doc = JSON.parse(rootText) as RootDoc;
  for (const list of ['certificateAuthorities', 'tlogs', 'ctlogs', 'timestampAuthorities'] as const) {
    if (doc[list]) doc[list] = doc[list]!.filter((e) => keep(list, e));
  }
  return JSON.stringify(doc, null, 2);
}
