import { SignetError } from '../errors.js';
import { isDigest, type Digest } from '../content/digest.js';
import { parseStrictJson, StrictJsonError } from './strict-json.js';
import { quoted, quotedValue } from '../../../shared/printable.js';

/**
 * The simple-signing payload: the exact bytes a cosign signature covers.
 * Layout (cosign specs/SIGNATURE_SPEC.md, containers/image signature/internal/sigstore_payload.go):
 *   {"critical":{"identity":{"docker-reference":R},"image":{"docker-manifest-digest":D},
 *    "type":"cosign container image signature"},"optional":{...}|null}
 */
export const SIMPLE_SIGNING_TYPE = 'cosign container image signature';

export interface SimpleSigningPayload {
  dockerReference: string;
  manifestDigest: Digest;
  /** `optional` as found: null, or an object whose values may be of any JSON type. */
  optional: Record<string, unknown> | null;
  creator?: string;
  timestamp?: number;
}

export interface PayloadInput {
  dockerReference: string;
  manifestDigest: Digest;
  /** User annotations (`-a k=v`), written into `optional` as strings, as cosign does. */
  annotations?: Record<string, string>;
  creator?: string;
  /** Unix seconds. */
  timestamp?: number;
}

/** Serialises with the field order cosign and containers/image write, so bytes match theirs. */
export function buildPayload(input: PayloadInput): Uint8Array {
  const optional: Record<string, unknown> = { ...(input.annotations ?? {}) };
  if (input.creator !== undefined) optional.creator = input.creator;
  if (input.timestamp !== undefined) optional.timestamp = input.timestamp;
  const doc = {
    critical: {
      identity: { 'docker-reference': input.dockerReference },
      image: { 'docker-manifest-digest': input.manifestDigest },
      type: SIMPLE_SIGNING_TYPE,
    },
    optional: Object.keys(optional).length > 0 ? optional : null,
  };
  return Buffer.from(JSON.stringify(doc), 'utf8');
}

function bad(why: string): never {
  throw new SignetError('PAYLOAD_INVALID', `The signed payload is malformed: ${why}.`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function exactFields(obj: unknown, where: string, fields: readonly string[]): Record<string, unknown> {
  if (!isObject(obj)) bad(`${where} must be an object`);
  const keys = Object.keys(obj);
  for (const k of keys) if (!fields.includes(k)) bad(`${where} has an unexpected field ${quoted(k)}`);
  for (const f of fields) if (!(f in obj)) bad(`${where} is missing the field "${f}"`);
  return obj;
}

/** Parses payload bytes as strictly as containers/image: exact field sets, no duplicate keys. */
export function parsePayload(bytes: Uint8Array): SimpleSigningPayload {
  let doc: unknown;
  try {
    doc = parseStrictJson(Buffer.from(bytes).toString('utf8'));
  } catch (e) {
    if (e instanceof StrictJsonError) bad(e.message);
    throw e;
  }
  const top = exactFields(doc, 'the payload', ['critical', 'optional']);
  const critical = exactFields(top.critical, '"critical"', ['type', 'image', 'identity']);
  if (critical.type !== SIMPLE_SIGNING_TYPE) bad(`critical.type is ${quotedValue(critical.type)}, not "${SIMPLE_SIGNING_TYPE}"`);
  const image = exactFields(critical.image, 'critical.image', ['docker-manifest-digest']);
  const digest = image['docker-manifest-digest'];
  if (!isDigest(digest)) bad(`critical.image.docker-manifest-digest ${quotedValue(digest)} is not a sha256 digest`);
  const identity = exactFields(critical.identity, 'critical.identity', ['docker-reference']);
  const ref = identity['docker-reference'];
  if (typeof ref !== 'string') bad('critical.identity.docker-reference must be a string');

  const result: SimpleSigningPayload = { dockerReference: ref, manifestDigest: digest, optional: null };
  if (top.optional !== null) {
    if (!isObject(top.optional)) bad('"optional" must be an object or null');
    result.optional = top.optional;
    const { creator, timestamp } = top.optional;
    if (creator !== undefined) {
      if (typeof creator !== 'string') bad('optional.creator must be a string');
      result.creator = creator;
    }
    if (timestamp !== undefined) {
      if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp)) bad('optional.timestamp must be an integer');
      result.timestamp = timestamp;
    }
  }
  return result;
}
