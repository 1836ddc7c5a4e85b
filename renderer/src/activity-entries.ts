// The Activity screen's entries as pure functions: which kind each is (for the filter), its text
// (for the search), and when it was, in the local time and zone it was recorded in.
import type { AuditChangeView, AuditEntryView, AuditRecoveryView } from '../../shared/api.js';
import { changeDetailsText, changeHeadline } from '../../shared/audit-changes.js';

export type ActivityEntry = AuditEntryView | AuditChangeView | AuditRecoveryView;
export const ACTIVITY_KINDS = ['all', 'signing', 'key', 'teammate', 'registry', 'policy', 'recovered'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];
export const ACTIVITY_KIND_LABEL: Record<ActivityKind, string> = {
  all: 'everything', signing: 'signings', key: 'keys', teammate: 'teammates', registry: 'registries', policy: 'policies', recovered: 'log recoveries',
};

export function activityKind(e: ActivityEntry): ActivityKind | 'other' {
  if (e.outcome === 'recovered') return 'recovered';
  if (e.outcome === 'changed') return (ACTIVITY_KINDS as readonly string[]).includes(e.kind) ? (e.kind as ActivityKind) : 'other';
  return 'signing';
}

/**
 * When, as it was where it was recorded: its local time and zone ("2026-03-01 11:00:00
 * Europe/Berlin"). Entries from before Signet recorded the local time have only UTC: they are
 * shown in this computer's local time, with its zone's abbreviation.
 */
export function whenText(e: ActivityEntry): string {
  if ('localTime' in e && e.localTime && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/.test(e.localTime)) {
    return `${e.localTime.slice(0, 10)} ${e.localTime.slice(11, 19)} ${e.zone ?? `UTC${e.localTime.slice(23)}`}`;
  }
  const t = new Date(e.time);
  if (Number.isNaN(t.getTime())) return e.time;
  return t.toLocaleString('sv-SE', { timeZoneName: 'short' });
}

export function whoText(e: ActivityEntry): string {
  return 'userName' in e && e.userName ? `${e.user} (${e.userName})` : e.user;
}

/** What happened, in a few words: "✓ signed", "key generated", "⚠ log recovered". */
export function whatText(e: ActivityEntry): string {
  if (e.outcome === 'recovered') return '⚠ log recovered';
  if (e.outcome === 'changed') return changeHeadline(e.kind, e.action);
  return e.outcome === 'signed' ? '✓ signed' : '✗ failed';
}

export function changeDetails(e: AuditChangeView): string {
  return [changeDetailsText(e.details), `via ${e.via}`].filter((x) => x !== '').join(', ');
}

/** Every word the row shows, for the search box. */
export function searchText(e: ActivityEntry): string {
  const parts = [whenText(e), whoText(e), whatText(e)];
  if (e.outcome === 'recovered') parts.push(e.movedTo);
  else if (e.outcome === 'changed') parts.push(e.subject, e.fingerprint ?? '', changeDetails(e));
  else {
    parts.push(e.image, e.digest ?? '', e.key.name, e.key.fingerprint, e.error ?? '');
    for (const [k, v] of Object.entries(e.annotations)) parts.push(`${k}=${v}`);
    for (const r of e.registry ?? []) parts.push(r.location, r.readBack);
  }
  return parts.join(' ').toLowerCase();
}

export function matches(e: ActivityEntry, kind: ActivityKind, text: string): boolean {
  if (kind !== 'all' && activityKind(e) !== kind) return false;
  const words = text.trim().toLowerCase().split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) return true;
  const hay = searchText(e);
  return words.every((w) => hay.includes(w));
}

/** The entries as JSON lines, one record per line as audit.log stores them. */
export function jsonLines(entries: readonly ActivityEntry[]): string {
  return entries.map((e) => `${JSON.stringify(e)}\n`).join('');
}
