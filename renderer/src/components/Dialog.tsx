// A modal dialog on React Aria's primitives: focus moves into it when it opens and back to where
// it was when it closes, Tab stays inside, Escape and a click outside close it (not while work it
// started is running), and screen readers hear its title.
import type { ReactNode } from 'react';
import { Dialog as AriaDialog, Heading, Modal, ModalOverlay } from 'react-aria-components';

export interface DialogProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** `alertdialog` for a confirmation: announced at once, as it interrupts. */
  role?: 'dialog' | 'alertdialog';
  /** While true, Escape and a click outside leave the dialog open (work it started is running). */
  busy?: boolean;
}

export function Dialog({ title, onClose, children, role = 'dialog', busy = false }: DialogProps) {
  return (
    <ModalOverlay isOpen isDismissable={!busy} isKeyboardDismissDisabled={busy} onOpenChange={(open) => { if (!open && !busy) onClose(); }} className="modal-overlay">
      <Modal className="modal">
        <AriaDialog role={role} className="dialog">
          <Heading slot="title" className="dialog-title">{title}</Heading>
          {children}
        </AriaDialog>
      </Modal>
    </ModalOverlay>
  );
}
