/**
 * A signature says what it is for; this checks it is for the image asked about. @sigstore/verify
 * checks a signature over bytes, not what the bytes mean (for DSSE it does not look at the
 * statement at all). Two forms:
 *  - cosign's simple-signing payload (critical.image.docker-manifest-digest), parsed as strictly as
 *    the key path parses it (cosign/payload.ts);
 *  - an in-toto statement in a DSSE envelope (payloadType application/vnd.in-toto+json), one of
 *    whose subjects must carry the image digest as its sha256.
 * Whether a statement's predicate makes it a signature or an attestation is the format's
 * business (formats/); the predicateType is returned for it.
 */
import { isSignetError } from '../../errors.js';
import { digestHex, type Digest } from '../../content/digest.js';
import { parsePayload } from '../../cosign/payload.js';
import { parseStrictJson } from '../../cosign/strict-json.js';
import { invalid, type SubjectFacts } from './keyless-result.js';
import type { SignedContent } from './keyless-material.js';
import { quoted, quotedValue } from '../../../../shared/printable.js';

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
const STATEMENT_TYPES = ['https://in-toto.io/Statement/v0.1', 'https://in-toto.io/Statement/v1'];
/** A statement about more images than this is not one Signet reads. */
export const MAX_STATEMENT_SUBJECTS = 1024;

export function bindSubject(signed: SignedContent, expected: Digest): SubjectFacts {
  return signed.kind === 'message' ? bindSimpleSigning(signed.payload, expected) : bindStatement(signed.payloadType, signed.payload, expected);
}

function bindSimpleSigning(payload: Buffer, expected: Digest): SubjectFacts {
  let parsed;
  try {
    parsed = parsePayload(payload);
  } catch (e) {
    if (isSignetError(e)) throw invalid('material', e.message);
    throw e;
  }
  if (parsed.manifestDigest !== expected) {
    throw invalid('subject', `The signed payload is for the image ${parsed.manifestDigest}, not ${expected}: it was made for another image.`);
  }
  return { digest: expected, format: 'simple-signing', dockerReference: parsed.dockerReference };
}

function bindStatement(payloadType: string, payload: Buffer, expected: Digest): SubjectFacts {
  if (payloadType !== IN_TOTO_PAYLOAD_TYPE) throw invalid('subject', `The signed envelope holds ${quoted(payloadType)}, not an in-toto statement about an image.`);
  let doc: unknown;
  try {
    doc = parseStrictJson(payload.toString('utf8'));
  } catch (e) {
    throw invalid('material', `The signed in-toto statement is malformed: ${(e as Error).message}.`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw invalid('material', 'The signed in-toto statement is not a JSON object.');
  const st = doc as Record<string, unknown>;
  if (typeof st['_type'] !== 'string' || !STATEMENT_TYPES.includes(st['_type'])) throw invalid('material', `The signed statement's _type is ${quotedValue(st['_type'])}, not an in-toto statement.`);
  const predicateType = st['predicateType'];
  if (typeof predicateType !== 'string') throw invalid('material', 'The signed in-toto statement has no predicateType.');
  const subjects = st['subject'];
  if (!Array.isArray(subjects) || subjects.length === 0) throw invalid('material', 'The signed in-toto statement has no subject.');
  if (subjects.length > MAX_STATEMENT_SUBJECTS) throw invalid('material', `The signed in-toto statement has ${subjects.length} subjects; Signet reads at most ${MAX_STATEMENT_SUBJECTS}.`);
  const hex = digestHex(expected);
  const named: string[] = [];
  for (const s of subjects) {
    const sha = typeof s === 'object' && s !== null ? (s as { digest?: Record<string, unknown> }).digest?.['sha256'] : undefined;
    if (typeof sha === 'string') named.push(sha);
    if (sha === hex) {
      const name = (s as { name?: unknown }).name;
      return { digest: expected, format: 'in-toto', predicateType, ...(typeof name === 'string' && name !== '' ? { subjectName: name } : {}) };
    }
  }
  const first = named[0];
  throw invalid('subject', `The signed statement is about ${first === undefined ? 'no sha256 digest' : `sha256:${quoted(first).slice(1, -1)}`}${named.length > 1 ? ` and ${named.length - 1} more` : ''}, not ${expected}: it was made for another image.`);
}
