/**
 * JSON from a registry read as strictly as the cosign payload is (cosign/strict-json.ts): valid
 * UTF-8 (a decoder that replaces bad bytes would let two readers see different strings), valid
 * JSON, no repeated key. Plus the field checks the bundle readers share, which name the field.
 */
import { parseStrictJson, StrictJsonError } from '../../cosign/strict-json.js';
import { printableText, quoted, quotedValue } from '../../../../shared/printable.js';
import { couldNotCheck, invalid, read, type Read } from './problem.js';

export type JsonObject = Record<string, unknown>;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The document in `bytes`, or an `invalid` problem naming `what` ("the bundle", "the statement"). */
export function strictJsonDocument(bytes: Uint8Array, what: string): Read<unknown> {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return invalid(`${capitalised(what)} is not valid UTF-8.`);
  }
  try {
    return read(parseStrictJson(text));
  } catch (e) {
    if (e instanceof StrictJsonError) return invalid(`${capitalised(what)} is malformed: ${e.message}.`);
    return couldNotCheck(`${capitalised(what)} could not be read (${printableText(String(e), { max: 200 })}).`);
  }
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The first field of `obj` outside `allowed`, for "has an unexpected field" problems. */
export function unexpectedField(obj: JsonObject, allowed: readonly string[]): string | undefined {
  for (const k of Object.keys(obj)) if (!allowed.includes(k)) return k;
  return undefined;
}

export function describeUnexpected(where: string, field: string): string {
  return `${where} has an unexpected field ${quoted(field)}`;
}

export function describeValue(v: unknown): string {
  return quotedValue(v);
}

/**
 * Base64 as Go's protojson and @sigstore/bundle write bytes: the standard alphabet, padded, and
 * canonical (decoding and encoding again gives the same text). Anything else is refused rather
 * than decoded leniently, so each byte string has exactly one accepted spelling.
 */
export function canonicalBase64(v: unknown): Uint8Array | null {
  if (typeof v !== 'string' || v.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) return null;
  const bytes = Buffer.from(v, 'base64');
  return bytes.toString('base64') === v ? new Uint8Array(bytes) : null;
}

function capitalised(s: string): string {
  return s.length === 0 ? s : `${s[0]!.toUpperCase()}${s.slice(1)}`;
}
