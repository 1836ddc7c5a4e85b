/**
 * The BrowserWindow options of the Electron app (ARCHITECTURE §5), as a pure function so a unit
 * test can assert them without Electron: the renderer gets no Node, runs sandboxed and isolated
 * from the preload, and can reach the host only through the preload's `window.signet`.
 */
export interface SignetWindowOptions {
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  title: string;
  /** The app icon (a PNG) for the window and the taskbar; packages carry their own (build/icons). */
  icon?: string;
  show: boolean;
  backgroundColor: string;
  autoHideMenuBar: boolean;
  webPreferences: {
    preload: string;
    contextIsolation: true;
    sandbox: true;
    nodeIntegration: false;
    nodeIntegrationInWorker: false;
    nodeIntegrationInSubFrames: false;
    webSecurity: true;
    allowRunningInsecureContent: false;
    webviewTag: false;
    experimentalFeatures: false;
    enableBlinkFeatures: '';
    navigateOnDragDrop: false;
    spellcheck: false;
    devTools: boolean;
  };
}

export function windowOptions(preloadPath: string, opts: { devTools?: boolean; icon?: string; dark?: boolean } = {}): SignetWindowOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    title: 'Signet',
    ...(opts.icon ? { icon: opts.icon } : {}),
    show: false,
    // The page's --bg in the theme the system asks for (renderer/src/styles.css), so the window
    // does not flash light before a dark page paints.
    backgroundColor: opts.dark ? '#14181d' : '#f6f7f9',
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      enableBlinkFeatures: '',
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: opts.devTools ?? false,
    },
  };
}

/** The channel names shared by main and preload. */
export const IPC_CALL = 'signet:call';
export const IPC_PROGRESS = 'signet:progress';

/** Only the app's own page may call the API: the renderer's index.html under dist/renderer. */
export function isTrustedSender(frameUrl: string | undefined, rendererIndexUrl: string): boolean {
  if (!frameUrl) return false;
  try {
    const u = new URL(frameUrl);
    const r = new URL(rendererIndexUrl);
    return u.protocol === 'file:' && u.pathname === r.pathname;
  } catch {
    return false;
  }
}
