import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { SignetError } from '../errors.js';

/** A content digest, always `sha256:<64 lowercase hex>`; the only algorithm registries require. */
export type Digest = `sha256:${string}`;

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

export function isDigest(s: unknown): s is Digest {
  return typeof s === 'string' && DIGEST_RE.test(s);
}

export function sha256Digest(bytes: Uint8Array | string): Digest {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** The hex part, as used in the cosign tag `sha256-<hex>.sig`. */
export function digestHex(d: Digest): string {
  return d.slice('sha256:'.length);
}

/** Throws DIGEST_MISMATCH naming both digests when bytes are not what `expected` names. */
export function verifyBytes(bytes: Uint8Array, expected: Digest, what: string): void {
  const actual = sha256Digest(bytes);
  if (actual !== expected) {
    throw new SignetError('DIGEST_MISMATCH', `The ${what} does not match its digest: expected ${expected}, but the bytes received hash to ${actual}.`, { expected, actual });
  }
}

/**
 * A pass-through stream that hashes what flows through it and, at the end, fails the stream
 * if the bytes do not hash to `expected` (or the byte count differs from `size`). Consumers
 * must treat data as untrusted until the stream has finished without error.
 */
export class DigestVerifier extends Transform {
  private readonly hash: Hash = createHash('sha256');
  private count = 0;

  constructor(private readonly expected: Digest, private readonly what: string, private readonly size?: number) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    this.count += chunk.length;
    if (this.size !== undefined && this.count > this.size) {
      cb(new SignetError('SIZE_MISMATCH', `The ${this.what} is longer than the ${this.size} bytes its descriptor declares.`, { expected: this.expected }));
      return;
    }
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    if (this.size !== undefined && this.count !== this.size) {
      cb(new SignetError('SIZE_MISMATCH', `The ${this.what} is ${this.count} bytes, but its descriptor declares ${this.size} (truncated or padded).`, { expected: this.expected, actualSize: this.count }));
      return;
    }
    const actual: Digest = `sha256:${this.hash.digest('hex')}`;
    if (actual !== this.expected) {
      cb(new SignetError('DIGEST_MISMATCH', `The ${this.what} does not match its digest: expected ${this.expected}, but the bytes received hash to ${actual}.`, { expected: this.expected, actual }));
      return;
    }
    cb();
  }
}
