/**
 * What a key reference (`--key X`, `push --sign X`, a policy's key) means: one rule for every
 * command, so that a file can never stand in for a key the user trusts by name.
 *
 * - A value containing a path separator (`./alice`, `../k.pub`, `/abs/k.pub`, `dir/k.pub`) is a
 *   file, and only ever a file.
 * - A full fingerprint (`SHA256:` and 64 hex digits, as `keys list` and `trust list` print it) is
 *   the own or trusted key with that fingerprint, and nothing else.
 * - Any other value is first a key name: an own key by name or id, else a trusted key by name.
 * - A bare value ending in .pub, .key or .pem that names no key is the file of that name in the
 *   current directory (`--key cosign.pub`). If it names a key and such a file exists too, it is
 *   refused, saying how to write each.
 * - A bare value without those endings never reads a file; if it names no key but a file of that
 *   name exists, the refusal says to write ./NAME for the file.
 *
 * Why: a pull-request checkout in CI can hold a file called `alice`; when a file was looked up
 * first, it silently replaced the trusted key named alice.
 */
import { existsSync } from 'node:fs';
import { sep } from 'node:path';
import { SignetError } from '../errors.js';
import { findKey, type KeyMetadata } from '../keystore/key-metadata.js';
import type { TrustEntry } from './trust-store.js';

export type KeyReference =
  | { kind: 'file'; path: string }
  | { kind: 'own'; key: KeyMetadata }
  | { kind: 'trusted'; key: TrustEntry };
type NamedKey = Exclude<KeyReference, { kind: 'file' }>;

export interface KeyReferenceScope {
  /** The option as the user typed it, for messages: '--key' or '--sign'. */
  flag: string;
  own: readonly KeyMetadata[];
  /** The trust store's keys; absent where only own keys can serve (signing needs a private key). */
  trusted?: readonly TrustEntry[];
  /** Present where a file may be named (the CLI; the desktop hosts name keys only). */
  files?: {
    /** What such a file must be, for messages: 'public key file', 'cosign private key file'. */
    what: string;
    /** Whether a file of that name exists (default: existsSync). */
    exists?: (path: string) => boolean;
  };
}

/** Bare values with these endings may name a file in the current directory. */
export const KEY_FILE_EXTENSIONS = ['.pub', '.key', '.pem'] as const;

const FINGERPRINT = /^sha256:[0-9a-f]{64}$/i;

/** A value that can only be a file path: it has a directory part. */
export function isKeyFilePath(value: string): boolean {
  return value.includes('/') || value.includes(sep);
}

function hasKeyFileExtension(value: string): boolean {
  const lower = value.toLowerCase();
  return KEY_FILE_EXTENSIONS.some((ext) => lower.endsWith(ext) && lower.length > ext.length);
}

/** The own or trusted key this value names (name, id, or full fingerprint), if any. */
function findByName(value: string, scope: KeyReferenceScope): NamedKey | undefined {
  if (FINGERPRINT.test(value)) {
    const fp = value.toLowerCase();
    const own = scope.own.find((k) => k.fingerprint.toLowerCase() === fp);
    if (own) return { kind: 'own', key: own };
    const trusted = scope.trusted?.find((k) => k.fingerprint.toLowerCase() === fp);
    return trusted ? { kind: 'trusted', key: trusted } : undefined;
  }
  const own = findKey(scope.own, value);
  if (own) return { kind: 'own', key: own };
  const lower = value.toLowerCase();
  const trusted = scope.trusted?.find((k) => k.name === value) ?? scope.trusted?.find((k) => k.name.toLowerCase() === lower);
  return trusted ? { kind: 'trusted', key: trusted } : undefined;
}

function whichKeys(scope: KeyReferenceScope): string {
  return scope.trusted ? 'own or trusted key' : 'keychain key';
}

function knownNames(scope: KeyReferenceScope): string {
  const names = [...scope.own.map((k) => k.name), ...(scope.trusted ?? []).map((k) => k.name)];
  return names.length ? ` (${scope.trusted ? 'keys' : 'keychain keys'}: ${names.map((n) => JSON.stringify(n)).join(', ')})` : '';
}

/** Resolves one key reference by the rule above; a USAGE error says what was wrong and how to write it. */
export function resolveKeyReference(value: string, scope: KeyReferenceScope & { trusted?: undefined }): Exclude<KeyReference, { kind: 'trusted' }>;
export function resolveKeyReference(value: string, scope: KeyReferenceScope): KeyReference;
export function resolveKeyReference(value: string, scope: KeyReferenceScope): KeyReference {
  const { flag, files } = scope;
  const shown = JSON.stringify(value);
  if (value === '') throw new SignetError('USAGE', `${flag} needs a key: a key's name, its fingerprint (SHA256:…), or a key file's path.`);
  if (files && isKeyFilePath(value)) return { kind: 'file', path: value };
  const named = findByName(value, scope);
  if (/^sha256:/i.test(value) && !named) {
    throw new SignetError('USAGE', FINGERPRINT.test(value)
      ? `${flag} ${value}: no ${whichKeys(scope)} has this fingerprint.`
      : `${flag} ${shown}: a fingerprint is "SHA256:" and 64 hex digits, written whole as \`signet ${scope.trusted ? 'keys list / trust list' : 'keys list'}\` prints it.`);
  }
  if (!files) {
    if (named) return named;
    throw new SignetError('USAGE', `${flag} ${shown}: there is no ${whichKeys(scope)} by that name${knownNames(scope)}.`);
  }
  const fileExists = (files.exists ?? existsSync)(value);
  if (hasKeyFileExtension(value)) {
    if (!named) {
      if (fileExists) return { kind: 'file', path: value };
      throw new SignetError('USAGE', `${flag} ${shown}: there is no ${whichKeys(scope)} by that name, and no file of that name in this directory${knownNames(scope)}.`);
    }
    if (fileExists) {
      throw new SignetError('USAGE', `${flag} ${shown} is ambiguous: it is the name of the ${named.kind === 'own' ? 'own' : 'trusted'} key "${named.key.name}" and a file in this directory. Write ${flag} ./${value} for the file, or ${flag} ${named.key.fingerprint} for the key.`);
    }
    return named;
  }
  if (named) return named;
  if (fileExists) {
    throw new SignetError('USAGE', `${flag} ${shown}: no key is named ${shown}. A file of that name is in this directory; to use it as a ${files.what}, write ${flag} ./${value}.`);
  }
  throw new SignetError('USAGE', `${flag} ${shown}: there is no ${whichKeys(scope)} by that name${knownNames(scope)}; a ${files.what} is given by its path (./FILE, or a name ending in ${KEY_FILE_EXTENSIONS.join(', ')}).`);
}
