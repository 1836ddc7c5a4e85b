import type { AuditEntryView, AuditRecoveryView } from '../../shared/api.js';
import { printable, printableText } from '../../shared/printable.js';
import { call } from './api.js';
import { Busy, Empty, ErrorBox, shortDigest, useLoad } from './common.js';

export function ActivityScreen() {
  const log = useLoad(() => call('audit.list', {}));
  const entries = [...(log.data?.entries ?? [])].reverse();
  const damage = log.data?.damage;
  return (
    <section className="activity" aria-label="Activity">
      <h2>Activity</h2>
      <div className="toolbar"><button type="button" onClick={log.reload}>Refresh</button></div>
      <Busy text={log.loading ? 'Reading the audit log…' : null} />
      <ErrorBox error={log.error} />
      {damage && <p role="alert" className="warn" data-testid="audit-damage">{damage.message}</p>}
      {log.data && entries.length === 0 && <Empty>Nothing signed yet. Every signing, and every failed attempt, is recorded here.</Empty>}
      {entries.length > 0 && (
        <table className="keys">
          <thead><tr><th>Time</th><th>Who</th><th>Outcome</th><th>Image</th><th>Key</th><th>Where stored / error</th></tr></thead>
          <tbody>
            {entries.map((e, i) => e.outcome === 'recovered' ? <RecoveryRow key={`r${i}`} e={e} /> : <SigningRow key={e.id ?? i} e={e} />)}
          </tbody>
        </table>
      )}
    </section>
  );
}

function time(t: string): string {
  return t.replace('T', ' ').slice(0, 19);
}

/**
 * React escapes HTML, but not what reorders or hides text: a bidi override in an image name or an
 * error quoted from a registry would make the cell read otherwise. Shown as escapes, as `signet log` does.
 */
function SigningRow({ e }: { e: AuditEntryView }) {
  return (
    <tr>
      <td>{time(e.time)}</td>
      <td>{printable(e.user)}</td>
      <td className={e.outcome === 'signed' ? 'ok' : 'bad'}>{e.outcome === 'signed' ? '✓ signed' : '✗ failed'}</td>
      <td className="mono">{printable(e.image)}{e.digest ? ` @${shortDigest(e.digest)}` : ''}{Object.keys(e.annotations).length ? ` (${Object.entries(e.annotations).map(([k, v]) => `${printable(k)}=${printable(v)}`).join(', ')})` : ''}</td>
      <td>{printable(e.key.name)} <span className="mono small">{e.key.fingerprint.slice(0, 23)}…</span></td>
      <td className="small">{e.error !== undefined ? printableText(e.error) : (e.registry ?? []).map((r) => `${printable(r.location)}: ${printableText(r.readBack)}`).join('; ')}</td>
    </tr>
  );
}

/** Where the log was found damaged: the history before it was copied from the file named here. */
function RecoveryRow({ e }: { e: AuditRecoveryView }) {
  const lines = e.damagedLines.join(', ');
  return (
    <tr>
      <td>{time(e.time)}</td>
      <td>{e.user}</td>
      <td className="warn">⚠ log recovered</td>
      <td colSpan={3}>The audit log was damaged at line{e.damagedLines.length === 1 ? '' : 's'} {lines}. It was moved aside, unchanged, to <span className="mono">{e.movedTo}</span>; its {e.copied} intact line(s) are listed below.</td>
    </tr>
  );
}
