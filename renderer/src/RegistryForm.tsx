// Adding or editing a registry: the credentials are tested before anything is saved (a wrong
// password is never kept), the result is said in words naming what was typed, and a registry
// that cannot be reached is saved only when the user says so. Used on the Registries screen, in
// its Edit dialog, and in the "Add credentials" dialog the Images screen offers for a source.
import { useState } from 'react';
import type { RegistryAuth, RegistryInfo, RegistryTestView } from '../../shared/api.js';
import { ApiError, call } from './api.js';
import { Busy, ErrorBox, useAction } from './common.js';

export interface RegistryFormProps {
  /** The entry being edited; absent to add one. */
  editing?: RegistryInfo;
  /** A host that is given, not typed (credentials for a source's registry). */
  fixedHost?: string;
  initialAuth?: RegistryAuth;
  submitLabel: string;
  /** After a save: the entry, and what its test said. */
  onSaved: (saved: RegistryInfo, test: RegistryTestView | null) => void;
  onCancel?: () => void;
}

const AUTH_LABEL: Record<RegistryAuth, string> = {
  'docker-login': 'Use my docker/podman login',
  keychain: 'Store a user name and password in the OS keychain',
  none: 'None (anonymous)',
};

export function RegistryForm({ editing, fixedHost, initialAuth, submitLabel, onSaved, onCancel }: RegistryFormProps) {
  const [host, setHost] = useState(fixedHost ?? editing?.host ?? '');
  const [auth, setAuth] = useState<RegistryAuth>(initialAuth ?? editing?.auth ?? 'docker-login');
  const [username, setUsername] = useState(editing?.username ?? '');
  const [password, setPassword] = useState('');
  const [test, setTest] = useState<RegistryTestView | null>(null);
  const [unreachable, setUnreachable] = useState(false);
  const act = useAction();
  // Editing a keychain entry without typing a password keeps the stored one.
  const keepsPassword = editing?.auth === 'keychain' && auth === 'keychain' && password === '';
  const candidate = () => ({
    host: host.trim(), auth,
    ...(auth === 'keychain' ? { username: username.trim(), ...(keepsPassword ? {} : { password }) } : {}),
  });
  const reset = () => { setTest(null); setUnreachable(false); act.setError(null); };

  // A kept password can be tested only as it is saved: for the same host and user name.
  const canTest = host.trim() !== '' && (!keepsPassword || (host.trim() === editing?.host && username.trim() === editing.username));
  const runTest = () => void act.run('Testing the connection…', async () => {
    setTest(await call('registries.test', keepsPassword ? { host: host.trim() } : candidate()));
  });

  /** The host tests before it saves and refuses what failed; a registry it could not reach may be saved when asked. */
  const save = (saveUnreachable: boolean) => void act.run('Testing, then saving…', async () => {
    const c = candidate();
    const extra = saveUnreachable ? { saveUnreachable } : {};
    setTest(null);
    try {
      const saved = editing
        ? await call('registries.edit', { ...c, host: editing.host, ...(c.host !== editing.host ? { newHost: c.host } : {}), ...extra })
        : await call('registries.add', { ...c, ...extra });
      setPassword('');
      setUnreachable(false);
      onSaved(saved, saveUnreachable ? null : await call('registries.test', { host: saved.host }));
    } catch (e) {
      setUnreachable(e instanceof ApiError && e.code === 'NETWORK');
      throw e;
    }
  });

  return (
    <form className="registry-form" onSubmit={(e) => { e.preventDefault(); save(false); }}>
      {fixedHost === undefined
        ? <label>Registry host<input value={host} onChange={(e) => { setHost(e.target.value); reset(); }} placeholder="registry.example.com or 127.0.0.1:5000" required /></label>
        : <p>Registry <span className="mono">{fixedHost}</span></p>}
      <fieldset>
        <legend>Credentials</legend>
        {(Object.keys(AUTH_LABEL) as RegistryAuth[]).map((a) => (
          <label key={a}><input type="radio" name={`auth-${editing?.host ?? fixedHost ?? 'new'}`} checked={auth === a} onChange={() => { setAuth(a); reset(); }} /> {AUTH_LABEL[a]}</label>
        ))}
      </fieldset>
      {auth === 'keychain' && <>
        <label>User name<input value={username} onChange={(e) => { setUsername(e.target.value); reset(); }} required autoComplete="off" /></label>
        <label>Password<input type="password" value={password} onChange={(e) => { setPassword(e.target.value); reset(); }} required={!(editing?.auth === 'keychain')} autoComplete="off"
          placeholder={editing?.auth === 'keychain' ? 'leave empty to keep the stored one' : ''} /></label>
      </>}
      {test && <p role="status" className={test.ok ? 'test-result ok' : 'test-result bad'} data-testid="registry-test">{test.ok ? '✓' : '✗'} {test.message}</p>}
      <div className="buttons">
        <button type="button" disabled={!canTest || act.busy !== null} title={canTest ? undefined : 'Type the password to test new credentials'} onClick={runTest}>Test connection</button>
        <button type="submit" className="primary" disabled={act.busy !== null}>{submitLabel}</button>
        {unreachable && <button type="button" onClick={() => save(true)}>Save without a working connection</button>}
        {onCancel && <button type="button" onClick={onCancel}>Cancel</button>}
      </div>
      <Busy text={act.busy} />
      <ErrorBox error={act.error} />
    </form>
  );
}
