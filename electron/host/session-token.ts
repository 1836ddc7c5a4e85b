/**
 * The web host's per-launch session token. Compared in constant time so that the time a refusal
 * takes says nothing about how much of a guessed token was right: both sides are hashed with
 * SHA-256 first, which gives timingSafeEqual the equal-length buffers it needs (it throws on
 * different lengths) without an early, length-revealing return.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

export function tokenMatches(expected: string, given: string | undefined | null): boolean {
  if (!given) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}
