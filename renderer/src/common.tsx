import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { ImageRow, Verdict } from '../../shared/api.js';
import { errorText } from './api.js';

export const VERDICT_WORDS: Record<Verdict, { icon: string; label: string }> = {
  verified: { icon: '✓', label: 'verified' },
  'unknown-key': { icon: '?', label: 'signed by an unknown key' },
  invalid: { icon: '✗', label: 'INVALID' },
  revoked: { icon: '⊘', label: 'revoked' },
  unsigned: { icon: '○', label: 'unsigned' },
  error: { icon: '!', label: 'could not check' },
};

export function badgeText(row: Pick<ImageRow, 'verdict' | 'signers'>): string {
  if (row.verdict === 'verified') return `verified by ${row.signers.join(', ')}`;
  return VERDICT_WORDS[row.verdict].label;
}

export function Badge({ row }: { row: Pick<ImageRow, 'verdict' | 'signers'> }) {
  return (
    <span className={`badge badge-${row.verdict}`} data-verdict={row.verdict}>
      <span aria-hidden="true" className="badge-icon">{VERDICT_WORDS[row.verdict].icon}</span> {badgeText(row)}
    </span>
  );
}

/** Not a verdict: an image listed but not decided yet. Worded and drawn unlike any verdict. */
export function CheckingBadge() {
  return (
    <span className="badge badge-checking" data-verdict="checking">
      <span aria-hidden="true" className="badge-icon">◷</span> checking…
    </span>
  );
}

export function ErrorBox({ error }: { error: string | null }) {
  if (!error) return null;
  return <div role="alert" className="error">{error}</div>;
}

export function Busy({ text }: { text: string | null }) {
  if (!text) return null;
  return <div role="status" className="busy"><span className="spinner" aria-hidden="true" />{text}</div>;
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

export function shortDigest(d?: string): string {
  return d ? d.replace(/^sha256:/, '').slice(0, 12) : '—';
}

/**
 * Runs async work, keeping its error and a busy message. The latest run owns both: an earlier run
 * that ends while a later one is under way (the user switched source mid-load) neither clears
 * the later one's busy message nor shows its error over the later one's screen.
 */
export function useAction(): { busy: string | null; error: string | null; run: <T>(label: string, f: () => Promise<T>) => Promise<T | undefined>; setError: (e: string | null) => void } {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const latest = useRef(0);
  const run = useCallback(async <T,>(label: string, f: () => Promise<T>): Promise<T | undefined> => {
    const mine = ++latest.current;
    setBusy(label);
    setError(null);
    try {
      return await f();
    } catch (e) {
      if (mine === latest.current) setError(errorText(e));
      return undefined;
    } finally {
      if (mine === latest.current) setBusy(null);
    }
  }, []);
  return { busy, error, run, setError };
}

/** Loads data once and on reload(). */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[] = []): { data: T | undefined; error: string | null; loading: boolean; reload: () => void } {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [n, setN] = useState(0);
  useEffect(() => {
    let alive = true;
    setLoading(true);
    load().then((d) => { if (alive) { setData(d); setError(null); } }, (e: unknown) => { if (alive) setError(errorText(e)); }).finally(() => { if (alive) setLoading(false); });
    return () => { alive = false; };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [n, ...deps]);
  return { data, error, loading, reload: () => setN((x) => x + 1) };
}
