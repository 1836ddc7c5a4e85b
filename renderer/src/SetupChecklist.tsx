// The first-launch checklist: connect a registry, create or import a key, add teammates, add
// images. Each step's tick is read from the stores (setup.status) whenever the screen changes,
// never remembered; the list goes away once every step is done, or when dismissed (that choice
// is kept in the data dir).
import { useEffect, useState } from 'react';
import type { SetupStatusView } from '../../shared/api.js';
import { call, onDataChanged } from './api.js';
import { ErrorBox, useLoad } from './common.js';

export type SetupScreen = 'images' | 'keys' | 'registries';

const STEPS: Array<{ id: keyof Omit<SetupStatusView, 'dismissed'>; label: string; action: string; screen: SetupScreen }> = [
  { id: 'registries', label: 'Connect a registry', action: 'Open Registries', screen: 'registries' },
  { id: 'keys', label: 'Create or import a signing key', action: 'Open Keys', screen: 'keys' },
  { id: 'teammates', label: "Add your teammates' public keys", action: 'Open Teammates', screen: 'keys' },
  { id: 'sources', label: 'Add images to check', action: 'Open Images', screen: 'images' },
];

export function SetupChecklist({ screen, onGo }: { screen: string; onGo: (s: SetupScreen) => void }) {
  const status = useLoad(() => call('setup.status', {}), [screen]);
  // A step done on any screen (or in a dialog) ticks at once.
  const { reload } = status;
  // eslint-disable-next-line react-hooks/exhaustive-deps -- reload only bumps a counter: the first one serves
  useEffect(() => onDataChanged((name) => { if (name !== 'setup.dismiss') reload(); }), []);
  const [dismissError, setDismissError] = useState<string | null>(null);
  const [hidden, setHidden] = useState(false);
  const s = status.data;
  if (!s || s.dismissed || hidden) return null;
  const done = STEPS.filter((step) => s[step.id] > 0).length;
  if (done === STEPS.length) return null;
  return (
    <section className="setup" aria-labelledby="setup-title">
      <div className="setup-head">
        <h2 id="setup-title">Get started <span className="small">({done} of {STEPS.length} done)</span></h2>
        <button type="button" className="link" onClick={() => void call('setup.dismiss', {}).then(() => setHidden(true), (e: unknown) => setDismissError(String((e as Error).message ?? e)))}>Dismiss</button>
      </div>
      <ol className="setup-steps">
        {STEPS.map((step) => {
          const isDone = s[step.id] > 0;
          return (
            <li key={step.id} className={isDone ? 'done' : 'todo'} data-done={isDone}>
              <span aria-hidden="true" className="setup-mark">{isDone ? '✓' : '○'}</span>
              <span>{step.label}{isDone ? <span className="visually-hidden"> (done)</span> : ''}</span>
              {!isDone && <button type="button" className="link" onClick={() => onGo(step.screen)}>{step.action}</button>}
            </li>
          );
        })}
      </ol>
      <ErrorBox error={dismissError} />
    </section>
  );
}
