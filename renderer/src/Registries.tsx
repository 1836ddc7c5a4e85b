import { useState } from 'react';
import { call } from './api.js';
import { Busy, Empty, ErrorBox, useAction, useLoad } from './common.js';

type Auth = 'none' | 'docker-login' | 'keychain';

export function RegistriesScreen() {
  const regs = useLoad(() => call('registries.list', {}));
  const [host, setHost] = useState('');
  const [auth, setAuth] = useState<Auth>('docker-login');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [tests, setTests] = useState<Record<string, { ok: boolean; message: string }>>({});
  const act = useAction();
  return (
    <section className="registries" aria-label="Registries">
      <h2>Registries</h2>
      <ErrorBox error={regs.error} />
      {regs.data?.length === 0 && <Empty>No registries yet: add one below. Passwords are kept in the OS keychain, or Signet uses your docker/podman login.</Empty>}
      {regs.data && regs.data.length > 0 && (
        <table className="keys">
          <thead><tr><th>Registry</th><th>Credentials</th><th>Connection</th><th>Actions</th></tr></thead>
          <tbody>
            {regs.data.map((r) => (
              <tr key={r.host}>
                <td className="mono">{r.host}</td>
                <td>{r.auth === 'keychain' ? `${r.username} (password in the OS keychain)` : r.auth === 'docker-login' ? 'docker/podman login' : 'anonymous'}</td>
                <td role="status">{tests[r.host] ? `${tests[r.host]!.ok ? '✓' : '✗'} ${tests[r.host]!.message}` : '—'}</td>
                <td className="actions">
                  <button type="button" aria-label={`Test ${r.host}`} onClick={() => void act.run(`Testing ${r.host}…`, async () => { const t = await call('registries.test', { host: r.host }); setTests((x) => ({ ...x, [r.host]: t })); })}>Test connection</button>
                  <button type="button" className="danger" aria-label={`Remove ${r.host}`} onClick={() => void act.run('Removing…', async () => { await call('registries.remove', { host: r.host }); regs.reload(); })}>Remove</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form onSubmit={(e) => {
        e.preventDefault();
        void act.run('Adding…', async () => {
          const h = host.trim();
          await call('registries.add', { host: h, auth, ...(auth === 'keychain' ? { username, password } : {}) });
          setPassword('');
          setHost('');
          regs.reload();
          const t = await call('registries.test', { host: h });
          setTests((x) => ({ ...x, [h]: t }));
        });
      }}>
        <h3>Add a registry</h3>
        <label>Registry host<input value={host} onChange={(e) => setHost(e.target.value)} placeholder="registry.example.com or 127.0.0.1:5000" required /></label>
        <fieldset>
          <legend>Credentials</legend>
          <label><input type="radio" name="auth" checked={auth === 'docker-login'} onChange={() => setAuth('docker-login')} /> Use my docker/podman login</label>
          <label><input type="radio" name="auth" checked={auth === 'keychain'} onChange={() => setAuth('keychain')} /> Store a user name and password in the OS keychain</label>
          <label><input type="radio" name="auth" checked={auth === 'none'} onChange={() => setAuth('none')} /> None (anonymous)</label>
        </fieldset>
        {auth === 'keychain' && <>
          <label>User name<input value={username} onChange={(e) => setUsername(e.target.value)} required autoComplete="off" /></label>
          <label>Password<input type="password" value={password} onChange={(e) => setPassword(e.target.value)} required autoComplete="off" /></label>
        </>}
        <button type="submit">Add registry</button>
      </form>
      <Busy text={act.busy} />
      <ErrorBox error={act.error} />
    </section>
  );
}
