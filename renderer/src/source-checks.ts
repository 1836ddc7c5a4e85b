// The checks of the Images screen's sources, kept per source for the whole session: the rows of
// the last check that completed, when it ended and with which teammates, and the check under way
// (its rows as they are decided). A source picked again shows its kept rows at once; a check that
// fails as a whole (the registry is down) leaves the last rows in place and says why, rather than
// taking them away behind one error.
import { useCallback, useRef, useState } from 'react';
import type { ImageRow } from '../../shared/api.js';
import { call, errorText, newOpId, onProgress, progressReady } from './api.js';
import { pendingRows, withUpdates, type TableRow } from './image-rows.js';

export interface SourceCheck {
  /** What the table shows: the check under way (names first, "checking…"), else the last one. */
  rows: TableRow[] | null;
  /** The rows of the last check that completed, and when it ended. */
  last: ImageRow[] | null;
  checkedAt: number | null;
  /** The teammates (trustKey) the last completed check was made with. */
  trust: string | null;
  checking: boolean;
  progress: string | null;
  /** The last check failed as a whole: why, and when. */
  failure: { message: string; at: number } | null;
}

const EMPTY: SourceCheck = { rows: null, last: null, checkedAt: null, trust: null, checking: false, progress: null, failure: null };

/**
 * What the verdicts depend on besides the registry: the teammates, each with its fingerprint and
 * revocation. When it changes (a teammate added or revoked on another screen), kept rows are stale.
 */
export async function currentTrustKey(): Promise<string> {
  const teammates = await call('trust.list', {});
  return JSON.stringify(teammates.map((t) => [t.fingerprint, t.name, t.revokedAt ?? null]).sort());
}

export function useSourceChecks(): {
  checks: Readonly<Record<string, SourceCheck>>;
  check: (id: string) => void;
  forget: (id: string) => void;
} {
  const [checks, setChecks] = useState<Record<string, SourceCheck>>({});
  // Only the latest check of a source may touch its state: an earlier one may still answer.
  const ops = useRef(new Map<string, string>());
  const update = useCallback((id: string, f: (s: SourceCheck) => SourceCheck) => {
    setChecks((all) => (ops.current.has(id) ? { ...all, [id]: f(all[id] ?? EMPTY) } : all));
  }, []);

  const check = useCallback((id: string) => {
    const opId = newOpId();
    ops.current.set(id, opId);
    const latest = () => ops.current.get(id) === opId;
    let answered = false; // after the answer, a late event must not undo it
    const off = onProgress((e) => {
      if (e.opId !== opId || answered || !latest()) return;
      const { listed, rows: updates } = e;
      update(id, (s) => ({
        ...s,
        progress: e.message,
        rows: updates ? withUpdates(listed ? pendingRows(listed) : s.rows, updates) : listed ? pendingRows(listed) : s.rows,
      }));
    });
    update(id, (s) => ({ ...s, checking: true, progress: null, failure: null }));
    void (async () => {
      try {
        await progressReady();
        // The teammates the check is made with, read beside it (not before: the list starts at once).
        const [trust, all] = await Promise.all([currentTrustKey(), call('images.list', { sourceId: id, opId })]);
        answered = true;
        // The answer is the whole list, authoritative over anything the progress events said.
        if (latest()) update(id, (s) => ({ ...s, rows: all, last: all, checkedAt: Date.now(), trust, checking: false, progress: null }));
      } catch (e) {
        answered = true;
        // Rows left "checking…" would say work goes on; it stopped. The last check's rows stay.
        if (latest()) update(id, (s) => ({ ...s, rows: s.last, checking: false, progress: null, failure: { message: errorText(e), at: Date.now() } }));
      } finally {
        off();
      }
    })();
  }, [update]);

  const forget = useCallback((id: string) => {
    ops.current.delete(id);
    setChecks((all) => {
      const { [id]: _gone, ...rest } = all;
      return rest;
    });
  }, []);

  return { checks, check, forget };
}
