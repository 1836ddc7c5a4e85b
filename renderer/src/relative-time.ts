// "checked 3 minutes ago": how old a kept result is, in words, and a clock that makes it age.
import { useEffect, useState } from 'react';

export function ago(then: number, now: number): string {
  const s = Math.max(0, Math.round((now - then) / 1000));
  if (s < 45) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return m === 1 ? '1 minute ago' : `${m} minutes ago`;
  const h = Math.round(m / 60);
  if (h < 24) return h === 1 ? '1 hour ago' : `${h} hours ago`;
  const d = Math.round(h / 24);
  return d === 1 ? '1 day ago' : `${d} days ago`;
}

let localFormat: Intl.DateTimeFormat | undefined;

/** The local date and time with its zone, for a title: "5 Mar 2024, 07:07:08 CET". */
export function localTime(t: number): string {
  // One formatter for the page: making one costs about a millisecond, and titles re-render often.
  localFormat ??= new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'long' });
  const d = new Date(t);
  // A payload's timestamp is anyone's number: one past what a Date holds is said, not thrown.
  return Number.isNaN(d.getTime()) ? `not a time Signet can show (${t})` : localFormat.format(d);
}

/** The current time, updated every `everyMs` while mounted. */
export function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}
