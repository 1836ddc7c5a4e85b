// Shared pieces of the property tests: how many runs (SIGNET_FUZZ_RUNS, default 10,000 per
// property; `npm run fuzz` raises it), byte-level mutation of valid inputs, and the one outcome
// allowed besides success: a SignetError with one of the expected codes. Anything else (a
// TypeError, a RangeError, a hang) fails the property with the input that caused it.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SignetError, type ErrorCode } from '../../electron/engine/errors.js';

export const RUNS = Number(process.env.SIGNET_FUZZ_RUNS ?? 10_000);
export const SEED = process.env.SIGNET_FUZZ_SEED ? Number(process.env.SIGNET_FUZZ_SEED) : undefined;

export function params(numRuns = RUNS): fc.Parameters<unknown> {
  return { numRuns, ...(SEED !== undefined ? { seed: SEED } : {}), endOnFailure: true };
}

export interface Edit { pos: number; op: 'flip' | 'del' | 'dup' | 'ins' | 'cut'; byte: number }

export const edits = fc.array(fc.record({
  pos: fc.nat(),
  op: fc.constantFrom<Edit['op']>('flip', 'del', 'dup', 'ins', 'cut'),
  byte: fc.integer({ min: 0, max: 255 }),
}), { minLength: 1, maxLength: 4 });

/** Applies edits to a copy of `input`: flip a bit, delete, duplicate or insert a byte, or truncate. */
export function mutate(input: Uint8Array, list: readonly Edit[]): Buffer {
  let b = Buffer.from(input);
  for (const e of list) {
    if (b.length === 0) { b = Buffer.from([e.byte]); continue; }
    const i = e.pos % b.length;
    switch (e.op) {
      case 'flip': b[i] = b[i]! ^ (1 << (e.byte % 8)); break;
      case 'del': b = Buffer.concat([b.subarray(0, i), b.subarray(i + 1)]); break;
      case 'dup': b = Buffer.concat([b.subarray(0, i + 1), b.subarray(i)]); break;
      case 'ins': b = Buffer.concat([b.subarray(0, i), Buffer.from([e.byte]), b.subarray(i)]); break;
      case 'cut': b = b.subarray(0, i); break;
    }
  }
  return b;
}

/** Text mutation: the same edits, on UTF-8 text, giving text (invalid sequences become U+FFFD). */
export function mutateText(input: string, list: readonly Edit[]): string {
  return mutate(Buffer.from(input, 'utf8'), list).toString('utf8');
}

/** Runs `fn`; passes when it returns, or throws a SignetError (whose code is in `codes`, when given). */
export function onlySignetErrors<T>(fn: () => T, codes?: readonly ErrorCode[]): T | undefined {
  try {
    return fn();
  } catch (e) {
    assertTyped(e, codes);
    return undefined;
  }
}

export async function onlySignetErrorsAsync<T>(fn: () => Promise<T>, codes?: readonly ErrorCode[], hangMs = 5000): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${hangMs} ms (a hang)`)), hangMs); });
  try {
    return await Promise.race([fn(), hang]);
  } catch (e) {
    assertTyped(e, codes);
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

function assertTyped(e: unknown, codes: readonly ErrorCode[] | undefined): void {
  if (!(e instanceof SignetError)) {
    assert.fail(`not a SignetError: ${e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e)}`);
  }
  if (codes) assert.ok(codes.includes(e.code), `unexpected code ${e.code}: ${e.message}`);
  assert.equal(typeof e.message, 'string');
  assert.ok(e.message.length > 0 && e.message.length < 2000, 'a message for people, of sane length');
}
