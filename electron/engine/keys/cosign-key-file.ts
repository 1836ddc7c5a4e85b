/**
 * cosign's encrypted private key file (what `cosign generate-key-pair` writes as cosign.key).
 *
 * The PEM body is the JSON that go-securesystemslib's `encrypted` package produces:
 *   {"kdf":{"name":"scrypt","params":{"N":32768,"r":8,"p":1},"salt":"<b64>"},
 *    "cipher":{"name":"nacl/secretbox","nonce":"<b64 24 bytes>"},"ciphertext":"<b64>"}
 * key = scrypt(password, salt, N, r, p, 32); PKCS#8 DER = secretbox.open(ciphertext, nonce, key).
 * Byte fields are standard padded base64 because that is how Go's encoding/json writes []byte.
 */
import { randomBytes, scrypt as scryptCb, type ScryptOptions } from 'node:crypto';
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import { SignetError } from '../errors.js';
import { decodePem, encodePem } from './pem.js';
import { privateKeyFromPkcs8, type PrivateKey } from './private-key.js';

export const COSIGN_KEY_LABEL = 'ENCRYPTED SIGSTORE PRIVATE KEY';
/** The label cosign (and skopeo generate-sigstore-key) used before; same content. */
export const LEGACY_COSIGN_KEY_LABEL = 'ENCRYPTED COSIGN PRIVATE KEY';

/** What cosign writes (go-securesystemslib "Legacy" strength); we write the same so cosign reads our keys. */
const WRITE_PARAMS = { N: 32768, r: 8, p: 1 } as const;
const SALT_BYTES = 32;
const NONCE_BYTES = 24;
const KEY_BYTES = 32;
const TAG_BYTES = 16;

/**
 * Limits on parameters read from a file. The file is untrusted input and scrypt cost is
 * N*r*p time and 128*N*r memory, so a tampered file could otherwise hang or exhaust the host.
 * N=2^20, r=8 (1 GiB) is the most any real tool writes (go-securesystemslib's strongest is 2^17).
 */
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;
const MAX_MEMORY = 128 * MAX_N * 8;
const MAX_WORK = MAX_N * 8 * 4; // N*r*p

interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

interface EncryptedKeyFile {
  params: ScryptParams;
  salt: Uint8Array;
  nonce: Uint8Array;
  ciphertext: Uint8Array;
}

export async function decryptCosignKey(pem: string, password: string): Promise<PrivateKey> {
  const file = parseKeyFile(pem);
  const key = await deriveKey(password, file.salt, file.params);
  let pkcs8: Uint8Array;
  try {
    pkcs8 = xsalsa20poly1305(key, file.nonce).decrypt(file.ciphertext);
  } catch {
    // secretbox cannot tell a wrong password from a damaged ciphertext; the password is by far the likelier.
    throw new SignetError('KEY_PASSWORD_WRONG', 'The password for this key is wrong (or the encrypted part of the key file is damaged).');
  } finally {
    key.fill(0);
  }
  try {
    return privateKeyFromPkcs8(pkcs8);
  } catch (e) {
    if (e instanceof SignetError) {
      throw new SignetError(e.code, `The key file decrypted, but the key inside cannot be used: ${e.message}`, { ...e.details }, { cause: e });
    }
    throw e;
  } finally {
    pkcs8.fill(0);
  }
}

export async function encryptCosignKey(key: PrivateKey, password: string): Promise<string> {
  const salt = new Uint8Array(randomBytes(SALT_BYTES));
  const nonce = new Uint8Array(randomBytes(NONCE_BYTES));
  const boxKey = await deriveKey(password, salt, WRITE_PARAMS);
  let ciphertext: Uint8Array;
  try {
    ciphertext = xsalsa20poly1305(boxKey, nonce).encrypt(key.pkcs8);
  } finally {
    boxKey.fill(0);
  }
  // Field order matches Go's json.Marshal of go-securesystemslib's struct, byte for byte.
  const json = JSON.stringify({
    kdf: { name: 'scrypt', params: { N: WRITE_PARAMS.N, r: WRITE_PARAMS.r, p: WRITE_PARAMS.p }, salt: b64(salt) },
    cipher: { name: 'nacl/secretbox', nonce: b64(nonce) },
    ciphertext: b64(ciphertext),
  });
  return encodePem(COSIGN_KEY_LABEL, new TextEncoder().encode(json));
}

function parseKeyFile(pem: string): EncryptedKeyFile {
  const block = decodePem(pem, 'cosign key file');
  if (block.label !== COSIGN_KEY_LABEL && block.label !== LEGACY_COSIGN_KEY_LABEL) {
    const hint = block.label.includes('PRIVATE KEY')
      ? ' It is a private key, but not one encrypted the way cosign does (cosign key files come from `cosign generate-key-pair`).'
      : block.label === 'PUBLIC KEY'
        ? ' It is a public key; signing needs the private key file (cosign.key).'
        : '';
    throw new SignetError('KEY_INVALID', `The key file is a "${block.label}" PEM block, not a cosign private key ("${COSIGN_KEY_LABEL}").${hint}`, { label: block.label });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(block.bytes));
  } catch {
    throw invalid('its content is not the JSON cosign writes');
  }
  const root = obj(doc, 'the key file');
  const kdf = obj(root['kdf'], '"kdf"');
  if (kdf['name'] !== 'scrypt') throw invalid(`its key derivation is ${JSON.stringify(kdf['name'])}, but only "scrypt" is used by cosign`);
  const params = scryptParams(obj(kdf['params'], '"kdf.params"'));
  const salt = bytes(kdf['salt'], '"kdf.salt"');
  if (salt.length === 0 || salt.length > 1024) throw invalid(`"kdf.salt" is ${salt.length} bytes (cosign writes 32)`);
  const cipher = obj(root['cipher'], '"cipher"');
  if (cipher['name'] !== 'nacl/secretbox') throw invalid(`its cipher is ${JSON.stringify(cipher['name'])}, but only "nacl/secretbox" is used by cosign`);
  const nonce = bytes(cipher['nonce'], '"cipher.nonce"');
  if (nonce.length !== NONCE_BYTES) throw invalid(`"cipher.nonce" is ${nonce.length} bytes, not ${NONCE_BYTES}`);
  const ciphertext = bytes(root['ciphertext'], '"ciphertext"');
  if (ciphertext.length <= TAG_BYTES) throw invalid(`"ciphertext" is only ${ciphertext.length} bytes, too short to hold a key`);
  return { params, salt, nonce, ciphertext };
}

function scryptParams(p: Record<string, unknown>): ScryptParams {
  const N = p['N'];
  const r = p['r'];
  const par = p['p'];
  if (!isInt(N) || !isInt(r) || !isInt(par)) throw invalid('"kdf.params" must hold whole numbers N, r and p');
  // Node's scrypt needs N a power of two; so does the scrypt definition.
  if (N < 2 || N > MAX_N || (N & (N - 1)) !== 0) throw invalid(`scrypt N is ${N}; it must be a power of two no larger than 2^20`);
  if (r < 1 || r > MAX_R) throw invalid(`scrypt r is ${r}; it must be between 1 and ${MAX_R}`);
  if (par < 1 || par > MAX_P) throw invalid(`scrypt p is ${par}; it must be between 1 and ${MAX_P}`);
  if (128 * N * r > MAX_MEMORY || N * r * par > MAX_WORK) {
    throw invalid(`scrypt parameters N=${N}, r=${r}, p=${par} would take unreasonable memory or time (cosign uses N=32768, r=8, p=1)`);
  }
  return { N, r, p: par };
}

function deriveKey(password: string, salt: Uint8Array, { N, r, p }: ScryptParams): Promise<Uint8Array> {
  // Node's default maxmem (32 MiB) is exactly what N=32768, r=8 needs, and it refuses at the limit; give it headroom.
  const options: ScryptOptions = { N, r, p, maxmem: 128 * N * r + 128 * r * p + 16 * 1024 * 1024 };
  return new Promise((resolve, reject) => {
    // Go hashes []byte(password): the UTF-8 bytes, no normalisation.
    scryptCb(Buffer.from(password, 'utf8'), salt, KEY_BYTES, options, (err, out) => {
      if (err) reject(new SignetError('KEY_INVALID', `The key file's scrypt parameters could not be used: ${err.message}`, {}, { cause: err }));
      else resolve(new Uint8Array(out));
    });
  });
}

const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function bytes(v: unknown, what: string): Uint8Array {
  if (typeof v !== 'string' || !BASE64_RE.test(v)) throw invalid(`${what} is not a base64 string`);
  return new Uint8Array(Buffer.from(v, 'base64'));
}

function obj(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid(`${what} is missing or not a JSON object`);
  return v as Record<string, unknown>;
}

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v);
}

function invalid(reason: string): SignetError {
  return new SignetError('KEY_INVALID', `The cosign key file is malformed: ${reason}.`);
}

function b64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
}
