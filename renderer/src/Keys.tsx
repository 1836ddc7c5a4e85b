import { useState } from 'react';
import type { KeyInfo, TrustInfo } from '../../shared/api.js';
import { call, saveFile } from './api.js';
import { copyText } from './clipboard.js';
import { Busy, Empty, ErrorBox, useAction, useLoad } from './common.js';
import { ConfirmDialog } from './components/ConfirmDialog.js';
import { Impact } from './Impact.js';
import { PolicyForm } from './PolicyForm.js';

async function readFileText(f: File | undefined): Promise<string> {
  if (!f) throw new Error('Choose a file first.');
  if (f.size > 16 * 1024) throw new Error(`${f.name} is too large to be a key file.`);
  return f.text();
}

function ExportPanel({ k }: { k: KeyInfo }) {
  const [copied, setCopied] = useState(false);
  const act = useAction();
  const fileBase = k.name.replace(/[^A-Za-z0-9._-]+/g, '-');
  return (
    <div className="export" aria-label={`Export ${k.name}`}>
      <h4>Public key of {k.name}</h4>
      <p>Fingerprint <span className="mono">{k.fingerprint}</span></p>
      <textarea readOnly aria-label="Public key PEM" value={k.publicKeyPem} rows={5} cols={70} className="mono" />
      <div className="buttons">
        <button type="button" onClick={() => void copyText(k.publicKeyPem).then(() => setCopied(true), (e: unknown) => act.setError((e as Error).message))}>Copy PEM</button>
        <button type="button" onClick={() => saveFile(`${fileBase}.pub`, k.publicKeyPem)}>Save public key file</button>
        {copied && <span role="status">Copied.</span>}
      </div>
      <ErrorBox error={act.error} />
      <h4>Admission policy trusting this key only</h4>
      <PolicyForm keys={[k.name]} />
    </div>
  );
}

function MyKeys() {
  const keys = useLoad(() => call('keys.list', {}));
  const [name, setName] = useState('');
  const [alg, setAlg] = useState<'ed25519' | 'ecdsa-p256'>('ecdsa-p256');
  const [importName, setImportName] = useState('');
  const [importPw, setImportPw] = useState('');
  const [importFile, setImportFile] = useState<File | undefined>();
  const [renaming, setRenaming] = useState<{ key: string; to: string } | null>(null);
  const [deleting, setDeleting] = useState<{ key: KeyInfo; typed: string } | null>(null);
  const [exporting, setExporting] = useState<string | null>(null);
  const act = useAction();
  const done = () => keys.reload();
  return (
    <section aria-label="My keys">
      <h2>My keys</h2>
      <p className="hint">Private keys stay in the OS keychain; Signet shows and exports only public keys.</p>
      <ErrorBox error={keys.error} />
      {keys.data?.length === 0 && <Empty>No keys yet: generate one below (ECDSA P-256 works with every admission controller), or import a cosign key file.</Empty>}
      {keys.data && keys.data.length > 0 && (
        <table className="keys">
          <thead><tr><th>Name</th><th>Algorithm</th><th>Fingerprint</th><th>Created</th><th>Actions</th></tr></thead>
          <tbody>
            {keys.data.map((k) => (
              <tr key={k.id}>
                <td>{renaming?.key === k.name ? (
                  <form onSubmit={(e) => { e.preventDefault(); void act.run('Renaming…', async () => { await call('keys.rename', { name: k.name, newName: renaming.to.trim() }); setRenaming(null); done(); }); }}>
                    <label>New name<input value={renaming.to} onChange={(e) => setRenaming({ key: k.name, to: e.target.value })} autoFocus /></label>
                    <button type="submit">Save</button><button type="button" onClick={() => setRenaming(null)}>Cancel</button>
                  </form>) : k.name}{k.inKeychain === false && <span className="warn"> (missing from the keychain)</span>}</td>
                <td>{k.algorithm}</td>
                <td className="mono">{k.fingerprint}</td>
                <td>{k.created.slice(0, 10)}</td>
                <td className="actions">
                  <button type="button" onClick={() => setExporting(exporting === k.name ? null : k.name)} aria-label={`Export ${k.name}`}>Export…</button>
                  <button type="button" onClick={() => setRenaming({ key: k.name, to: k.name })} aria-label={`Rename ${k.name}`}>Rename</button>
                  <button type="button" className="danger" onClick={() => setDeleting({ key: k, typed: '' })} aria-label={`Delete ${k.name}`}>Delete…</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {deleting && (
        <ConfirmDialog title={`Delete ${deleting.key.name}?`} confirmLabel="Delete for good" confirmDisabled={deleting.typed.trim() === ''} onClose={() => setDeleting(null)}
          onConfirm={async () => { await call('keys.delete', { name: deleting.key.name, fingerprint: deleting.typed.trim() }); done(); }}>
          <p>Deleting <strong>{deleting.key.name}</strong> destroys its private key in the OS keychain for good: nothing can sign with it again. Type its fingerprint to confirm:</p>
          <p className="mono">{deleting.key.fingerprint}</p>
          <label>Fingerprint<input value={deleting.typed} onChange={(e) => setDeleting({ ...deleting, typed: e.target.value })} autoComplete="off" /></label>
          <Impact change="keys.delete" name={deleting.key.name} />
        </ConfirmDialog>
      )}
      {exporting && keys.data?.find((k) => k.name === exporting) && <ExportPanel k={keys.data.find((k) => k.name === exporting)!} />}
      <div className="forms">
        <form onSubmit={(e) => { e.preventDefault(); void act.run('Generating the key in the keychain…', async () => { await call('keys.generate', { name: name.trim(), algorithm: alg }); setName(''); done(); }); }}>
          <h3>Generate a key</h3>
          <label>Key name<input value={name} onChange={(e) => setName(e.target.value)} required /></label>
          <label>Algorithm
            <select value={alg} onChange={(e) => setAlg(e.target.value as 'ed25519' | 'ecdsa-p256')}>
              <option value="ecdsa-p256">ECDSA P-256 (widest support)</option>
              <option value="ed25519">Ed25519</option>
            </select>
          </label>
          <button type="submit">Generate key</button>
        </form>
        <form onSubmit={(e) => { e.preventDefault(); void act.run('Importing…', async () => { const pem = await readFileText(importFile); await call('keys.import', { name: importName.trim(), pem, password: importPw }); setImportName(''); setImportPw(''); done(); }); }}>
          <h3>Import a cosign key</h3>
          <label>cosign.key file<input type="file" accept=".key,.pem" onChange={(e) => setImportFile(e.target.files?.[0])} /></label>
          <label>Name<input value={importName} onChange={(e) => setImportName(e.target.value)} required /></label>
          <label>Password<input type="password" value={importPw} onChange={(e) => setImportPw(e.target.value)} required /></label>
          <button type="submit">Import key</button>
        </form>
      </div>
      <Busy text={act.busy} />
      <ErrorBox error={act.error} />
    </section>
  );
}

type TrustChange = { kind: 'revoke' | 'restore' | 'remove'; t: TrustInfo };

const TRUST_CHANGE = {
  revoke: { title: (n: string) => `Revoke ${n}?`, confirm: (n: string) => `Revoke ${n}`, tone: 'danger', says: (n: string) => `${n}'s key stays listed, marked revoked: images signed only by it show revoked. You can restore it later.` },
  restore: { title: (n: string) => `Restore ${n}?`, confirm: (n: string) => `Restore ${n}`, tone: 'primary', says: (n: string) => `${n}'s key is trusted again: images it signed verify again. Restore it only if the key was not compromised.` },
  remove: { title: (n: string) => `Remove ${n}?`, confirm: (n: string) => `Remove ${n}`, tone: 'danger', says: (n: string) => `Signet forgets ${n}'s key: images signed only by it show "signed by an unknown key". Revoking instead keeps a record and can be taken back.` },
} as const;

function Teammates() {
  const trust = useLoad(() => call('trust.list', {}));
  const [name, setName] = useState('');
  const [pem, setPem] = useState('');
  const [preview, setPreview] = useState<{ algorithm: string; fingerprint: string } | null>(null);
  const [changing, setChanging] = useState<TrustChange | null>(null);
  const act = useAction();
  const reset = () => { setName(''); setPem(''); setPreview(null); trust.reload(); };
  const change = changing ? TRUST_CHANGE[changing.kind] : null;
  return (
    <section aria-label="Teammates">
      <h2>Teammates</h2>
      <p className="hint">Images signed by a teammate's key show as "verified by" their name.</p>
      <ErrorBox error={trust.error} />
      {trust.data?.length === 0 && <Empty>No teammates yet: add their public key (their cosign.pub) below.</Empty>}
      {trust.data && trust.data.length > 0 && (
        <table className="keys">
          <thead><tr><th>Name</th><th>Algorithm</th><th>Fingerprint</th><th>Status</th><th>Actions</th></tr></thead>
          <tbody>
            {trust.data.map((t: TrustInfo) => (
              <tr key={t.fingerprint} className={t.revokedAt ? 'revoked' : undefined}>
                <td>{t.name}</td><td>{t.algorithm}</td><td className="mono">{t.fingerprint}</td>
                <td>{t.revokedAt ? <span className="status-revoked">⊘ revoked {t.revokedAt.slice(0, 10)}</span> : `trusted since ${t.added.slice(0, 10)}`}</td>
                <td className="actions">
                  {t.revokedAt
                    ? <button type="button" onClick={() => setChanging({ kind: 'restore', t })} aria-label={`Restore ${t.name}`}>Restore…</button>
                    : <button type="button" onClick={() => setChanging({ kind: 'revoke', t })} aria-label={`Revoke ${t.name}`}>Revoke…</button>}
                  <button type="button" className="danger" onClick={() => setChanging({ kind: 'remove', t })} aria-label={`Remove ${t.name}`}>Remove…</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {changing && change && (
        <ConfirmDialog title={change.title(changing.t.name)} confirmLabel={change.confirm(changing.t.name)} tone={change.tone} onClose={() => setChanging(null)}
          onConfirm={async () => { await call(`trust.${changing.kind}`, { name: changing.t.name }); trust.reload(); }}>
          <p>{change.says(changing.t.name)}</p>
          <p className="small">Fingerprint <span className="mono">{changing.t.fingerprint}</span></p>
          <Impact change={`trust.${changing.kind}`} name={changing.t.name} />
        </ConfirmDialog>
      )}
      <form className="add-teammate" onSubmit={(e) => {
        e.preventDefault();
        if (!preview) void act.run('Reading the key…', async () => setPreview(await call('trust.preview', { pem })));
        else void act.run('Adding…', async () => { await call('trust.add', { name: name.trim(), pem }); reset(); });
      }}>
        <h3>Add a teammate</h3>
        <label>Teammate's name<input value={name} onChange={(e) => setName(e.target.value)} required /></label>
        <label>Public key file<input type="file" accept=".pub,.pem" onChange={(e) => void act.run('Reading…', async () => { setPem(await readFileText(e.target.files?.[0])); setPreview(null); })} /></label>
        <label>or paste the public key (PEM)<textarea value={pem} onChange={(e) => { setPem(e.target.value); setPreview(null); }} rows={5} cols={70} className="mono" /></label>
        {preview && (
          <div className="confirm" role="status">
            <p>{preview.algorithm} key, fingerprint <span className="mono" data-testid="teammate-fingerprint">{preview.fingerprint}</span>.</p>
            <p>Check this fingerprint with {name || 'your teammate'} over another channel before trusting it.</p>
          </div>
        )}
        <button type="submit" disabled={pem.trim() === '' || name.trim() === ''}>{preview ? 'Fingerprint matches: trust this key' : 'Check fingerprint'}</button>
        {preview && <button type="button" onClick={() => setPreview(null)}>Cancel</button>}
      </form>
      <Busy text={act.busy} />
      <ErrorBox error={act.error} />
    </section>
  );
}

/** The policy a team deploys: every own key and every teammate not revoked, in any format. */
function TeamPolicy() {
  return (
    <section aria-label="Team policy" className="team-policy">
      <h2>Team admission policy</h2>
      <p className="hint">Trusts your own keys and every teammate who is not revoked, for the images it covers. Start in audit mode to see what would be refused.</p>
      <PolicyForm keys={[]} />
    </section>
  );
}

export function KeysScreen() {
  return <div className="keys-screen"><MyKeys /><Teammates /><TeamPolicy /></div>;
}
