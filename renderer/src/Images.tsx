import { useEffect, useMemo, useRef, useState } from 'react';
import type { SortingState } from '@tanstack/react-table';
import type { Source, SourceKind, Verdict } from '../../shared/api.js';
import { call, progressReady } from './api.js';
import { Busy, Empty, ErrorBox, VERDICT_WORDS, useAction, useLoad } from './common.js';
import { CredentialsOffer } from './CredentialsOffer.js';
import { TextWithDigests } from './Digest.js';
import { ImageDetail } from './ImageDetail.js';
import { ImageTable, type ImageTableHandle } from './ImageTable.js';
import { countText, failureReasons, rowMatches, sharedPrefix, verdictCounts, type RowFilter, type TableRow, type VerdictCounts } from './image-rows.js';
import { ago, localTime, useNow } from './relative-time.js';
import { currentTrustKey, useSourceChecks, type SourceCheck } from './source-checks.js';

const KIND_LABEL: Record<SourceKind, string> = {
  registry: 'Registry repository',
  namespace: 'Registry namespace (every repository under a prefix)',
  oci: 'OCI layout folder',
  archive: 'Docker archive (.tar)',
  engine: 'Local engine (Docker/Podman)',
};

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

/** The verdict chips, in the order a release manager reads them: the good, then what needs a look. */
const CHIPS: ReadonlyArray<{ filter: Verdict | 'checking'; label: string }> = [
  { filter: 'verified', label: 'verified' },
  { filter: 'unknown-key', label: 'unknown key' },
  { filter: 'invalid', label: 'INVALID' },
  { filter: 'revoked', label: 'revoked' },
  { filter: 'unsigned', label: 'unsigned' },
  { filter: 'error', label: 'could not check' },
  { filter: 'checking', label: 'checking' },
];
const CHIP_ICON: Record<Verdict | 'checking', string> = { ...Object.fromEntries(Object.entries(VERDICT_WORDS).map(([v, w]) => [v, w.icon])) as Record<Verdict, string>, checking: '◷' };

function VerdictChips({ counts, total, filter, onFilter }: { counts: VerdictCounts; total: number; filter: RowFilter; onFilter: (f: RowFilter) => void }) {
  return (
    <div className="chips" role="group" aria-label="Filter by verdict">
      <button type="button" className="chip chip-all" aria-pressed={filter === 'all'} onClick={() => onFilter('all')}>All <span className="chip-count">{total}</span></button>
      {CHIPS.filter((c) => c.filter !== 'checking' || counts.checking > 0 || filter === 'checking').map((c) => (
        <button key={c.filter} type="button" className={`chip chip-${c.filter}${counts[c.filter] === 0 ? ' chip-zero' : ''}`} aria-pressed={filter === c.filter}
          onClick={() => onFilter(filter === c.filter ? 'all' : c.filter)}>
          <span aria-hidden="true" className="chip-icon">{CHIP_ICON[c.filter]}</span> {c.label} <span className="chip-count">{counts[c.filter]}</span>
        </button>
      ))}
    </div>
  );
}

/** The rows of a check that failed, or failed in part, are kept: this says so, how many and why. */
function CheckBanner({ check, rows, now }: { check: SourceCheck; rows: readonly TableRow[]; now: number }) {
  const reasons = useMemo(() => failureReasons(rows), [rows]);
  const failedRows = reasons.reduce((n, r) => n + r.count, 0);
  if (check.failure === null && failedRows === 0) return null;
  const shown = reasons.slice(0, 4);
  return (
    <div className="banner" role="alert" data-testid="check-banner">
      {check.failure !== null && (
        <p><strong>This source could not be checked {ago(check.failure.at, now)}:</strong> <TextWithDigests text={check.failure.message} />
          {check.last !== null && check.checkedAt !== null && <> The rows below are from the last check that completed, <span title={localTime(check.checkedAt)}>{ago(check.checkedAt, now)}</span>.</>}</p>
      )}
      {failedRows > 0 && <>
        <p><strong>{failedRows} of {rows.length} image{rows.length === 1 ? '' : 's'} could not be checked</strong>{reasons.length === 1 ? ':' : ', for these reasons:'}</p>
        <ul className="reasons">
          {shown.map((r) => <li key={r.reason}><TextWithDigests text={r.reason} />{reasons.length > 1 || r.count > 1 ? <span className="reason-count"> ({r.count})</span> : null}</li>)}
          {reasons.length > shown.length && <li>and {reasons.length - shown.length} other reason{reasons.length - shown.length === 1 ? '' : 's'} (open a row to read its own)</li>}
        </ul>
      </>}
      <p className="small">Refresh to check again; if it keeps failing, test the registry on the Registries screen.</p>
    </div>
  );
}

/** "30 images: 2 INVALID, 1 revoked" beside a source that has been checked in this session. */
function SourceCounts({ rows, id }: { rows: readonly TableRow[]; id: string }) {
  const c = verdictCounts(rows);
  const problems = c.invalid + c.revoked;
  const words = [`${rows.length} image${rows.length === 1 ? '' : 's'}`];
  if (c.invalid) words.push(`${c.invalid} INVALID`);
  if (c.revoked) words.push(`${c.revoked} revoked`);
  if (c.error) words.push(`${c.error} could not be checked`);
  if (c.checking) words.push(`${c.checking} being checked`);
  return (
    <span className="source-counts" id={id} title={words.join(', ')} data-testid="source-counts">
      <span className="visually-hidden">{words.join(', ')}</span>
      <span aria-hidden="true" className="count-pill">{rows.length}</span>
      {problems > 0 && <span aria-hidden="true" className="count-pill count-problems">✗ {problems}</span>}
      {c.error > 0 && <span aria-hidden="true" className="count-pill count-errors">! {c.error}</span>}
    </span>
  );
}

/** The shared start of every reference, said once: "Registry 127.0.0.1:5000", "Layout /srv/l". */
function prefixCaption(prefix: string): string {
  const m = /^(oci|docker-archive):(.*):$/.exec(prefix);
  if (m) return `${m[1] === 'oci' ? 'OCI layout' : 'Docker archive'} ${m[2]}`;
  if (prefix === 'docker-daemon:') return 'Local engine';
  return `Registry ${prefix.replace(/\/$/, '')}`;
}

export interface ImagesScreenProps {
  /** The screen is shown; it stays mounted (with its state) while another screen is. */
  active: boolean;
  onSign: (image: string) => void;
  /** Changes when the source shown should be checked again (an image was just signed). */
  recheck: number;
}

export function ImagesScreen({ active, onSign, recheck }: ImagesScreenProps) {
  const sources = useLoad(() => call('sources.list', {}));
  const [selected, setSelected] = useState<string | null>(null);
  const { checks, check, forget } = useSourceChecks();
  const [filter, setFilter] = useState<RowFilter>('all');
  const [search, setSearch] = useState('');
  const [sorting, setSorting] = useState<SortingState>([{ id: 'verdict', desc: false }]);
  const [activeImage, setActiveImage] = useState<string | null>(null);
  const [openImage, setOpenImage] = useState<string | null>(null);
  const [openedBy, setOpenedBy] = useState<'keyboard' | 'pointer'>('pointer');
  const act = useAction();
  const table = useRef<ImageTableHandle>(null);
  const revealWanted = useRef<string | null>(null);
  const now = useNow();

  // The progress stream opens with the screen, so the first check need not wait for it.
  useEffect(() => { void progressReady(); }, []);

  const source = sources.data?.find((s) => s.id === selected) ?? null;
  const current: SourceCheck | undefined = selected ? checks[selected] : undefined;
  const rows = current?.rows ?? null;
  useEffect(() => { if (!selected && sources.data?.[0]) setSelected(sources.data[0].id); }, [sources.data, selected]);

  /** Checks `id` again if its kept rows were checked with other teammates than there are now. */
  const recheckIfTrustChanged = (id: string) => {
    const kept = checks[id];
    if (!kept || kept.checking || kept.trust === null) return;
    void currentTrustKey().then((key) => { if (key !== kept.trust) check(id); }, () => undefined);
  };

  // A source picked shows its kept rows; it is checked when it has none, or when the teammates
  // changed since (a revoked teammate's "verified" must not stay on screen).
  useEffect(() => {
    if (!selected) return;
    setOpenImage(null);
    setActiveImage(null);
    const c = checks[selected];
    if (!c?.checking && !c?.last) check(selected);
    else recheckIfTrustChanged(selected);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selected]);

  // Back on this screen: the kept rows stay, unless the teammates changed on the Keys screen.
  const wasActive = useRef(active);
  useEffect(() => {
    const back = active && !wasActive.current;
    wasActive.current = active;
    if (back && selected) recheckIfTrustChanged(selected);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [active]);

  // Back from signing: the source is checked again to show the signature, and the keyboard focus
  // returns to the row it left from.
  const firstRecheck = useRef(recheck);
  useEffect(() => {
    if (recheck === firstRecheck.current || !selected) return;
    check(selected);
    table.current?.focusActive();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [recheck]);

  const shown = useMemo(() => (rows ?? []).filter((r) => rowMatches(r, filter, search)), [rows, filter, search]);
  const counts = useMemo(() => verdictCounts(rows ?? []), [rows]);
  const prefix = useMemo(() => sharedPrefix(rows ?? []), [rows]);
  const open = useMemo(() => (openImage === null ? null : rows?.find((r) => r.image === openImage) ?? null), [rows, openImage]);
  const lastOpen = useMemo(() => (openImage === null ? undefined : current?.last?.find((r) => r.image === openImage)), [current?.last, openImage]);

  const closeDetail = () => { setOpenImage(null); table.current?.focusActive(); };
  // Escape closes the panel (a dialog open above it closes first: React Aria stops that Escape).
  useEffect(() => {
    if (!active || openImage === null) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented || document.querySelector('[role="dialog"], [role="alertdialog"]')) return;
      e.preventDefault();
      closeDetail();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  });

  // A link in the panel selects another row: shown even if the filter or the search hid it.
  const select = (image: string) => {
    const row = rows?.find((r) => r.image === image);
    if (row && !rowMatches(row, filter, search)) { setFilter('all'); setSearch(''); }
    setActiveImage(image);
    setOpenImage(image);
    setOpenedBy('keyboard');
    revealWanted.current = image;
  };
  useEffect(() => {
    if (revealWanted.current !== null) { table.current?.reveal(revealWanted.current); revealWanted.current = null; }
  });

  const busy = current?.checking ? current.progress ?? 'Checking images…' : null;
  return (
    <div className="images" hidden={!active}>
      <nav className="sources" aria-label="Sources">
        <h2>Sources</h2>
        {sources.data?.length === 0 && <Empty>Add a registry repository, a layout folder, an archive or the local engine to see its images.</Empty>}
        <ul>
          {sources.data?.map((s) => {
            const kept = checks[s.id]?.rows;
            return (
              <li key={s.id}>
                <button type="button" className={s.id === selected ? 'source selected' : 'source'} aria-current={s.id === selected} aria-label={s.label} aria-describedby={kept ? `counts-${s.id}` : undefined} title={s.label} onClick={() => setSelected(s.id)}>
                  <span className="source-label">{s.label}</span>
                  {kept && <SourceCounts rows={kept} id={`counts-${s.id}`} />}
                </button>
                <button type="button" className="link" aria-label={`Remove source ${s.label}`} onClick={() => void act.run('Removing…', async () => { await call('sources.remove', { id: s.id }); forget(s.id); if (selected === s.id) setSelected(null); sources.reload(); })}>✕</button>
              </li>
            );
          })}
        </ul>
        <AddSource onAdded={(s) => { sources.reload(); setSelected(s.id); }} />
        <ErrorBox error={sources.error ?? act.error} />
      </nav>
      <section className="image-list" aria-label="Images">
        <div className="toolbar">
          <label>Search<input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="reference or digest" /></label>
          <button type="button" disabled={!selected || current?.checking === true} onClick={() => selected && check(selected)}>Refresh</button>
          {current?.checkedAt != null && !current.checking && <span className="checked-at" title={localTime(current.checkedAt)} data-testid="checked-at">checked {ago(current.checkedAt, now)}</span>}
          {rows && <span className="count" data-testid="image-count">{countText(shown.length, rows)}</span>}
        </div>
        {rows && rows.length > 0 && <VerdictChips counts={counts} total={rows.length} filter={filter} onFilter={setFilter} />}
        <Busy text={busy} />
        {current && rows && <CheckBanner check={current} rows={rows} now={now} />}
        {current?.failure && !rows && <ErrorBox error={current.failure.message} />}
        <CredentialsOffer source={source} error={current?.failure?.message} onSaved={() => { if (selected) check(selected); }} />
        {!source && sources.data && sources.data.length > 0 && <Empty>Pick a source on the left.</Empty>}
        {rows && rows.length === 0 && <Empty>This source has no images yet. Push one, or pick another source.</Empty>}
        {rows && rows.length > 0 && prefix !== '' && <p className="table-caption" title={prefix}>{prefixCaption(prefix)}</p>}
        {rows && rows.length > 0 && (
          <ImageTable rows={shown} prefix={prefix} sorting={sorting} onSortingChange={setSorting}
            activeImage={activeImage} onActiveChange={setActiveImage} openImage={openImage}
            onOpen={(image, how) => { setOpenImage(image); setOpenedBy(how); }} handle={table} />
        )}
      </section>
      {open && <ImageDetail row={open} lastRow={lastOpen} lastCheckedAt={current?.checkedAt ?? null} rows={rows ?? []} now={now}
        takeFocus={openedBy === 'keyboard'} onClose={closeDetail} onSign={onSign} onSelect={select}
        onTeammateAdded={() => { if (selected) check(selected); }} />}
    </div>
  );
}
