// "Add as teammate…" from a signature no trusted key made: a modal dialog (components/Dialog.tsx,
// React Aria's: focus moves in, stays in, Escape closes, focus returns to the button) that takes the teammate's public key
// (pasted or from a file), shows its fingerprint and whether it is the one the signature claims,
// and trusts it with trust.add. The caller checks the source again afterwards.
import { useEffect, useState } from 'react';
import { Dialog } from './components/Dialog.js';
import { printable } from '../../shared/printable.js';
import { call } from './api.js';
import { ErrorBox, useAction } from './common.js';

/** The most a public key file can sensibly be (the API refuses PEMs over 16 KiB too). */
const MAX_KEY_FILE = 16 * 1024;

function TeammateForm({ claimed, close, onAdded, onBusy }: { claimed: string | undefined; close: () => void; onAdded: (name: string) => void; onBusy: (busy: boolean) => void }) {
  const [name, setName] = useState('');
  const [pem, setPem] = useState('');
  const [preview, setPreview] = useState<{ algorithm: string; fingerprint: string } | null>(null);
  const act = useAction();
  // While a key is read or added, Escape and a click outside leave the dialog open.
  useEffect(() => onBusy(act.busy !== null), [act.busy, onBusy]);
  const matches = preview !== null && claimed !== undefined && preview.fingerprint === claimed;
  const mismatch = preview !== null && claimed !== undefined && !matches;
  const setKey = (text: string) => { setPem(text); setPreview(null); };

  return (
    <form onSubmit={(e) => {
      e.preventDefault();
      if (preview === null) {
        void act.run('Reading the key…', async () => setPreview(await call('trust.preview', { pem })));
        return;
      }
      void act.run('Adding…', async () => {
        const added = await call('trust.add', { name: name.trim(), pem });
        close();
        onAdded(added.name);
      });
    }}>
      <label>Teammate&apos;s name<input value={name} onChange={(e) => setName(e.target.value)} required maxLength={64} autoFocus /></label>
      <label>Public key file<input type="file" accept=".pub,.pem,text/plain" onChange={(e) => {
        const file = e.target.files?.[0];
        if (!file) return;
        if (file.size > MAX_KEY_FILE) { act.setError(`${file.name} is ${file.size} bytes: a public key file is a few hundred. Pick the .pub file your teammate sent.`); return; }
        void file.text().then(setKey, () => act.setError(`${file.name} could not be read.`));
      }} /></label>
      <label>or paste the public key (PEM)<textarea value={pem} onChange={(e) => setKey(e.target.value)} rows={5} cols={64} className="mono" placeholder="-----BEGIN PUBLIC KEY-----" /></label>
      {preview && (
        <div className={`fingerprint-check ${matches ? 'match' : mismatch ? 'mismatch' : ''}`} role="status">
          <p>{preview.algorithm} key, fingerprint <span className="mono" data-testid="dialog-fingerprint">{preview.fingerprint}</span></p>
          {matches && <p>✓ It is the key this signature claims. Check the fingerprint with your teammate (say it, or compare it in a channel you trust) before you add it.</p>}
          {mismatch && <p>✗ This is not the key this signature claims ({printable(claimed)}): adding it would not verify this image. Ask your teammate for the right key, or add this one on the Keys &amp; teammates screen if you trust it anyway.</p>}
          {claimed === undefined && <p>This signature does not say which key made it. Check the fingerprint with your teammate before you add it; the image is then checked against it.</p>}
        </div>
      )}
      <ErrorBox error={act.error} />
      <div className="buttons">
        <button type="button" onClick={close} disabled={act.busy !== null}>Cancel</button>
        {preview === null
          ? <button type="submit" className="primary" disabled={pem.trim() === '' || act.busy !== null}>Check fingerprint</button>
          : <button type="submit" className="primary" disabled={mismatch || name.trim() === '' || act.busy !== null}>Add teammate</button>}
      </div>
    </form>
  );
}

/** `claimed`: the fingerprint the signature's key hint claims, if it has one. */
export function AddTeammateDialog({ claimed, onAdded }: { claimed: string | undefined; onAdded: (name: string) => void }) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>Add as teammate…</button>
      {open && (
        <Dialog title="Add the signer as a teammate" onClose={() => setOpen(false)} busy={busy}>
          <p className="hint">Images signed with this key then show as verified by the name you give.</p>
          {claimed && <p>The signature claims the key <span className="mono" data-testid="claimed-fingerprint">{printable(claimed)}</span>.</p>}
          <TeammateForm claimed={claimed} close={() => setOpen(false)} onAdded={onAdded} onBusy={setBusy} />
        </Dialog>
      )}
    </>
  );
}
