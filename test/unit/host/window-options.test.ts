// The Electron window's security settings (ARCHITECTURE §5), asserted without Electron; and main.ts
// and the preload checked at source level for the handlers that deny navigation, new windows and
// foreign senders, and for a preload that exposes only window.signet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isTrustedSender, windowOptions } from '../../../electron/host/window-options.js';
import { repoRoot } from '../../helpers/paths.js';

test('the window is isolated, sandboxed, without Node, with web security and no webviews', () => {
  const o = windowOptions('/app/dist/electron/host/preload.cjs');
  const w = o.webPreferences;
  assert.equal(w.contextIsolation, true);
  assert.equal(w.sandbox, true);
  assert.equal(w.nodeIntegration, false);
  assert.equal(w.nodeIntegrationInWorker, false);
  assert.equal(w.nodeIntegrationInSubFrames, false);
  assert.equal(w.webSecurity, true);
  assert.equal(w.allowRunningInsecureContent, false);
  assert.equal(w.webviewTag, false);
  assert.equal(w.experimentalFeatures, false);
  assert.equal(w.enableBlinkFeatures, '');
  assert.equal(w.navigateOnDragDrop, false);
  assert.equal(w.devTools, false);
  assert.equal(w.preload, '/app/dist/electron/host/preload.cjs');
  assert.equal(windowOptions('/p', { devTools: true }).webPreferences.devTools, true);
});

test('only the app\'s own page is a trusted sender', () => {
  const index = 'file:///app/dist/renderer/index.html';
  assert.equal(isTrustedSender('file:///app/dist/renderer/index.html', index), true);
  assert.equal(isTrustedSender('file:///app/dist/renderer/index.html#x', index), true);
  assert.equal(isTrustedSender('file:///tmp/evil.html', index), false);
  assert.equal(isTrustedSender('https://evil.example/app/dist/renderer/index.html', index), false);
  assert.equal(isTrustedSender(undefined, index), false);
  assert.equal(isTrustedSender('not a url', index), false);
});

test('main denies navigation, new windows, webviews and permissions, checks the sender and validates through dispatch', () => {
  const main = readFileSync(join(repoRoot, 'electron', 'host', 'main.ts'), 'utf8');
  for (const needle of ["'will-navigate', (e) => e.preventDefault()", "'will-attach-webview', (e) => e.preventDefault()", "action: 'deny'", 'setPermissionRequestHandler((_wc, _perm, cb) => cb(false))', 'event.sender !== win.webContents', 'isTrustedSender(', 'dispatch(', "'Content-Security-Policy': [CSP]", 'app.enableSandbox()', 'windowOptions(']) {
    assert.ok(main.includes(needle), `main.ts: ${needle}`);
  }
  const preload = readFileSync(join(repoRoot, 'electron', 'host', 'preload.cts'), 'utf8');
  assert.equal((preload.match(/exposeInMainWorld\(/g) ?? []).length, 1);
  assert.match(preload, /exposeInMainWorld\('signet'/);
  const renderer = readFileSync(join(repoRoot, 'renderer', 'index.html'), 'utf8');
  assert.match(renderer, /Content-Security-Policy" content="default-src 'self'; script-src 'self'/);
});

/** A PNG's width and height from its IHDR chunk (bytes 16–23), or null when it is not a PNG. */
function pngSize(bytes: Buffer): { width: number; height: number } | null {
  if (bytes.length < 24 || bytes.subarray(0, 8).toString('hex') !== '89504e470d0a1a0a' || bytes.subarray(12, 16).toString('latin1') !== 'IHDR') return null;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

test('the app icon: the window gets it, the packages and the page have it at the sizes their names say', () => {
  assert.equal(windowOptions('/p', { icon: '/app/dist/renderer/icon.png' }).icon, '/app/dist/renderer/icon.png');
  assert.equal('icon' in windowOptions('/p'), false);
  assert.notEqual(windowOptions('/p', { dark: true }).backgroundColor, windowOptions('/p').backgroundColor);
  const main = readFileSync(join(repoRoot, 'electron', 'host', 'main.ts'), 'utf8');
  assert.match(main, /icon: windowIcon/);
  assert.match(main, /join\(repoRoot, 'dist', 'renderer', 'icon\.png'\)/);
  assert.deepEqual(pngSize(readFileSync(join(repoRoot, 'renderer', 'public', 'icon.png'))), { width: 512, height: 512 });
  assert.deepEqual(pngSize(readFileSync(join(repoRoot, 'renderer', 'public', 'favicon-32.png'))), { width: 32, height: 32 });
  assert.match(readFileSync(join(repoRoot, 'renderer', 'public', 'favicon.svg'), 'utf8'), /^<svg /);
  assert.match(readFileSync(join(repoRoot, 'build', 'electron-builder.yml'), 'utf8'), /^ {2}icon: build\/icons$/m);
  for (const size of [16, 32, 48, 64, 128, 256, 512]) {
    assert.deepEqual(pngSize(readFileSync(join(repoRoot, 'build', 'icons', `${size}x${size}.png`))), { width: size, height: size }, `build/icons/${size}x${size}.png`);
  }
  const renderer = readFileSync(join(repoRoot, 'renderer', 'index.html'), 'utf8');
  assert.match(renderer, /<link rel="icon" type="image\/svg\+xml" href="\.\/favicon\.svg" \/>/);
});
