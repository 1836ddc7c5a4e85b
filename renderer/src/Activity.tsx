import { useMemo, useState } from 'react';
import type { AuditChangeView, AuditEntryView, AuditRecoveryView } from '../../shared/api.js';
import { printable, printableText } from '../../shared/printable.js';
import { call, saveFile } from './api.js';
import { Busy, Empty, ErrorBox, shortDigest, useLoad } from './common.js';
import { ACTIVITY_KINDS, ACTIVITY_KIND_LABEL, changeDetails, jsonLines, matches, whatText, whenText, whoText, type ActivityEntry, type ActivityKind } from './activity-entries.js';

export function ActivityScreen() {
  const log = useLoad(() => call('audit.list', {}));
  const [kind, setKind] = useState<ActivityKind>('all');
  const [text, setText] = useState('');
  const entries = useMemo(() => [...(log.data?.entries ?? [])].reverse(), [log.data]);
  const shown = useMemo(() => entries.filter((e) => matches(e, kind, text)), [entries, kind, text]);
  const damage = log.data?.damage;
  const filtered = kind !== 'all' || text.trim() !== '';
  return (
    <section className="activity" aria-label="Activity">
      <h2>Activity</h2>
      <p className="hint">Every signing, and every change to keys, teammates, registries and exported policies, with who made it and when (in the time zone it was made in).</p>
      <div className="toolbar">
        <label>Show
          <select value={kind} onChange={(e) => setKind(e.target.value as ActivityKind)}>
            {ACTIVITY_KINDS.map((k) => <option key={k} value={k}>{ACTIVITY_KIND_LABEL[k]}</option>)}
          </select>
        </label>
        <label>Search<input type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="name, image, fingerprint, user…" /></label>
        <button type="button" onClick={log.reload}>Refresh</button>
        <button type="button" disabled={shown.length === 0} onClick={() => saveFile(`signet-activity-${new Date().toISOString().slice(0, 10)}.jsonl`, jsonLines([...shown].reverse()))}>
          Export {shown.length} {shown.length === 1 ? 'entry' : 'entries'} (JSON lines)
        </button>
        {log.data && <span className="count" data-testid="activity-count">{filtered ? `${shown.length} of ${entries.length} entries` : `${entries.length} entries`}</span>}
      </div>
      <Busy text={log.loading ? 'Reading the audit log…' : null} />
      <ErrorBox error={log.error} />
      {damage && <p role="alert" className="warn" data-testid="audit-damage">{damage.message}</p>}
      {log.data && entries.length === 0 && <Empty>Nothing recorded yet. Every signing (and every failed attempt), and every change to keys, teammates, registries and policies, is recorded here.</Empty>}
      {entries.length > 0 && shown.length === 0 && <Empty>No entry matches: clear the search or show everything.</Empty>}
      {shown.length > 0 && (
        <table className="keys activity-table">
          <thead><tr><th>Time</th><th>Who</th><th>What</th><th>Subject</th><th>Details</th></tr></thead>
          <tbody>
            {shown.map((e, i) => <ActivityRow key={('id' in e && e.id) || `r${i}`} e={e} />)}
          </tbody>
        </table>
      )}
    </section>
  );
}

function ActivityRow({ e }: { e: ActivityEntry }) {
  if (e.outcome === 'recovered') return <RecoveryRow e={e} />;
  if (e.outcome === 'changed') return <ChangeRow e={e} />;
  return <SigningRow e={e} />;
}

/** Time and who, the same for every row; the UTC time on hover. */
function WhenWho({ e }: { e: ActivityEntry }) {
  return <><td title={`${e.time} (UTC)`}>{printable(whenText(e))}</td><td>{printable(whoText(e))}</td></>;
}

/**
 * React escapes HTML, but not what reorders or hides text: a bidi override in an image name or an
 * error quoted from a registry would make the cell read otherwise. Shown as escapes, as `signet log` does.
 */
function SigningRow({ e }: { e: AuditEntryView }) {
  return (
    <tr data-kind="signing">
      <WhenWho e={e} />
      <td className={e.outcome === 'signed' ? 'ok' : 'bad'}>{whatText(e)}</td>
      <td className="mono">{printable(e.image)}{e.digest ? ` @${shortDigest(e.digest)}` : ''}{Object.keys(e.annotations).length ? ` (${Object.entries(e.annotations).map(([k, v]) => `${printable(k)}=${printable(v)}`).join(', ')})` : ''}</td>
      <td className="small">key {printable(e.key.name)} <span className="mono">{e.key.fingerprint.slice(0, 23)}…</span>{' — '}{e.error !== undefined ? printableText(e.error) : (e.registry ?? []).map((r) => `${printable(r.location)}: ${printableText(r.readBack)}`).join('; ')}</td>
    </tr>
  );
}

function ChangeRow({ e }: { e: AuditChangeView }) {
  return (
    <tr data-kind={e.kind}>
      <WhenWho e={e} />
      <td>{printable(whatText(e))}</td>
      <td>{printable(e.subject)}{e.fingerprint && <> <span className="mono small">{printable(e.fingerprint.slice(0, 23))}…</span></>}</td>
      <td className="small">{printable(changeDetails(e))}</td>
    </tr>
  );
}

/** Where the log was found damaged: the history before it was copied from the file named here. */
function RecoveryRow({ e }: { e: AuditRecoveryView }) {
  const lines = e.damagedLines.join(', ');
  return (
    <tr data-kind="recovered">
      <WhenWho e={e} />
      <td className="warn">{whatText(e)}</td>
      <td colSpan={2}>The audit log was damaged at line{e.damagedLines.length === 1 ? '' : 's'} {lines}. It was moved aside, unchanged, to <span className="mono">{e.movedTo}</span>; its {e.copied} intact line(s) are listed below.</td>
    </tr>
  );
}
