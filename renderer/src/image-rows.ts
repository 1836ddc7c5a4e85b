// The Images table's rows while a source is being checked: every listed image at once, each
// "checking…" until its verdict arrives, then later its platforms and creation time. Pure
// functions over the rows, so the screen only wires them to state.
import type { ImageRow, Verdict } from '../../shared/api.js';

/** A listed image whose verdict is not decided yet: it has a name and nothing else to show. */
export interface PendingRow {
  image: string;
  pending: true;
}
export type TableRow = ImageRow | PendingRow;
export type RowFilter = Verdict | 'checking' | 'all';

export const isPending = (r: TableRow): r is PendingRow => 'pending' in r;

export function pendingRows(images: readonly string[]): TableRow[] {
  return images.map((image) => ({ image, pending: true }));
}

/** `rows` with each update in place of the row of the same image; an image not listed yet goes at the end. */
export function withUpdates(rows: readonly TableRow[] | null, updates: readonly ImageRow[]): TableRow[] {
  const out = rows ? [...rows] : [];
  const at = new Map(out.map((r, i) => [r.image, i]));
  for (const u of updates) {
    const i = at.get(u.image);
    if (i === undefined) {
      at.set(u.image, out.length);
      out.push(u);
    } else {
      out[i] = u;
    }
  }
  return out;
}

/**
 * A verdict filter shows only rows with that verdict: a row still being checked may turn out
 * either way, so it is left out (and counted as still being checked) until it is decided.
 */
export function rowMatches(r: TableRow, filter: RowFilter, search: string): boolean {
  if (filter === 'checking' ? !isPending(r) : filter !== 'all' && (isPending(r) || r.verdict !== filter)) return false;
  if (search === '') return true;
  return r.image.toLowerCase().includes(search.toLowerCase()) || (!isPending(r) && (r.digest ?? '').includes(search));
}

export function countText(shown: number, rows: readonly TableRow[]): string {
  const checking = rows.filter(isPending).length;
  return `${shown} of ${rows.length} images${checking > 0 ? `, ${checking} still being checked` : ''}`;
}

/**
 * The Signer column. Verified: who verified it. Otherwise the first key a signature names, which
 * may be only a claim (the signature's unsigned key hint, and it did not verify with that key):
 * that is said as a claim, never as the signer.
 */
export function signerText(r: ImageRow): string {
  if (r.signers.length > 0) return r.signers.join(', ');
  const s = r.signatures.find((x) => x.keyName);
  if (!s?.keyName) return '—';
  return s.keyClaimed ? `claims ${s.keyName}` : s.keyName;
}

/** Platforms and created have been read (or failed to be) once either is set. */
export const factsRead = (r: ImageRow): boolean => r.platforms !== undefined || r.factsError !== undefined;

/** 2024-03-05T06:07:08Z -> "2024-03-05 06:07 UTC": short enough for a column, unambiguous. */
export function shortTime(iso: string): string {
  const t = new Date(iso);
  return Number.isNaN(t.getTime()) ? iso : `${t.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * An image name cut before its tag or digest (`host/repo` and `:v1`), so a narrow column can
 * shorten the repository and still show which tag the row is.
 */
export function splitReference(image: string): { repository: string; tag: string } {
  const slash = image.lastIndexOf('/');
  const at = image.indexOf('@', slash + 1);
  const cut = at >= 0 ? at : image.indexOf(':', slash + 1);
  return cut > 0 ? { repository: image.slice(0, cut), tag: image.slice(cut) } : { repository: image, tag: '' };
}
