/**
 * Minimal PEM reading and writing (RFC 7468), shared by the public-key and cosign key-file
 * modules. Reading is strict about the body (only base64, no headers) because a lenient base64
 * decoder silently skips junk, and a damaged key should be reported as damaged.
 */
import { SignetError } from '../errors.js';

export interface PemBlock {
  label: string;
  bytes: Uint8Array;
}

const BEGIN_RE = /-----BEGIN ([A-Z0-9 ]+)-----/;
const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The first PEM block in `text`. Text before it is ignored (as Go's pem.Decode does), so files
 * with a comment on top still load. `what` names the thing in messages ("public key").
 */
export function decodePem(text: string, what: string): PemBlock {
  if (typeof text !== 'string') throw new SignetError('KEY_INVALID', `The ${what} is not text.`);
  const begin = BEGIN_RE.exec(text);
  if (!begin) {
    throw new SignetError('KEY_INVALID', `The ${what} is not in PEM format: no "-----BEGIN ...-----" line was found.`);
  }
  const label = begin[1] as string;
  const endMarker = `-----END ${label}-----`;
  const bodyStart = begin.index + begin[0].length;
  const end = text.indexOf(endMarker, bodyStart);
  if (end < 0) {
    throw new SignetError('KEY_INVALID', `The ${what} is not complete PEM: the "${endMarker}" line is missing (the file may be truncated).`, { label });
  }
  const body = text.slice(bodyStart, end);
  if (body.includes(':')) {
    // "Proc-Type:"/"DEK-Info:" headers mean OpenSSL's legacy encryption, which cosign never writes.
    throw new SignetError('KEY_INVALID', `The ${what} has PEM headers (such as Proc-Type/DEK-Info), which this key format never has.`, { label });
  }
  const b64 = body.replace(/\s+/g, '');
  if (b64.length === 0 || b64.length % 4 !== 0 || !BASE64_RE.test(b64)) {
    throw new SignetError('KEY_INVALID', `The ${what} is damaged: the text between the PEM BEGIN and END lines is not valid base64.`, { label });
  }
  return { label, bytes: new Uint8Array(Buffer.from(b64, 'base64')) };
}

/** PEM as Go's pem.Encode writes it: 64-character lines and a final newline. */
export function encodePem(label: string, bytes: Uint8Array): string {
  const b64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
