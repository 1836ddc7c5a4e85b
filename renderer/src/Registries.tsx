import { useState } from 'react';
import type { RegistryInfo, RegistryTestView } from '../../shared/api.js';
import { call } from './api.js';
import { Busy, Empty, ErrorBox, useAction, useLoad } from './common.js';
import { Dialog } from './components/Dialog.js';
import { ConfirmDialog } from './components/ConfirmDialog.js';
import { Impact } from './Impact.js';
import { RegistryForm } from './RegistryForm.js';

function credentialsText(r: RegistryInfo): string {
  return r.auth === 'keychain' ? `${r.username} (password in the OS keychain)` : r.auth === 'docker-login' ? 'docker/podman login' : 'anonymous';
}

export function RegistriesScreen() {
  const regs = useLoad(() => call('registries.list', {}));
  const [tests, setTests] = useState<Record<string, RegistryTestView>>({});
  const [editing, setEditing] = useState<RegistryInfo | null>(null);
  const [removing, setRemoving] = useState<RegistryInfo | null>(null);
  const [formKey, setFormKey] = useState(0);
  const act = useAction();
  const saved = (info: RegistryInfo, test: RegistryTestView | null, was?: string) => {
    setTests((x) => {
      const next = { ...x };
      if (was !== undefined) delete next[was];
      if (test) next[info.host] = test;
      return next;
    });
    regs.reload();
  };
  return (
    <section className="registries" aria-label="Registries">
      <h2>Registries</h2>
      <p className="hint">Signet tests the credentials before it saves them: a password the registry refuses is never kept. Passwords are kept in the OS keychain; or Signet uses your docker/podman login.</p>
      <ErrorBox error={regs.error} />
      {regs.data?.length === 0 && <Empty>No registries yet: add one below.</Empty>}
      {regs.data && regs.data.length > 0 && (
        <table className="keys">
          <thead><tr><th>Registry</th><th>Credentials</th><th>Connection</th><th>Actions</th></tr></thead>
          <tbody>
            {regs.data.map((r) => (
              <tr key={r.host}>
                <td className="mono">{r.host}</td>
                <td>{credentialsText(r)}</td>
                <td role="status">{tests[r.host] ? `${tests[r.host]!.ok ? '✓' : '✗'} ${tests[r.host]!.message}` : '—'}</td>
                <td className="actions">
                  <button type="button" aria-label={`Test ${r.host}`} onClick={() => void act.run(`Testing ${r.host}…`, async () => { const t = await call('registries.test', { host: r.host }); setTests((x) => ({ ...x, [r.host]: t })); })}>Test connection</button>
                  <button type="button" aria-label={`Edit ${r.host}`} onClick={() => setEditing(r)}>Edit…</button>
                  <button type="button" className="danger" aria-label={`Remove ${r.host}`} onClick={() => setRemoving(r)}>Remove…</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Busy text={act.busy} />
      <ErrorBox error={act.error} />
      <section className="add-registry" aria-labelledby="add-registry-title">
        <h3 id="add-registry-title">Add a registry</h3>
        <RegistryForm key={formKey} submitLabel="Add registry" onSaved={(info, test) => { saved(info, test); setFormKey((k) => k + 1); }} />
      </section>
      {editing && (
        <Dialog title={`Edit ${editing.host}`} onClose={() => setEditing(null)}>
          <RegistryForm editing={editing} submitLabel="Save changes" onCancel={() => setEditing(null)} onSaved={(info, test) => { saved(info, test, editing.host); setEditing(null); }} />
        </Dialog>
      )}
      {removing && (
        <ConfirmDialog title={`Remove ${removing.host}?`} confirmLabel={`Remove ${removing.host}`} onClose={() => setRemoving(null)}
          onConfirm={async () => { await call('registries.remove', { host: removing.host }); saved(removing, null, removing.host); }}>
          <p>Signet forgets {removing.host} and how to sign in to it ({credentialsText(removing)}).</p>
          <Impact change="registries.remove" name={removing.host} />
        </ConfirmDialog>
      )}
    </section>
  );
}
