// Reading the upstream skopeo/cosign fixtures the key tests share (see fixtures/README.md).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir } from '../../helpers/paths.js';

export const PASSWORD = readFileSync(join(fixturesDir, 'PASSWORD.txt'), 'utf8');

export type SignatureFolder = 'skopeo-ed25519' | 'skopeo-ecdsa-p256' | 'handmade-ed25519';
export const SIGNATURE_FOLDERS: readonly SignatureFolder[] = ['skopeo-ed25519', 'skopeo-ecdsa-p256', 'handmade-ed25519'];

export function fixtureText(...parts: string[]): string {
  return readFileSync(join(fixturesDir, ...parts), 'utf8');
}

export function fixtureBytes(...parts: string[]): Uint8Array {
  return new Uint8Array(readFileSync(join(fixturesDir, ...parts)));
}

/** The signed payload, exactly as stored (raw bytes, never re-serialised). */
export function payloadOf(folder: SignatureFolder): Uint8Array {
  return fixtureBytes(folder, 'sig-payload.json');
}

export function signatureOf(folder: SignatureFolder): Uint8Array {
  return new Uint8Array(Buffer.from(fixtureText(folder, 'signature.b64').trim(), 'base64'));
}

/** DER inside a PEM file, decoded here independently of the code under test. */
export function pemBodyBytes(pem: string): Uint8Array {
  const body = pem.split('\n').filter((l) => l && !l.startsWith('-----')).join('');
  return new Uint8Array(Buffer.from(body, 'base64'));
}

export function flipByte(b: Uint8Array, i: number): Uint8Array {
  const c = Uint8Array.from(b);
  c[i] = (c[i] as number) ^ 0x01;
  return c;
}
