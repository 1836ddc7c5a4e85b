import { useEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { ImageDetail, ImageRow, SignatureReport, Source, SourceKind, Verdict } from '../../shared/api.js';
import { call, newOpId, onProgress, progressReady } from './api.js';
import { Badge, Busy, CheckingBadge, Empty, ErrorBox, VERDICT_WORDS, shortDigest, useAction, useLoad } from './common.js';
import { CredentialsOffer } from './CredentialsOffer.js';
import { countText, factsRead, isPending, pendingRows, rowMatches, shortTime, signerText, splitReference, withUpdates, type RowFilter, type TableRow } from './image-rows.js';

const KIND_LABEL: Record<SourceKind, string> = {
  registry: 'Registry repository',
  namespace: 'Registry namespace (every repository under a prefix)',
  oci: 'OCI layout folder',
  archive: 'Docker archive (.tar)',
  engine: 'Local engine (Docker/Podman)',
};
const ROW_HEIGHT = 36;

function AddSource({ onAdded }: { onAdded: (s: Source) => void }) {
  const [kind, setKind] = useState<SourceKind>('registry');
  const [location, setLocation] = useState('');
  const act = useAction();
  const placeholder: Record<SourceKind, string> = {
    registry: 'registry.example.com/team/app',
    namespace: 'registry.example.com/team',
    oci: '/path/to/layout',
    archive: '/path/to/image.tar',
    engine: '',
  };
  // A registry location is stored without a trailing slash: "host/team/" and "host/team" are one
  // namespace, and "host/team/app/" typed as a repository means that repository.
  const cleaned = (): string => (kind === 'engine' ? '' : kind === 'namespace' || kind === 'registry' ? location.trim().replace(/\/+$/, '') : location.trim());
  return (
    <form className="add-source" onSubmit={(e) => {
      e.preventDefault();
      void act.run('Adding…', async () => { const s = await call('sources.add', { kind, location: cleaned() }); setLocation(''); onAdded(s); });
    }}>
      <label>Source type
        <select value={kind} onChange={(e) => setKind(e.target.value as SourceKind)}>
          {(Object.keys(KIND_LABEL) as SourceKind[]).map((k) => <option key={k} value={k}>{KIND_LABEL[k]}</option>)}
        </select>
      </label>
      {kind !== 'engine' && <label>Location<input value={location} placeholder={placeholder[kind]} aria-describedby={kind === 'namespace' ? 'namespace-hint' : undefined} onChange={(e) => setLocation(e.target.value)} /></label>}
      {kind === 'namespace' && <small id="namespace-hint">Every repository under this path (registry.example.com/team holds team/app, not teamx/app); the host alone means the whole registry. The registry must allow listing its repositories.</small>}
      <button type="submit">Add source</button>
      <ErrorBox error={act.error} />
    </form>
  );
}

function Facts({ row, detail }: { row: ImageRow; detail: ImageDetail | null | undefined }) {
  if (!factsRead(row)) return <><dt>Platforms</dt><dd>being read…</dd><dt>Created</dt><dd>being read…</dd></>;
  const noCreated = row.factsError ? '—' : detail?.platforms.length ? '— (an index has no creation time of its own; each platform\'s image has one)' : '— (not recorded in the image config)';
  return (
    <>
      <dt>Platforms</dt><dd>{row.platforms?.length ? row.platforms.join(', ') : '—'}</dd>
      <dt>Created</dt><dd>{row.created ? <time dateTime={row.created}>{row.created}</time> : noCreated}</dd>
      {row.factsError && <><dt>Why “—”</dt><dd data-testid="facts-error">{row.factsError}</dd></>}
    </>
  );
}

function SignatureItem({ s }: { s: SignatureReport }) {
  // A claimed key is what the signature says about itself, unsigned: never shown as its signer.
  const who = s.keyClaimed ? `Claims ${s.keyName}` : s.keyName ?? 'Unknown key';
  return (
    <li className="sig">
      <p><strong>{who}</strong> — <span className={`status status-${s.status}`}>{s.ok ? 'valid' : VERDICT_WORDS[s.status].label}</span></p>
      {s.keyClaimed && <p className="claim">This signature claims to be made with {s.keyName}&apos;s key, but it did not verify with that key. It was not made by {s.keyName} as it stands.</p>}
      <dl>
        <dt>{s.keyClaimed ? 'Claimed fingerprint' : 'Fingerprint'}</dt><dd className="mono">{s.keyFingerprint ?? 'not a trusted key'}</dd>
        <dt>Signed at</dt><dd>{s.timestamp ? new Date(s.timestamp * 1000).toISOString() : 'no time in the payload'}</dd>
        <dt>Identity</dt><dd className="mono">{s.identity ?? '—'}</dd>
        <dt>Annotations</dt><dd>{s.annotations && Object.keys(s.annotations).length ? Object.entries(s.annotations).map(([k, v]) => `${k}=${String(v)}`).join(', ') : 'none'}</dd>
      </dl>
      <ul className="checks" aria-label="Checks">
        {s.reasons.map((r, j) => <li key={j}>{r}</li>)}
      </ul>
    </li>
  );
}

function Detail({ row, onClose, onSign }: { row: TableRow; onClose: () => void; onSign: (image: string) => void }) {
  const digest = isPending(row) ? undefined : row.digest;
  const { data: detail, error } = useLoad<ImageDetail | null>(() => (digest ? call('images.detail', { image: row.image }) : Promise.resolve(null)), [row.image, digest]);
  return (
    <aside className="detail" aria-label="Image details">
      <div className="detail-head">
        <h2>{row.image}</h2>
        <button type="button" onClick={onClose} aria-label="Close details">Close</button>
      </div>
      {isPending(row) ? (
        <><p><CheckingBadge /></p><p className="message">Its signatures are still being checked; the verdict appears here when it is decided.</p></>
      ) : (
        <>
          <p><Badge row={row} /></p>
          <p className="message">{row.message}</p>
          <dl>
            <dt>Digest</dt><dd className="mono">{row.digest ?? 'unknown'}</dd>
            <Facts row={row} detail={detail} />
            {detail && <><dt>Media type</dt><dd className="mono">{detail.mediaType}</dd>
              {detail.platforms.length > 0 && <><dt>Platform manifests</dt><dd>{detail.platforms.map((p) => `${p.platform} (${shortDigest(p.digest)})`).join(', ')}</dd></>}
              <dt>Signature tag</dt><dd className="mono">{detail.signatureTag}</dd></>}
          </dl>
        </>
      )}
      <ErrorBox error={error} />
      <button type="button" onClick={() => onSign(row.image)}>Sign this image…</button>
      {!isPending(row) && <>
        <h3>Signatures ({row.signatures.length})</h3>
        {row.signatures.length === 0 && <Empty>No signatures are stored for this digest.</Empty>}
        <ol className="sigs">
          {row.signatures.map((s, i) => <SignatureItem key={i} s={s} />)}
        </ol>
      </>}
    </aside>
  );
}

function Reference({ image }: { image: string }) {
  const { repository, tag } = splitReference(image);
  return <span role="cell" className="c-ref mono" title={image} aria-label={image}><span className="ref-repo">{repository}</span><span className="ref-tag">{tag}</span></span>;
}

function RowCells({ r }: { r: TableRow }) {
  if (isPending(r)) {
    return (
      <>
        <Reference image={r.image} />
        <span role="cell" className="c-digest mono">—</span>
        <span role="cell" className="c-platforms" />
        <span role="cell" className="c-created" />
        <span role="cell" className="c-signer" />
        <span role="cell" className="c-verdict"><CheckingBadge /></span>
      </>
    );
  }
  const read = factsRead(r);
  const platforms = r.platforms?.length ? r.platforms.join(', ') : '—';
  return (
    <>
      <Reference image={r.image} />
      <span role="cell" className="c-digest mono">{shortDigest(r.digest)}</span>
      <span role="cell" className="c-platforms" title={read ? platforms : 'being read'}>{read ? platforms : '…'}</span>
      <span role="cell" className="c-created" title={r.created ?? (read ? 'none' : 'being read')}>{r.created ? shortTime(r.created) : read ? '—' : '…'}</span>
      <span role="cell" className="c-signer">{signerText(r)}</span>
      <span role="cell" className="c-verdict"><Badge row={r} /></span>
    </>
  );
}

export function ImagesScreen({ onSign }: { onSign: (image: string) => void }) {
  const sources = useLoad(() => call('sources.list', {}));
  const [selected, setSelected] = useState<string | null>(null);
  const [rows, setRows] = useState<TableRow[] | null>(null);
  const [filter, setFilter] = useState<RowFilter>('all');
  const [search, setSearch] = useState('');
  const [openImage, setOpenImage] = useState<string | null>(null);
  const [progress, setProgress] = useState<string | null>(null);
  const act = useAction();
  const parentRef = useRef<HTMLDivElement>(null);
  // Only the latest load may touch the rows: an earlier one (another source) may still answer.
  const currentOp = useRef<string | null>(null);

  const source = sources.data?.find((s) => s.id === selected) ?? null;
  useEffect(() => { if (!selected && sources.data?.[0]) setSelected(sources.data[0].id); }, [sources.data, selected]);

  const load = (id: string) => {
    const opId = newOpId();
    currentOp.current = opId;
    const latest = () => currentOp.current === opId;
    let answered = false; // after the answer, a late event must not undo it
    const off = onProgress((e) => {
      if (e.opId !== opId || answered || !latest()) return;
      setProgress(e.message);
      if (e.listed) setRows(pendingRows(e.listed));
      const updates = e.rows;
      if (updates) setRows((cur) => withUpdates(cur, updates));
    });
    setRows(null);
    setOpenImage(null);
    void act.run('Checking images…', async () => {
      await progressReady();
      try {
        const all = await call('images.list', { sourceId: id, opId });
        answered = true;
        // The answer is the whole list, authoritative over anything the progress events said.
        if (latest()) setRows(all);
      } catch (e) {
        answered = true;
        // Rows left "checking…" would say work goes on; it stopped, and the error says why.
        if (latest()) setRows(null);
        throw e;
      }
    }).finally(() => { off(); if (latest()) setProgress(null); });
  };
  useEffect(() => { if (selected) load(selected); /* eslint-disable-next-line react-hooks/exhaustive-deps */ }, [selected]);

  const shown = useMemo(() => (rows ?? []).filter((r) => rowMatches(r, filter, search)), [rows, filter, search]);
  const open = useMemo(() => (openImage === null ? null : rows?.find((r) => r.image === openImage) ?? null), [rows, openImage]);
  const virtual = useVirtualizer({ count: shown.length, getScrollElement: () => parentRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });

  return (
    <div className="images">
      <nav className="sources" aria-label="Sources">
        <h2>Sources</h2>
        {sources.data?.length === 0 && <Empty>Add a registry repository, a layout folder, an archive or the local engine to see its images.</Empty>}
        <ul>
          {sources.data?.map((s) => (
            <li key={s.id}>
              <button type="button" className={s.id === selected ? 'source selected' : 'source'} aria-current={s.id === selected} onClick={() => setSelected(s.id)}>{s.label}</button>
              <button type="button" className="link" aria-label={`Remove source ${s.label}`} onClick={() => void act.run('Removing…', async () => { await call('sources.remove', { id: s.id }); if (selected === s.id) { setSelected(null); setRows(null); } sources.reload(); })}>✕</button>
            </li>
          ))}
        </ul>
        <AddSource onAdded={(s) => { sources.reload(); setSelected(s.id); }} />
        <ErrorBox error={sources.error} />
      </nav>
      <section className="image-list" aria-label="Images">
        <div className="toolbar">
          <label>Search<input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="reference or digest" /></label>
          <label>Verdict
            <select value={filter} onChange={(e) => setFilter(e.target.value as RowFilter)}>
              <option value="all">all</option>
              <option value="checking">still being checked</option>
              {(Object.keys(VERDICT_WORDS) as Verdict[]).map((v) => <option key={v} value={v}>{VERDICT_WORDS[v].label}</option>)}
            </select>
          </label>
          <button type="button" disabled={!selected || act.busy !== null} onClick={() => selected && load(selected)}>Refresh</button>
          {rows && <span className="count" data-testid="image-count">{countText(shown.length, rows)}</span>}
        </div>
        <Busy text={act.busy ? progress ?? act.busy : null} />
        <ErrorBox error={act.error} />
        <CredentialsOffer source={source} error={act.error} onSaved={() => { if (selected) load(selected); }} />
        {!source && sources.data && sources.data.length > 0 && <Empty>Pick a source on the left.</Empty>}
        {rows && rows.length === 0 && <Empty>This source has no images yet. Push one, or pick another source.</Empty>}
        {rows && rows.length > 0 && (
          <div className="table" role="table" aria-label="Images" aria-rowcount={shown.length + 1}>
            <div className="tr th" role="row">
              <span role="columnheader" className="c-ref">Reference</span>
              <span role="columnheader" className="c-digest">Digest</span>
              <span role="columnheader" className="c-platforms">Platforms</span>
              <span role="columnheader" className="c-created">Created</span>
              <span role="columnheader" className="c-signer">Signer</span>
              <span role="columnheader" className="c-verdict">Verdict</span>
            </div>
            <div ref={parentRef} className="tbody" data-testid="image-rows">
              <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
                {virtual.getVirtualItems().map((v) => {
                  const r = shown[v.index]!;
                  return (
                    <div key={v.key} role="row" tabIndex={0} aria-rowindex={v.index + 2} className={openImage === r.image ? 'tr selected' : 'tr'}
                      style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${v.start}px)` }}
                      onClick={() => setOpenImage(r.image)} onKeyDown={(e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); setOpenImage(r.image); } }}>
                      <RowCells r={r} />
                    </div>
                  );
                })}
              </div>
            </div>
          </div>
        )}
      </section>
      {open && <Detail row={open} onClose={() => setOpenImage(null)} onSign={onSign} />}
    </div>
  );
}
