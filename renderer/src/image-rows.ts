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

/**
 * The order rows take by default, and when sorted by verdict: what needs a person first (INVALID,
 * revoked), then what could not be decided, then the rest; rows still being checked last.
 */
const VERDICT_RANK: Record<Verdict | 'checking', number> = { invalid: 0, revoked: 1, 'unknown-key': 2, error: 3, unsigned: 4, verified: 5, checking: 6 };

export const verdictOf = (r: TableRow): Verdict | 'checking' => (isPending(r) ? 'checking' : r.verdict);

/** Ascending by verdict rank, then by reference, so equal verdicts keep a stable, readable order. */
export function compareByVerdict(a: TableRow, b: TableRow): number {
  return VERDICT_RANK[verdictOf(a)] - VERDICT_RANK[verdictOf(b)] || compareText(a.image, b.image);
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export type VerdictCounts = Record<Verdict | 'checking', number>;

/** How many rows have each verdict (and how many are still being checked): the chips' counts. */
export function verdictCounts(rows: readonly TableRow[]): VerdictCounts {
  const counts: VerdictCounts = { verified: 0, 'unknown-key': 0, invalid: 0, revoked: 0, unsigned: 0, error: 0, checking: 0 };
  for (const r of rows) counts[verdictOf(r)] += 1;
  return counts;
}

/**
 * A could-not-check reason with what is particular to one image taken out, so that the same cause
 * (the registry stopped answering) given for 27 images reads as one reason: the image's own name,
 * request paths, digests and attempt counts.
 */
export function reasonWithoutSpecifics(message: string, image: string): string {
  let out = message.replace(/^could not check: /, '');
  if (image !== '') out = out.split(image).join('this image');
  return out
    .replace(/\/v2\/\S+?(?=[\s,;)]|\.(?:\s|$)|$)/g, '/v2/…')
    .replace(/sha256([:-])[0-9a-f]{64}/g, 'sha256$1…')
    .replace(/ \(after \d+ attempts\)/g, '')
    .replace(/\ball the \d+ /g, 'all the ')
    .replace(/\b\d+ (retries|attempts)\b/g, 'several $1')
    .replace(/…\./g, '…');
}

/**
 * Why rows could not be checked, grouped: the same reason for 27 rows is one line with its count,
 * most frequent first.
 */
export function failureReasons(rows: readonly TableRow[]): Array<{ reason: string; count: number }> {
  const byReason = new Map<string, number>();
  for (const r of rows) {
    if (isPending(r) || r.verdict !== 'error') continue;
    const reason = reasonWithoutSpecifics(r.message, r.image);
    byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
  }
  return [...byReason].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || compareText(a.reason, b.reason));
}

/**
 * What every row's reference starts with, to be said once above the table instead of on every
 * row: the registry host (`host:port/`) of a registry source, the `oci:DIR:` of a layout, and so
 * on. Empty when the rows do not all share it (a row then shows its whole reference).
 */
export function sharedPrefix(rows: readonly TableRow[]): string {
  const first = rows[0]?.image;
  if (first === undefined) return '';
  const m = /^(?:oci:|docker-archive:)[^:]*:|^docker-daemon:|^[^/:@]+(?::\d+)?\//.exec(first);
  // A registry reference's first component is a host only with a dot, a port or "localhost".
  const prefix = m && (/^(oci|docker-archive|docker-daemon):/.test(m[0]) || /[.:]|^localhost\//.test(m[0])) ? m[0] : '';
  if (prefix === '') return '';
  for (const r of rows) if (!r.image.startsWith(prefix) || r.image.length === prefix.length) return '';
  return prefix;
}

/** "app:1.3.5" for "host/team/app:1.3.5": the last path component with its tag, to name an image in a sentence. */
export function lastComponent(image: string): string {
  const at = image.indexOf('@');
  const path = at >= 0 ? image.slice(0, at) : image;
  const slash = path.lastIndexOf('/');
  return slash >= 0 ? image.slice(slash + 1) : image;
}

/** "host/team/app" for "host/team/app:v1" or "host/team/app@sha256:…". */
export function repositoryOf(image: string): string {
  return splitReference(image).repository;
}
