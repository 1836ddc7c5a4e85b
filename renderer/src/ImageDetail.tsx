// The Images screen's detail panel: the image's facts, then every signature with a headline in
// plain words (signature-headline.ts), what to do next in the app's words, and the engine's checks
// as the evidence. Digests are short, whole on demand; a signature copied from another image of
// the source links to that row.
import { useEffect, useRef } from 'react';
import type { ImageDetail as ImageDetailView, ImageRow, SignatureReport } from '../../shared/api.js';
import { printable } from '../../shared/printable.js';
import { call } from './api.js';
import { Badge, CheckingBadge, Empty, ErrorBox, VERDICT_WORDS, useLoad } from './common.js';
import { CopyButton, Digest, TextWithDigests } from './Digest.js';
import { AddTeammateDialog } from './AddTeammateDialog.js';
import { factsRead, isPending, lastComponent, type TableRow } from './image-rows.js';
import { UNSIGNED_NEXT, inAppWords, signatureHeadline } from './signature-headline.js';
import { ago, localTime } from './relative-time.js';

/** The config's creation time in local time with its zone; as written when it is not a time. */
function createdText(created: string): string {
  const t = Date.parse(created);
  return Number.isNaN(t) ? printable(created) : localTime(t);
}

function Facts({ row, detail }: { row: ImageRow; detail: ImageDetailView | null | undefined }) {
  if (!factsRead(row)) return <><dt>Platforms</dt><dd>being read…</dd><dt>Created</dt><dd>being read…</dd></>;
  const noCreated = row.factsError ? '—' : detail?.platforms.length ? '— (an index has no creation time of its own; each platform\'s image has one)' : '— (not recorded in the image config)';
  return (
    <>
      <dt>Platforms</dt><dd>{row.platforms?.length ? row.platforms.join(', ') : '—'}</dd>
      <dt>Created</dt><dd>{row.created ? <time dateTime={row.created} title={row.created}>{createdText(row.created)}</time> : noCreated}</dd>
      {row.factsError && <><dt>Why “—”</dt><dd data-testid="facts-error"><TextWithDigests text={row.factsError} /></dd></>}
    </>
  );
}

interface SignatureProps {
  s: SignatureReport;
  row: ImageRow;
  rows: readonly TableRow[];
  onSelect: (image: string) => void;
  onTeammateAdded: (name: string) => void;
}

function SignatureItem({ s, row, rows, onSelect, onTeammateAdded }: SignatureProps) {
  const h = signatureHeadline(s, row, rows);
  // A claimed key is what the signature says about itself, unsigned: never shown as its signer.
  const who = s.keyClaimed ? `Claims ${s.keyName}` : s.keyName ?? 'Unknown key';
  return (
    <li className="sig">
      <p className={`headline tone-${h.tone}`} data-testid="signature-headline">
        {h.copiedFrom !== undefined ? <>
          {h.text}{' '}
          <button type="button" className="link-button mono" title={`Show ${h.copiedFrom}`} onClick={() => onSelect(h.copiedFrom!)}>{lastComponent(h.copiedFrom)}</button>
          {' '}— possible replay
        </> : h.madeForDigest !== undefined ? <>{h.text} (<Digest digest={h.madeForDigest} />) — possible replay</> : h.text}
      </p>
      <p className="sig-who"><strong>{who}</strong> — <span className={`status status-${s.status}`}>{s.ok ? 'valid' : VERDICT_WORDS[s.status].label}</span></p>
      {s.keyClaimed && <p className="claim">This signature claims to be made with {s.keyName}&apos;s key, but it did not verify with that key. It was not made by {s.keyName} as it stands.</p>}
      {h.next && <p className="next"><span className="next-label">What to do:</span> {h.next}</p>}
      {h.offerTeammate && <AddTeammateDialog claimed={s.keyHint} onAdded={onTeammateAdded} />}
      <dl>
        {s.keyHint !== undefined && <><dt>Claimed key</dt><dd><span className="mono" data-testid="key-hint">{printable(s.keyHint)}</span> <CopyButton text={s.keyHint} label="Copy the claimed fingerprint" /><div className="small">what the signature says about itself: only a claim until a teammate&apos;s key verifies it</div></dd></>}
        {s.keyFingerprint !== undefined && <><dt>{s.keyClaimed ? 'Claimed fingerprint' : 'Fingerprint'}</dt><dd className="mono">{s.keyFingerprint}</dd></>}
        <dt>Signed at</dt><dd>{s.timestamp ? localTime(s.timestamp * 1000) : 'no time in the payload'}</dd>
        <dt>Made for</dt><dd className="mono">{s.identity !== undefined ? printable(s.identity) : '—'}{s.signedDigest !== undefined && <> @<Digest digest={s.signedDigest} /></>}</dd>
        <dt>Annotations</dt><dd>{s.annotations && Object.keys(s.annotations).length ? Object.entries(s.annotations).map(([k, v]) => `${printable(k)}=${printable(String(v))}`).join(', ') : 'none'}</dd>
      </dl>
      <ul className="checks" aria-label="Checks">
        {s.reasons.map((r, j) => <li key={j}><TextWithDigests text={inAppWords(r)} /></li>)}
      </ul>
    </li>
  );
}

export interface ImageDetailProps {
  row: TableRow;
  /** The row of the last completed check, shown while this one is checked again. */
  lastRow: ImageRow | undefined;
  lastCheckedAt: number | null;
  rows: readonly TableRow[];
  now: number;
  /** Take the focus when opened (it was opened from the keyboard). */
  takeFocus: boolean;
  onClose: () => void;
  onSign: (image: string) => void;
  onSelect: (image: string) => void;
  onTeammateAdded: (name: string) => void;
}

export function ImageDetail({ row: current, lastRow, lastCheckedAt, rows, now, takeFocus, onClose, onSign, onSelect, onTeammateAdded }: ImageDetailProps) {
  const row: TableRow = isPending(current) && lastRow ? lastRow : current;
  const digest = isPending(row) ? undefined : row.digest;
  const { data: detail, error } = useLoad<ImageDetailView | null>(() => (digest ? call('images.detail', { image: row.image }) : Promise.resolve(null)), [row.image, digest]);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => { if (takeFocus) heading.current?.focus(); }, [takeFocus, current.image]);
  return (
    <aside className="detail" aria-label="Image details">
      <div className="detail-head">
        <h2 ref={heading} tabIndex={-1} className="mono">{current.image}</h2>
        <button type="button" onClick={onClose} aria-label="Close details" title="Close (Escape)">Close</button>
      </div>
      {isPending(row) ? (
        <><p><CheckingBadge /></p><p className="message">Its signatures are still being checked; the verdict appears here when it is decided.</p></>
      ) : (
        <>
          {isPending(current) && <p className="rechecking" role="status"><CheckingBadge /> Being checked again. Below: the last check{lastCheckedAt !== null ? `, ${ago(lastCheckedAt, now)}` : ''}.</p>}
          <p><Badge row={row} /></p>
          <p className="message"><TextWithDigests text={inAppWords(row.message)} /></p>
          {row.verdict === 'unsigned' && <p className="next"><span className="next-label">What to do:</span> {UNSIGNED_NEXT}</p>}
          <dl>
            <dt>Digest</dt><dd>{row.digest ? <Digest digest={row.digest} copy /> : 'unknown'}</dd>
            <Facts row={row} detail={detail} />
            {detail && <><dt>Media type</dt><dd className="mono">{printable(detail.mediaType)}</dd>
              {detail.platforms.length > 0 && <><dt>Platform manifests</dt><dd>{detail.platforms.map((p, i) => <span key={p.digest}>{i > 0 && ', '}{printable(p.platform)} (<Digest digest={p.digest} />)</span>)}</dd></>}
              <dt>Signature tag</dt><dd><span className="mono" title={detail.signatureTag}>{printable(detail.signatureTag).replace(/sha256-([0-9a-f]{12})[0-9a-f]{52}/, 'sha256-$1…')}</span> <CopyButton text={detail.signatureTag} label="Copy the signature tag" /></dd></>}
          </dl>
        </>
      )}
      <ErrorBox error={error} />
      <button type="button" onClick={() => onSign(current.image)}>Sign this image…</button>
      {!isPending(row) && <>
        <h3>Signatures ({row.signatures.length})</h3>
        {row.signatures.length === 0 && <Empty>No signatures are stored for this digest.</Empty>}
        <ol className="sigs">
          {row.signatures.map((s, i) => <SignatureItem key={i} s={s} row={row} rows={rows} onSelect={onSelect} onTeammateAdded={onTeammateAdded} />)}
        </ol>
      </>}
    </aside>
  );
}
