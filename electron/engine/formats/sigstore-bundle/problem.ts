/**
 * What the bundle readers return instead of throwing: the facts, or a problem with the status it
 * gives the signature. `invalid`: the bytes are wrong (damaged, forged or not this format) and
 * no key could make them right. `error`: *could not check* (a bound was hit, or a form Signet
 * does not read yet); the signature may be sound.
 */
export type BundleProblemStatus = 'invalid' | 'error';

export interface BundleProblem {
  status: BundleProblemStatus;
  /** One plain sentence; values from outside are quoted and escaped (shared/printable.ts). */
  reason: string;
}

export type Read<T> = { ok: true; value: T } | { ok: false; problem: BundleProblem };

export function invalid<T>(reason: string): Read<T> {
  return { ok: false, problem: { status: 'invalid', reason } };
}

export function couldNotCheck<T>(reason: string): Read<T> {
  return { ok: false, problem: { status: 'error', reason } };
}

export function read<T>(value: T): Read<T> {
  return { ok: true, value };
}
