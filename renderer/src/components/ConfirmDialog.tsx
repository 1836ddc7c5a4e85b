// A confirmation for a change that is hard to take back: what it will do (the impact) above two
// buttons, Cancel focused first, so Enter or Escape right away changes nothing. The change runs in
// the dialog; if it fails, the dialog stays open with the error.
import { useState, type ReactNode } from 'react';
import { Dialog } from './Dialog.js';
import { errorText } from '../api.js';
import { ErrorBox } from '../common.js';

export interface ConfirmDialogProps {
  title: string;
  /** What the change does, in words; the impact on images where it has one. */
  children: ReactNode;
  confirmLabel: string;
  /** Red for what destroys or distrusts; the primary colour for what restores. */
  tone?: 'danger' | 'primary';
  /** Held until something is typed back (a fingerprint) or chosen. */
  confirmDisabled?: boolean;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}

export function ConfirmDialog({ title, children, confirmLabel, tone = 'danger', confirmDisabled = false, onConfirm, onClose }: ConfirmDialogProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      setBusy(false);
      onClose();
    } catch (e) {
      setBusy(false);
      setError(errorText(e));
    }
  };
  return (
    <Dialog title={title} role="alertdialog" onClose={onClose} busy={busy}>
      <div className="dialog-body">{children}</div>
      <ErrorBox error={error} />
      <div className="buttons dialog-buttons">
        <button type="button" autoFocus onClick={onClose} disabled={busy}>Cancel</button>
        <button type="button" className={tone} disabled={busy || confirmDisabled} aria-busy={busy} onClick={() => void confirm()}>{busy ? 'Working…' : confirmLabel}</button>
      </div>
    </Dialog>
  );
}
