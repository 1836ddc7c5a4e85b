/**
 * Electron main: a thin host over the engine (api-handlers' dispatch, the same table the web host
 * uses), with the security settings of ARCHITECTURE §5: contextIsolation, sandbox, no Node in the
 * renderer, a strict CSP, navigation and new windows denied, permissions denied, the sender of
 * every call checked and every argument validated. Never imported by tests (Electron only).
 */
import { app, BrowserWindow, ipcMain, nativeTheme, session, shell } from 'electron';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { resolveDataDir } from '../engine/data-dir.js';
import { dispatch, type HostContext } from './api-handlers.js';
import { CSP } from './web-host.js';
import { IPC_CALL, IPC_PROGRESS, isTrustedSender, windowOptions } from './window-options.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..', '..');
const rendererIndex = join(repoRoot, 'dist', 'renderer', 'index.html');
const rendererUrl = pathToFileURL(rendererIndex).href;
/** Rendered from build/icon.svg (scripts/render-icons.mjs) into renderer/public, which Vite copies here. */
const windowIcon = join(repoRoot, 'dist', 'renderer', 'icon.png');

let win: BrowserWindow | null = null;

app.enableSandbox();

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-navigate', (e) => e.preventDefault());
  contents.on('will-redirect', (e) => e.preventDefault());
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (/^https:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
});

function createWindow(): void {
  win = new BrowserWindow(windowOptions(join(here, 'preload.cjs'), { devTools: !app.isPackaged && process.env.SIGNET_DEVTOOLS === '1', icon: windowIcon, dark: nativeTheme.shouldUseDarkColors }));
  win.once('ready-to-show', () => win?.show());
  win.on('closed', () => { win = null; });
  void win.loadFile(rendererIndex);
}

void app.whenReady().then(() => {
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.webRequest.onHeadersReceived((details, cb) => {
    cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  const ctx: HostContext = {
    dataDir: resolveDataDir(process.env),
    progress: (e) => win?.webContents.send(IPC_PROGRESS, e),
  };
  ipcMain.handle(IPC_CALL, async (event, name: unknown, args: unknown) => {
    if (!win || event.sender !== win.webContents || !isTrustedSender(event.senderFrame?.url, rendererUrl)) {
      return { ok: false, error: { code: 'REFUSED', message: 'Calls are accepted only from Signet\'s own window.' } };
    }
    return dispatch(typeof name === 'string' ? name : '', args, ctx);
  });
  createWindow();
});

app.on('window-all-closed', () => app.quit());
