/**
 * Every failure the engine reports is a SignetError with a stable code, so hosts (CLI, web
 * host, Electron) can map it to plain words and exit codes without parsing messages.
 * Messages are written for people: they say what was wrong and, where it helps, what to do.
 */
export type ErrorCode =
  | 'USAGE' // the caller asked for something malformed (bad reference, bad flag value)
  | 'REFERENCE_INVALID'
  | 'DIGEST_INVALID'
  | 'DIGEST_MISMATCH' // bytes do not hash to the digest that named them
  | 'MANIFEST_INVALID'
  | 'MANIFEST_UNKNOWN' // registry says the manifest/tag does not exist
  | 'BLOB_UNKNOWN'
  | 'SIZE_MISMATCH'
  | 'PAYLOAD_INVALID' // a simple-signing payload that does not parse strictly
  | 'SIGNATURE_MANIFEST_INVALID'
  | 'KEY_INVALID'
  | 'KEY_PASSWORD_WRONG'
  | 'KEY_UNSUPPORTED'
  | 'AUTH_FAILED'
  | 'AUTH_DENIED' // authenticated but not allowed (403, insufficient scope)
  | 'REGISTRY_ERROR' // a 4xx/5xx we could not recover from
  | 'CATALOG_UNSUPPORTED' // the registry does not let anyone list its repositories (/v2/_catalog)
  | 'NETWORK' // connection refused/reset, timeout
  | 'INSECURE_REFUSED' // plain HTTP to a non-loopback host without --allow-http
  | 'SIGN_RACE_LOST' // signature append could not be confirmed after retries
  | 'IMAGE_CHANGED' // the image resolves to another digest than the one the user reviewed
  | 'CREDENTIALS_ERROR' // docker config / credential helper failures
  | 'KEYCHAIN_UNAVAILABLE' // no Secret Service on the session bus, or the keyring is locked
  | 'NOT_FOUND' // a key or trust-store entry by that name does not exist
  | 'ALREADY_EXISTS' // a key or trust-store entry with that name or fingerprint exists
  | 'DATA_CORRUPT' // a file in the data dir could not be parsed (it is moved aside)
  | 'LIMIT_EXCEEDED' // a registry or layout offered more than Signet reads for one operation (tags, signatures, payload bytes): could not check
  | 'TRUSTED_ROOT_INVALID' // a Sigstore trusted root (shipped, installed, from a file or TUF) that does not parse or validate
  | 'IO';

export class SignetError extends Error {
  readonly code: ErrorCode;
  /** Extra facts for --debug output and JSON; never secrets. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SignetError';
    this.code = code;
    this.details = details;
  }
}

export function isSignetError(e: unknown): e is SignetError {
  return e instanceof SignetError;
}

/** Errors that mean "we could not find out", as opposed to "we found out it is bad". */
export function isTransient(e: unknown): boolean {
  return isSignetError(e) && (e.code === 'NETWORK' || e.code === 'REGISTRY_ERROR');
}

/** A short, human message for any thrown value. */
export function describeError(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
