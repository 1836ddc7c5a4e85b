import { call } from './api.js';
import { Busy, Empty, ErrorBox, shortDigest, useLoad } from './common.js';

export function ActivityScreen() {
  const log = useLoad(() => call('audit.list', {}));
  const entries = [...(log.data?.entries ?? [])].reverse();
  return (
    <section className="activity" aria-label="Activity">
      <h2>Activity</h2>
      <div className="toolbar"><button type="button" onClick={log.reload}>Refresh</button></div>
      <Busy text={log.loading ? 'Reading the audit log…' : null} />
      <ErrorBox error={log.error} />
      {log.data && log.data.damaged.length > 0 && <p role="alert" className="warn">{log.data.damaged.length} damaged line(s) of the audit log were skipped (line {log.data.damaged.join(', ')}).</p>}
      {log.data && entries.length === 0 && <Empty>Nothing signed yet. Every signing, and every failed attempt, is recorded here.</Empty>}
      {entries.length > 0 && (
        <table className="keys">
          <thead><tr><th>Time</th><th>Who</th><th>Outcome</th><th>Image</th><th>Key</th><th>Where stored / error</th></tr></thead>
          <tbody>
            {entries.map((e, i) => (
              <tr key={i}>
                <td>{e.time.replace('T', ' ').slice(0, 19)}</td>
                <td>{e.user}</td>
                <td className={e.outcome === 'signed' ? 'ok' : 'bad'}>{e.outcome === 'signed' ? '✓ signed' : '✗ failed'}</td>
                <td className="mono">{e.image}{e.digest ? ` @${shortDigest(e.digest)}` : ''}{Object.keys(e.annotations).length ? ` (${Object.entries(e.annotations).map(([k, v]) => `${k}=${v}`).join(', ')})` : ''}</td>
                <td>{e.key.name} <span className="mono small">{e.key.fingerprint.slice(0, 23)}…</span></td>
                <td className="small">{e.error ?? (e.registry ?? []).map((r) => `${r.location}: ${r.readBack}`).join('; ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
