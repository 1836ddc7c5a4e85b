import { generatePrivateKey } from '../engine/keys/private-key.js';
import { encryptCosignKey } from '../engine/keys/cosign-key-file.js';
import type { KeyAlgorithm } from '../engine/keys/algorithms.js';
import { readPassword } from './password.js';
import { writeNewFile } from './files.js';

/** `signet keys generate-file PREFIX`: a cosign key pair on disk, as `cosign generate-key-pair` writes it. */
export async function generateKeyFiles(prefix: string, alg: KeyAlgorithm): Promise<{ privatePath: string; publicPath: string; fingerprint: string }> {
  const password = await readPassword('Password for the new private key: ', process.env, true);
  const key = generatePrivateKey(alg);
  const pem = await encryptCosignKey(key, password);
  const privatePath = `${prefix}.key`;
  const publicPath = `${prefix}.pub`;
  // 'wx' refuses to overwrite: replacing an existing key file would destroy a key for good.
  for (const [path, data, mode] of [[privatePath, pem, 0o600], [publicPath, key.publicKey.pem, 0o644]] as const) {
    await writeNewFile(path, data, mode, 'a key file');
  }
  return { privatePath, publicPath, fingerprint: key.publicKey.fingerprint };
}
