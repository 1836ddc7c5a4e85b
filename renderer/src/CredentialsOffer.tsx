// "Add credentials" in place: where a source's registry wants credentials it does not have (or
// refused those it has), the error says so naming the registry (shared/credentials-hint.ts), and
// this offers the Registries form for that registry, in a dialog, without leaving the screen.
// The Images screen renders it beside a source's error; nothing else about that screen is here.
import { useState } from 'react';
import type { Source } from '../../shared/api.js';
import { registryNeedingCredentials } from '../../shared/credentials-hint.js';
import { Dialog } from './components/Dialog.js';
import { RegistryForm } from './RegistryForm.js';

/** The registry host of a registry or namespace source. */
function sourceHost(source: Source | null | undefined): string | null {
  return source && (source.kind === 'registry' || source.kind === 'namespace') ? source.location.split('/')[0]! : null;
}

/**
 * Offered only for the registry of `source` itself: the error's text comes partly from the
 * registry, and a registry's own words must not make Signet ask for another host's password.
 */
export function CredentialsOffer({ source, error, onSaved }: { source: Source | null | undefined; error: string | null | undefined; onSaved: () => void }) {
  const [open, setOpen] = useState(false);
  const host = registryNeedingCredentials(error ?? '');
  if (host === null || host !== sourceHost(source)) return null;
  return (
    <div className="credentials-offer">
      <button type="button" className="primary" onClick={() => setOpen(true)}>Add credentials for {host}…</button>
      {open && (
        <Dialog title={`Credentials for ${host}`} onClose={() => setOpen(false)}>
          <p className="hint">Signet tests them before it keeps them, then checks this source again.</p>
          <RegistryForm fixedHost={host} initialAuth="keychain" submitLabel="Save credentials" onCancel={() => setOpen(false)} onSaved={() => { setOpen(false); onSaved(); }} />
        </Dialog>
      )}
    </div>
  );
}
