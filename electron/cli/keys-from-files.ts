import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { SignetError } from '../engine/errors.js';
import { parsePublicKeyPem } from '../engine/keys/public-key.js';
import { decryptCosignKey } from '../engine/keys/cosign-key-file.js';
import { signerFromPrivateKey, type Signer } from '../engine/keys/signer.js';
import type { TrustedKey } from '../engine/cosign/verdict.js';
import { readPassword } from './password.js';

export async function readKeyFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new SignetError('IO', code === 'ENOENT' ? `The key file ${path} does not exist.` : `The key file ${path} could not be read (${code ?? (e as Error).message}).`);
  }
}

/** A name for a key given as a file: its file name, so "verified by alice.pub" says which file. */
export function keyNameFromPath(path: string): string {
  return basename(path);
}

/**
 * `--key FILE` on verify: a public key PEM. A cosign private key file is accepted too (its public
 * half is used), since people often point at the pair's prefix by habit.
 */
export async function trustedKeyFromFile(path: string): Promise<TrustedKey> {
  const pem = await readKeyFile(path);
  if (pem.includes('PRIVATE KEY-----')) {
    const key = await decryptCosignKey(pem, await readPassword(`Password for ${path}: `));
    return { name: keyNameFromPath(path), publicKey: key.publicKey };
  }
  try {
    return { name: keyNameFromPath(path), publicKey: parsePublicKeyPem(pem) };
  } catch (e) {
    if (e instanceof SignetError) throw new SignetError(e.code, `${path}: ${e.message}`);
    throw e;
  }
}

/** `--key FILE` on sign: a cosign encrypted private key, password from COSIGN_PASSWORD or a prompt. */
export async function signerFromKeyFile(path: string): Promise<{ signer: Signer; name: string }> {
  const pem = await readKeyFile(path);
  if (!pem.includes('PRIVATE KEY-----')) {
    throw new SignetError('KEY_INVALID', `${path} is not a cosign private key (expected an ENCRYPTED SIGSTORE PRIVATE KEY PEM).`);
  }
  try {
    const key = await decryptCosignKey(pem, await readPassword(`Password for ${path}: `));
    return { signer: signerFromPrivateKey(key), name: keyNameFromPath(path) };
  } catch (e) {
    if (e instanceof SignetError && e.code !== 'USAGE') throw new SignetError(e.code, `${path}: ${e.message}`);
    throw e;
  }
}
