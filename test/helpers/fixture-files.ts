// Reads a signature fixture from ../shared/fixtures (made by upstream skopeo, or by hand as cosign
// writes it) into the shapes the engine's stores produce, so unit tests need no registry.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir } from './paths.js';

export type SignatureFixture = 'skopeo-ed25519' | 'skopeo-ecdsa-p256' | 'handmade-ed25519';
export const SIGNATURE_FIXTURES: readonly SignatureFixture[] = ['skopeo-ed25519', 'skopeo-ecdsa-p256', 'handmade-ed25519'];
export const FIXTURE_IMAGE_DIGEST = 'sha256:5c9b4c05446d5c71fbf295a3212856ae5aa59d6660e53934bb80897097a853d3';

export interface FixtureFiles {
  dir: string;
  payload: Buffer;
  signatureB64: string;
  sigManifest: Buffer;
  sigConfig: Buffer;
  publicPem: string;
  privatePem: string;
  imageManifest: Buffer;
  /** The repository the payload's identity names, e.g. 127.0.0.1:5055/sig-ed-pass/app */
  identity: string;
}

export function loadFixture(name: SignatureFixture): FixtureFiles {
  const dir = join(fixturesDir, name);
  const read = (f: string) => readFileSync(join(dir, f));
  const payload = read('sig-payload.json');
  const identity = JSON.parse(payload.toString()).critical.identity['docker-reference'] as string;
  return {
    dir,
    payload,
    signatureB64: read('signature.b64').toString().trim(),
    sigManifest: read('sig-manifest.json'),
    sigConfig: read('sig-config.json'),
    publicPem: read('cosign.pub').toString(),
    privatePem: read('cosign.key').toString(),
    imageManifest: read('image-manifest.json'),
    identity,
  };
}

export const FIXTURE_PASSWORD = (): string => readFileSync(join(fixturesDir, 'PASSWORD.txt'), 'utf8');
