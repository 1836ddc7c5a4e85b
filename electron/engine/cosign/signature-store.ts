import type { Digest } from '../content/digest.js';
import type { SignetError } from '../errors.js';
import type { SignatureLayer } from './signature-manifest.js';

/** A signature as read from storage: its layer, and its payload bytes or why they are missing. */
export interface StoredSignature {
  layer: SignatureLayer;
  /** Payload bytes, already checked against layer.payloadDigest. */
  payload?: Uint8Array;
  /** Why the payload could not be used (DIGEST_MISMATCH means tampering; NETWORK means unknown). */
  payloadError?: SignetError;
}

export interface SignatureReadResult {
  /** False when there is no signature manifest at all (the image is unsigned). */
  found: boolean;
  signatures: StoredSignature[];
}

export interface AppendResult {
  /** How many write attempts it took (more than 1 means a concurrent signer raced us). */
  attempts: number;
  /** Where the signature manifest lives, for people: e.g. `127.0.0.1:5000/app:sha256-….sig`. */
  location: string;
  /** True when the identical signature was already stored (nothing written). */
  alreadyPresent: boolean;
}

/**
 * Where cosign signatures of one repository's images live. Registry: the tag `sha256-<hex>.sig`.
 * Appending keeps every existing signature and proves by reading back that the new one landed.
 * `read` throws (could not check) when storage cannot be read or its manifest is malformed.
 */
export interface SignatureStore {
  read(imageDigest: Digest): Promise<SignatureReadResult>;
  append(imageDigest: Digest, payload: Uint8Array, layer: SignatureLayer): Promise<AppendResult>;
}
