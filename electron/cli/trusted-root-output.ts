// `signet trust root show` in words. Every string from the root (URLs, subjects) is a value from
// outside: printable() escapes it.
import type { AuthoritySummary, TrustedRootSummary, ValidityWindow } from '../engine/trust/trusted-root/trusted-root-summary.js';
import { printable } from '../../shared/printable.js';

/** After this many days `show` suggests an update: a CA or log added since is unknown to the root. */
export const STALE_AFTER_DAYS = 90;

export function formatTrustedRoot(s: TrustedRootSummary): string {
  const lines: string[] = [];
  const o = s.origin;
  lines.push(o.kind === 'shipped' ? 'Trusted root: the snapshot shipped with Signet'
    : o.kind === 'installed' ? `Trusted root: installed by signet trust root update (${printable(o.path)})`
      : `Trusted root: the file ${printable(o.path)}`);
  if (o.kind !== 'file') lines.push(`  source    ${printable(o.source)}`);
  lines.push(`  ${o.kind === 'file' ? 'modified' : 'obtained'}  ${s.obtained ? `${day(s.obtained)} (${s.ageDays} day${s.ageDays === 1 ? '' : 's'} ago)` : 'unknown'}`);
  if (s.newestEntry) lines.push(`  newest    an entry valid from ${day(s.newestEntry)}`);
  lines.push(`  sha256    ${s.sha256}`);
  if (s.ageDays !== undefined && s.ageDays > STALE_AFTER_DAYS && o.kind !== 'file') {
    lines.push(`  It is ${s.ageDays} days old: a CA or log Sigstore added since is unknown to it. Refresh it with signet trust root update.`);
  }
  section(lines, 'Fulcio certificate authorities', s.certificateAuthorities.map((ca) => authority(ca)));
  section(lines, 'Transparency logs', s.transparencyLogs.map((l) => `${printable(l.baseUrl)}  ${l.api}  ${l.keyType}  log ID ${l.logId.slice(0, 16)}…  ${validity(l)}`));
  section(lines, 'Certificate transparency logs', s.ctLogs.map((l) => `${printable(l.baseUrl)}  ${l.keyType}  log ID ${l.logId.slice(0, 16)}…  ${validity(l)}`));
  section(lines, 'Timestamp authorities', s.timestampAuthorities.map((ca) => authority(ca)));
  return lines.join('\n');
}

/** "2 Fulcio CAs, 2 transparency logs, 2 CT logs, 1 timestamp authority" */
export function formatTrustedRootCounts(s: TrustedRootSummary): string {
  const n = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;
  return [
    n(s.certificateAuthorities.length, 'Fulcio CA', 'Fulcio CAs'),
    n(s.transparencyLogs.length, 'transparency log', 'transparency logs'),
    n(s.ctLogs.length, 'CT log', 'CT logs'),
    n(s.timestampAuthorities.length, 'timestamp authority', 'timestamp authorities'),
  ].join(', ');
}

function section(lines: string[], title: string, entries: string[]): void {
  lines.push(`${title} (${entries.length})${entries.length === 0 ? ': none' : ''}`);
  for (const e of entries) lines.push(`  ${e}`);
}

function authority(ca: AuthoritySummary): string {
  const chain = ca.chain.map((c) => `${printable(c.subject)} ${day(c.from)} → ${day(c.until)}`).join('; ');
  return `${printable(ca.uri)}  ${printable(ca.subject)}  ${validity(ca)}  chain: ${chain}`;
}

function validity(v: ValidityWindow): string {
  return `valid ${v.from ? day(v.from) : 'always'} → ${v.until ? day(v.until) : 'now'}`;
}

function day(iso: string): string {
  return iso.slice(0, 10);
}
