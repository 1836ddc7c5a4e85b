import { writeFile } from 'node:fs/promises';
import { SignetError } from '../engine/errors.js';
import { generatePrivateKey } from '../engine/keys/private-key.js';
import { encryptCosignKey } from '../engine/keys/cosign-key-file.js';
import type { KeyAlgorithm } from '../engine/keys/algorithms.js';
import { readPassword } from './password.js';

/** `signet keys generate-file PREFIX`: a cosign key pair on disk, as `cosign generate-key-pair` writes it. */
export async function generateKeyFiles(prefix: string, alg: KeyAlgorithm): Promise<{ privatePath: string; publicPath: string; fingerprint: string }> {
  const password = await readPassword('Password for the new private key: ', process.env, true);
  const key = generatePrivateKey(alg);
  const pem = await encryptCosignKey(key, password);
  const privatePath = `${prefix}.key`;
  const publicPath = `${prefix}.pub`;
  // 'wx' refuses to overwrite: replacing an existing key file would destroy a key for good.
  for (const [path, data, mode] of [[privatePath, pem, 0o600], [publicPath, key.publicKey.pem, 0o644]] as const) {
    try {
      await writeFile(path, data, { flag: 'wx', mode });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new SignetError('IO', code === 'EEXIST' ? `${path} already exists; Signet will not overwrite a key file. Choose another prefix or remove it.` : `Could not write ${path} (${code ?? (e as Error).message}).`);
    }
  }
  return { privatePath, publicPath, fingerprint: key.publicKey.fingerprint };
}
