/**
 * The in-toto statement a bundle's DSSE envelope carries (in-toto attestation framework v1,
 * https://github.com/in-toto/attestation/blob/main/spec/v1/statement.md), read strictly and
 * written the way cosign v3 writes it for `cosign sign` (cmd/cosign/cli/sign/sign.go:
 * protojson of intoto.Statement), plus the subject `name` Signet adds.
 *
 * Strict: valid UTF-8, no repeated key, `_type` v1 (or v0.1, still written by older tools), a
 * non-empty `subject` list of objects whose `name` is a string, `digest` an object of strings
 * and `annotations` an object, every `sha256` 64 lowercase hex digits, at least one subject
 * naming a sha256, a non-empty `predicateType`, and `predicate` an object when present. Other
 * fields are ignored, as the in-toto spec tells consumers to do; they are signed like the rest.
 */
import type { Digest } from '../../content/digest.js';
import { quoted, quotedValue } from '../../../../shared/printable.js';
import { isObject, strictJsonDocument, type JsonObject } from './json-document.js';
import { COSIGN_SIGN_PREDICATE_TYPE, STATEMENT_TYPE_V01, STATEMENT_TYPE_V1 } from './media-types.js';
import { invalid, read, type Read } from './problem.js';

export interface StatementSubject {
  /** The repository it was signed for when Signet signed it (`registry/repository`); cosign writes none. */
  name?: string;
  /** The subject's digests as written (algorithm -> lowercase hex). */
  digest: Readonly<Record<string, string>>;
  /** `digest.sha256` as a Digest, when the subject names one. */
  sha256?: Digest;
  /** Where `-a k=v` annotations live; values may be any JSON. */
  annotations?: Readonly<Record<string, unknown>>;
}

export interface InTotoStatement {
  type: typeof STATEMENT_TYPE_V1 | typeof STATEMENT_TYPE_V01;
  subjects: readonly StatementSubject[];
  predicateType: string;
  /** `signature` for cosign's sign predicate; anything else is an attestation (never a signature). */
  kind: 'signature' | 'attestation';
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function parseStatement(bytes: Uint8Array): Read<InTotoStatement> {
  const doc = strictJsonDocument(bytes, 'the in-toto statement');
  if (!doc.ok) return doc;
  const bad = (why: string): Read<InTotoStatement> => invalid(`The in-toto statement is malformed: ${why}.`);
  const st = doc.value;
  if (!isObject(st)) return bad(`it must be a JSON object, got ${quotedValue(st)}`);
  const type = st._type;
  if (type !== STATEMENT_TYPE_V1 && type !== STATEMENT_TYPE_V01) return bad(`_type is ${quotedValue(type)}, not "${STATEMENT_TYPE_V1}"`);
  if (typeof st.predicateType !== 'string' || st.predicateType === '') return bad(`predicateType must be a non-empty string, got ${quotedValue(st.predicateType)}`);
  if (st.predicate !== undefined && !isObject(st.predicate)) return bad(`predicate must be an object, got ${quotedValue(st.predicate)}`);
  if (!Array.isArray(st.subject) || st.subject.length === 0) return bad(`subject must be a non-empty list, got ${quotedValue(st.subject)}`);
  const subjects: StatementSubject[] = [];
  for (let i = 0; i < st.subject.length; i++) {
    const s = parseSubject(st.subject[i], `subject[${i}]`);
    if (typeof s === 'string') return bad(s);
    subjects.push(s);
  }
  if (!subjects.some((s) => s.sha256 !== undefined)) return bad('no subject names a sha256 digest, so it cannot name an image');
  return read({ type, subjects, predicateType: st.predicateType, kind: st.predicateType === COSIGN_SIGN_PREDICATE_TYPE ? 'signature' : 'attestation' });
}

/** The subject, or why it is malformed. */
function parseSubject(v: unknown, where: string): StatementSubject | string {
  if (!isObject(v)) return `${where} must be an object, got ${quotedValue(v)}`;
  const subject: StatementSubject = { digest: {} };
  if (v.name !== undefined) {
    if (typeof v.name !== 'string') return `${where}.name must be a string, got ${quotedValue(v.name)}`;
    subject.name = v.name;
  }
  if (v.digest !== undefined) {
    if (!isObject(v.digest)) return `${where}.digest must be an object, got ${quotedValue(v.digest)}`;
    for (const [alg, hex] of Object.entries(v.digest)) {
      if (typeof hex !== 'string') return `${where}.digest[${quoted(alg)}] must be a string, got ${quotedValue(hex)}`;
    }
    const digest = v.digest as Record<string, string>;
    if (digest.sha256 !== undefined) {
      if (!SHA256_HEX.test(digest.sha256)) return `${where}.digest.sha256 ${quotedValue(digest.sha256)} is not 64 lowercase hex digits`;
      subject.sha256 = `sha256:${digest.sha256}`;
    }
    subject.digest = { ...digest };
  }
  if (v.annotations !== undefined) {
    if (!isObject(v.annotations)) return `${where}.annotations must be an object, got ${quotedValue(v.annotations)}`;
    subject.annotations = { ...v.annotations };
  }
  return subject;
}

export interface StatementInput {
  digest: Digest;
  /** The subject `name`: the repository signed for. */
  repository: string;
  /** `-a k=v`, written into the subject's annotations as cosign does. */
  annotations?: Readonly<Record<string, string>>;
}

/**
 * The statement Signet signs, in the field order protojson gives cosign's (`_type`, `subject`,
 * `predicateType`, `predicate`; in a subject `name`, `digest`, `annotations`). The predicate is
 * `{}` and the annotations object is always present, as cosign writes them.
 */
export function buildStatement(input: StatementInput): Uint8Array {
  const subject: JsonObject = {
    name: input.repository,
    digest: { sha256: input.digest.slice('sha256:'.length) },
    annotations: { ...(input.annotations ?? {}) },
  };
  const statement = { _type: STATEMENT_TYPE_V1, subject: [subject], predicateType: COSIGN_SIGN_PREDICATE_TYPE, predicate: {} };
  return Buffer.from(JSON.stringify(statement), 'utf8');
}

/** For messages: what a subject list names, e.g. `sha256:ab… (name "r/app")`. */
export function describeSubjects(subjects: readonly StatementSubject[]): string {
  const names = subjects.map((s) => `${s.sha256 ?? 'no sha256'}${s.name !== undefined ? ` (name ${quoted(s.name)})` : ''}`);
  return names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
}
