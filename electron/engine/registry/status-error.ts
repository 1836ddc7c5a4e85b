import { SignetError, type ErrorCode } from '../errors.js';
import { printable } from '../../../shared/printable.js';
import { Retryable, afterAttempts, isRetryableStatus, readBounded, retryAfterMs, type Response } from './http.js';

/**
 * Turns an unwanted HTTP status into a plain-words error, with the registry's own
 * {"errors":[{code,message}]} summarised. Bodies are read bounded (and so the connection is
 * freed); only the registry's error codes and messages are quoted, never headers.
 */
const MAX_ERROR_BODY = 64 * 1024;

export async function errorSummary(res: Response): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await readBounded(res, MAX_ERROR_BODY, () => new SignetError('REGISTRY_ERROR', 'error body too large'));
  } catch {
    return '';
  }
  return summariseErrorBody(Buffer.from(bytes).toString('utf8'));
}

export function summariseErrorBody(text: string): string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return '';
  }
  const errors = (json as { errors?: unknown })?.errors;
  if (!Array.isArray(errors)) return '';
  const parts = errors.slice(0, 3).map((e: { code?: unknown; message?: unknown }) => {
    const code = typeof e?.code === 'string' ? e.code : '';
    const message = typeof e?.message === 'string' ? e.message : '';
    // The registry's own words, as a value from outside: escaped and cut (shared/printable.ts).
    return printable([code, message].filter((s) => s !== '').join(': '), { max: 200 });
  }).filter((s) => s !== '');
  if (errors.length > 3) parts.push(`and ${errors.length - 3} more`);
  return parts.join('; ');
}

/** "The registry R answered 500 Internal Server Error for GET /v2/..." (or "The server S" after a redirect elsewhere). */
function answered(res: Response, registry: string): string {
  const who = res.url.host === registryHost(registry) ? `The registry ${registry}` : `The server ${res.url.host}`;
  return `${who} answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''} for ${res.method} ${res.url.pathname}`;
}

function registryHost(registry: string): string {
  return registry === 'docker.io' ? 'registry-1.docker.io' : registry;
}

export async function statusError(res: Response, registry: string, code: ErrorCode = 'REGISTRY_ERROR'): Promise<SignetError> {
  return statusErrorWith(res, registry, await errorSummary(res), code);
}

/** statusError for a caller that has already read the body's summary (to look at its error codes). */
export function statusErrorWith(res: Response, registry: string, summary: string, code: ErrorCode = 'REGISTRY_ERROR'): SignetError {
  return new SignetError(code, `${answered(res, registry)}${summary ? `: ${summary}` : ''}.`, { status: res.status, registry });
}

/** For 5xx/408/429: a Retryable whose final error counts the attempts. */
export async function retryableStatus(res: Response, registry: string): Promise<Retryable> {
  const summary = await errorSummary(res);
  const head = answered(res, registry);
  return new Retryable(
    (n) => new SignetError('REGISTRY_ERROR', `${head}${afterAttempts(n)}${summary ? `: ${summary}` : ''}.`, { status: res.status, registry, attempts: n }),
    `${res.status} for ${res.method} ${res.url.pathname}`,
    retryAfterMs(res.headers),
  );
}

export { isRetryableStatus };
