// The Images table: TanStack Table for the columns and their sorting, TanStack Virtual for the
// rows (a source may hold many thousands), and a grid's keyboard model: the table is one Tab stop,
// the arrow keys, Home/End and PageUp/PageDown move between rows (roving focus), Enter opens the
// row. The verdict column is as wide as its widest badge, measured, so no verdict is ever cut.
import { useEffect, useImperativeHandle, useMemo, useRef, type KeyboardEvent, type Ref } from 'react';
import { defaultRangeExtractor, useVirtualizer, type Range } from '@tanstack/react-virtual';
import { createColumnHelper, createSortedRowModel, rowSortingFeature, tableFeatures, useTable, type SortingState, type Updater } from '@tanstack/react-table';
import type { ImageRow } from '../../shared/api.js';
import { Badge, CheckingBadge, VERDICT_WORDS, badgeText, shortDigest } from './common.js';
import { compareByVerdict, compareText, factsRead, isPending, shortTime, signerText, splitReference, type TableRow } from './image-rows.js';

const ROW_HEIGHT = 36;

const features = tableFeatures({ rowSortingFeature, sortedRowModel: createSortedRowModel() });
const helper = createColumnHelper<typeof features, TableRow>();
/** A text column: rows still being checked sort as empty, equal texts by reference. */
function textColumn(id: string, header: string, text: (r: ImageRow) => string) {
  const of = (r: TableRow) => (isPending(r) ? '' : text(r));
  return helper.accessor(of, { id, header, sortFn: (a, b) => compareText(of(a.original), of(b.original)) || compareText(a.original.image, b.original.image) });
}
const columns = helper.columns([
  helper.accessor((r) => r.image, { id: 'reference', header: 'Reference', sortFn: (a, b) => compareText(a.original.image, b.original.image) }),
  textColumn('digest', 'Digest', (r) => r.digest ?? ''),
  textColumn('platforms', 'Platforms', (r) => r.platforms?.join(', ') ?? ''),
  textColumn('created', 'Created', (r) => r.created ?? ''),
  textColumn('signer', 'Signer', signerText),
  helper.accessor((r) => (isPending(r) ? 'checking' : r.verdict), { id: 'verdict', header: 'Verdict', sortFn: (a, b) => compareByVerdict(a.original, b.original) }),
]);

/** What the screen can ask of the table. */
export interface ImageTableHandle {
  /** Put the keyboard focus back on the current row (after the detail panel closes). */
  focusActive(): void;
  /** Scroll `image`'s row into view (a link in the detail panel selected it). */
  reveal(image: string): void;
}

/**
 * The widest badge among `rows`, in CSS pixels, measured with the badges' own font: the verdict
 * column gets that width and never shrinks below it.
 */
function useVerdictWidth(rows: readonly TableRow[]): number {
  // The distinct badge texts, as one string: measured again only when one is new.
  const texts = useMemo(() => {
    const set = new Set<string>(['◷ checking…']);
    for (const r of rows) if (!isPending(r)) set.add(`${VERDICT_WORDS[r.verdict].icon} ${badgeText(r)}`);
    return [...set].sort().join('\n');
  }, [rows]);
  return useMemo(() => {
    const ctx = document.createElement('canvas').getContext('2d');
    if (!ctx) return 240;
    ctx.font = `600 12.5px ${getComputedStyle(document.documentElement).fontFamily}`;
    let widest = 0;
    for (const t of texts.split('\n')) widest = Math.max(widest, ctx.measureText(t).width);
    // The badge's padding (2 × 8) and its widest border (2 × 3), and room for rounding.
    return Math.ceil(widest) + 16 + 6 + 4;
  }, [texts]);
}

function Reference({ image, prefix }: { image: string; prefix: string }) {
  const { repository, tag } = splitReference(image.slice(prefix.length));
  // The repository is cut at its start ("…team/app"), so the end of it, the part that tells rows
  // apart, stays visible in a narrow column; then the tag, itself cut at its end if it must be.
  return (
    <span role="gridcell" className="c-reference mono" title={image} aria-label={image}>
      <span className="ref-repo"><bdi>{repository}</bdi></span><span className="ref-tag">{tag}</span>
    </span>
  );
}

function RowCells({ r, prefix }: { r: TableRow; prefix: string }) {
  if (isPending(r)) {
    return (
      <>
        <Reference image={r.image} prefix={prefix} />
        <span role="gridcell" className="c-digest mono">—</span>
        <span role="gridcell" className="c-platforms" />
        <span role="gridcell" className="c-created" />
        <span role="gridcell" className="c-signer" />
        <span role="gridcell" className="c-verdict"><CheckingBadge /></span>
      </>
    );
  }
  const read = factsRead(r);
  const platforms = r.platforms?.length ? r.platforms.join(', ') : '—';
  const signer = signerText(r);
  return (
    <>
      <Reference image={r.image} prefix={prefix} />
      <span role="gridcell" className="c-digest mono" title={r.digest}>{shortDigest(r.digest)}</span>
      <span role="gridcell" className="c-platforms" title={read ? platforms : 'being read'}>{read ? platforms : '…'}</span>
      <span role="gridcell" className="c-created" title={r.created ?? (read ? 'none' : 'being read')}>{r.created ? shortTime(r.created) : read ? '—' : '…'}</span>
      <span role="gridcell" className="c-signer" title={signer}>{signer}</span>
      <span role="gridcell" className="c-verdict"><Badge row={r} /></span>
    </>
  );
}

export interface ImageTableProps {
  rows: readonly TableRow[];
  /** Said once above the table, so left out of each reference. */
  prefix: string;
  sorting: SortingState;
  onSortingChange: (u: Updater<SortingState>) => void;
  activeImage: string | null;
  onActiveChange: (image: string) => void;
  openImage: string | null;
  /** `keyboard`: opened with Enter, so the panel takes the focus. */
  onOpen: (image: string, how: 'keyboard' | 'pointer') => void;
  handle?: Ref<ImageTableHandle>;
}

export function ImageTable({ rows, prefix, sorting, onSortingChange, activeImage, onActiveChange, openImage, onOpen, handle }: ImageTableProps) {
  const table = useTable({
    features, columns, data: rows as TableRow[],
    getRowId: (r) => r.image,
    state: { sorting },
    onSortingChange,
    enableSortingRemoval: false,
  });
  const sorted = table.getRowModel().rows;
  const scrollRef = useRef<HTMLDivElement>(null);
  const focusWanted = useRef<string | null>(null);
  const activeIndex = useMemo(() => (activeImage === null ? -1 : sorted.findIndex((r) => r.id === activeImage)), [sorted, activeImage]);
  // The row that takes the Tab stop: the active one, else the first.
  const tabStop = activeIndex >= 0 ? activeIndex : 0;
  const virtual = useVirtualizer({
    count: sorted.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    getItemKey: (i) => sorted[i]?.id ?? i,
    // The row holding the Tab stop stays rendered when scrolled away, so focus is never lost with it.
    rangeExtractor: (range: Range) => {
      const shown = defaultRangeExtractor(range);
      if (tabStop < sorted.length && !shown.includes(tabStop)) shown.push(tabStop);
      return shown.sort((a, b) => a - b);
    },
  });
  const verdictWidth = useVerdictWidth(rows);

  const focusRow = (image: string) => {
    const el = scrollRef.current?.querySelector<HTMLElement>(`[data-image="${CSS.escape(image)}"]`);
    if (el) { el.focus({ preventScroll: true }); return true; }
    return false;
  };
  useEffect(() => {
    if (focusWanted.current !== null && focusRow(focusWanted.current)) focusWanted.current = null;
  });
  useImperativeHandle(handle, () => ({
    focusActive: () => {
      const target = sorted[tabStop];
      if (!target) return;
      virtual.scrollToIndex(tabStop, { align: 'auto' });
      if (!focusRow(target.id)) focusWanted.current = target.id;
    },
    reveal: (image: string) => {
      const i = sorted.findIndex((r) => r.id === image);
      if (i >= 0) virtual.scrollToIndex(i, { align: 'auto' });
    },
  }));

  const moveTo = (index: number) => {
    const target = sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    if (!target) return;
    onActiveChange(target.id);
    virtual.scrollToIndex(target.index, { align: 'auto' });
    // Not rendered yet (a page away): focused once the scroll has rendered it.
    if (!focusRow(target.id)) focusWanted.current = target.id;
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.altKey || e.ctrlKey || e.metaKey || !(e.target instanceof HTMLElement) || !e.target.matches('[role="row"]')) return;
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? ROW_HEIGHT) / ROW_HEIGHT) - 1);
    const at = activeIndex >= 0 ? activeIndex : 0;
    const moves: Record<string, number> = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: sorted.length - 1, PageDown: at + page, PageUp: at - page };
    if (e.key in moves) {
      e.preventDefault();
      moveTo(moves[e.key]!);
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      const row = sorted[at];
      if (row) onOpen(row.id, 'keyboard');
    }
  };

  const headers = table.getHeaderGroups()[0]?.headers ?? [];
  return (
    <div className="table" role="grid" aria-label="Images" aria-rowcount={rows.length + 1} style={{ ['--verdict-width' as string]: `${verdictWidth}px` }}>
      <div role="rowgroup">
        <div className="tr th" role="row" aria-rowindex={1}>
          {headers.map((h) => {
            const dir = h.column.getIsSorted();
            const label = String(h.column.columnDef.header);
            return (
              <span key={h.id} role="columnheader" className={`c-${h.id}`} aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none'}>
                <button type="button" className="sort" onClick={h.column.getToggleSortingHandler()} title={`Sort by ${label.toLowerCase()}`}>
                  {label}<span aria-hidden="true" className="sort-mark">{dir === 'asc' ? ' ▲' : dir === 'desc' ? ' ▼' : ''}</span>
                </button>
              </span>
            );
          })}
        </div>
      </div>
      <div className="tbody" ref={scrollRef} data-testid="image-rows" role="rowgroup" tabIndex={-1} onKeyDown={onKeyDown}>
        <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
          {virtual.getVirtualItems().map((v) => {
            const row = sorted[v.index];
            if (!row) return null;
            const r = row.original;
            const active = v.index === activeIndex;
            return (
              <div key={row.id} role="row" data-image={row.id} aria-rowindex={v.index + 2} aria-selected={active}
                tabIndex={v.index === tabStop ? 0 : -1}
                className={`tr${active ? ' active' : ''}${r.image === openImage ? ' open' : ''}`}
                style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${v.start}px)` }}
                onFocus={(e) => { if (e.target === e.currentTarget && !active) onActiveChange(row.id); }}
                onClick={() => { onActiveChange(row.id); onOpen(row.id, 'pointer'); }}>
                <RowCells r={r} prefix={prefix} />
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
