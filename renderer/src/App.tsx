import { useEffect, useRef, useState } from 'react';
import { hasToken } from './api.js';
import { ImagesScreen } from './Images.js';
import { SignScreen } from './Sign.js';
import { KeysScreen } from './Keys.js';
import { RegistriesScreen } from './Registries.js';
import { ActivityScreen } from './Activity.js';
import { SetupChecklist } from './SetupChecklist.js';

type Screen = 'images' | 'sign' | 'keys' | 'registries' | 'activity';
const SCREENS: Array<{ id: Screen; label: string }> = [
  { id: 'images', label: 'Images' }, { id: 'sign', label: 'Sign' }, { id: 'keys', label: 'Keys & teammates' },
  { id: 'registries', label: 'Registries' }, { id: 'activity', label: 'Activity' },
];

export function App() {
  const [screen, setScreen] = useState<Screen>('images');
  const [signImage, setSignImage] = useState('');
  // Bumped when signing is done: the Images screen checks its source again to show the signature
  // (and puts the keyboard focus back on the row signing started from).
  const [signed, setSigned] = useState(0);
  const mainRef = useRef<HTMLElement>(null);
  // A screen opened by an action (not a tab) takes the focus, so the keyboard goes on from there.
  const focusMain = useRef(false);
  const goTo = (s: Screen) => { focusMain.current = true; setScreen(s); };
  useEffect(() => { if (focusMain.current) { focusMain.current = false; mainRef.current?.focus(); } }, [screen]);
  if (!hasToken()) {
    return <main className="no-token"><h1>Signet</h1><p role="alert">This page needs the address Signet printed when it started (it ends with #token=…). Open that address.</p></main>;
  }
  return (
    <div className="app">
      <header>
        <h1><img src="./favicon.svg" alt="" />Signet</h1>
        <nav aria-label="Screens">
          {SCREENS.map((s) => (
            <button key={s.id} type="button" className={s.id === screen ? 'tab current' : 'tab'} aria-current={s.id === screen ? 'page' : undefined} onClick={() => setScreen(s.id)}>{s.label}</button>
          ))}
        </nav>
      </header>
      <main ref={mainRef} tabIndex={-1}>
        <SetupChecklist screen={screen} onGo={setScreen} />
        {/* Images stays mounted: its checks, filters, sorting and open detail outlive a visit to another screen. */}
        <ImagesScreen active={screen === 'images'} recheck={signed} onSign={(img) => { setSignImage(img); goTo('sign'); }} />
        {screen === 'sign' && <SignScreen initialImage={signImage} onDone={() => { setSigned((n) => n + 1); setScreen('images'); }} />}
        {screen === 'keys' && <KeysScreen />}
        {screen === 'registries' && <RegistriesScreen />}
        {screen === 'activity' && <ActivityScreen />}
      </main>
    </div>
  );
}
