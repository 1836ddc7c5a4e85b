// What a signature means, in one line a release manager reads first, and what to do about it, in
// the app's words (its screens and buttons, never the CLI's flags). Pure functions over the
// engine's report, the row it belongs to and the other rows of the source: the engine's checks
// stay listed below the headline as the evidence.
import type { ImageRow, SignatureReport } from '../../shared/api.js';
import { isPending, repositoryOf, type TableRow } from './image-rows.js';

export type Tone = 'ok' | 'danger' | 'revoked' | 'warn' | 'muted';

export interface Headline {
  /**
   * The sentence. A replay is said as "Signature copied from <copiedFrom> — possible replay" or
   * "Made for another image (<madeForDigest>) — possible replay": the component links the row.
   */
  text: string;
  tone: Tone;
  /** A replayed signature's source: the row (in this source) whose digest its payload names. */
  copiedFrom?: string;
  /** Made for another image that is not in view: its digest, to show short. */
  madeForDigest?: string;
  /** What to do next, in the app's words. */
  next?: string;
  /** An unknown signer: offer to add their key as a teammate. */
  offerTeammate?: boolean;
}

/** The row among `rows` whose digest is `digest`, preferring a tag of the same repository. */
export function rowWithDigest(rows: readonly TableRow[], digest: string, sameRepoAs: string): ImageRow | undefined {
  let found: ImageRow | undefined;
  for (const r of rows) {
    if (isPending(r) || r.digest !== digest) continue;
    if (repositoryOf(r.image) === repositoryOf(sameRepoAs)) return r;
    found ??= r;
  }
  return found;
}

export function signatureHeadline(s: SignatureReport, row: ImageRow, rows: readonly TableRow[]): Headline {
  const key = s.keyName ?? 'an unknown key';
  switch (s.status) {
    case 'verified':
      return { text: `Signed by ${key}`, tone: 'ok' };
    case 'revoked':
      return { text: `Signed by ${key}, whose key was revoked`, tone: 'revoked', next: `Ask for a new signature made with a current key. ${key} stays listed, as revoked, under Keys & teammates.` };
    case 'error':
      return { text: 'Could not be checked', tone: 'muted', next: 'Refresh to check again. If it keeps failing, test the connection on the Registries screen.' };
    case 'unknown-key':
      return {
        text: s.keyHint ? 'Signed by an unknown key, which claims the fingerprint below' : 'Signed by an unknown key',
        tone: 'warn',
        next: 'If you know who signed it, add their public key as a teammate: the image is then checked again. Otherwise do not trust this image on the strength of this signature.',
        offerTeammate: true,
      };
    case 'invalid':
      break;
  }
  if (s.keyClaimed) {
    return { text: `Altered or forged: it claims ${key}'s key but does not verify with it`, tone: 'danger', next: `Do not trust this image. Ask ${key} to sign it again, and find out who could change signatures in this registry.` };
  }
  const replayNext = 'Someone copied a signature made for another image onto this one. Do not trust this image on its strength; if it is the image you mean to release, sign it yourself.';
  if (s.signedDigest !== undefined && row.digest !== undefined && s.signedDigest !== row.digest) {
    const source = rowWithDigest(rows, s.signedDigest, row.image);
    return source
      ? { text: 'Signature copied from', copiedFrom: source.image, tone: 'danger', next: replayNext }
      : { text: 'Made for another image', madeForDigest: s.signedDigest, tone: 'danger', next: replayNext };
  }
  // A trusted key made it, for this digest: what failed is the repository it names (the desktop
  // asks for no annotations, the other check that follows).
  if (s.keyName !== undefined && s.identity !== undefined && s.signedDigest === row.digest) {
    return {
      text: `Made for another repository: ${repositoryOf(s.identity)}`,
      tone: 'danger',
      next: 'The signature is good only for the repository it names. If this image belongs here too, sign it for this repository.',
    };
  }
  return { text: 'Altered: the signature or what it signs was changed', tone: 'danger', next: 'Do not trust this image. Ask its signer to sign it again, and find out who could change signatures in this registry.' };
}

/** The image-level headline when there is no signature to speak of. */
export const UNSIGNED_NEXT = 'Sign it (Sign this image…), or ask whoever publishes it to sign it.';

/**
 * The engine's checks are written for every host; the few words that name a CLI flag or file are
 * said here as the app says them. Anything not listed is shown as the engine wrote it.
 */
const CLI_WORDS: ReadonlyArray<[RegExp, string]> = [
  [/: pass --key, or add the signer's key to the trust store\./, ': add the signer\'s public key as a teammate.'],
  [/\bthe trust store\b/g, 'your teammates'],
];

export function inAppWords(reason: string): string {
  let out = reason;
  for (const [from, to] of CLI_WORDS) out = out.replace(from, to);
  return out;
}
