// The Electron app end to end (Playwright's _electron): launches the real main process with a real
// keychain and registry and does the sign flow. Where no Electron binary is installed (npm install
// with ELECTRON_SKIP_BINARY_DOWNLOAD=1, or a machine that cannot download it) it reports itself
// skipped with that reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { _electron } from 'playwright-core';
import { electronBinary } from '../../electron/host/binary.js';
import { startRegistry } from '../helpers/registry.js';
import { pushFixtureImage } from '../helpers/push.js';
import { keychainToolsMissing, startKeyringSession } from '../helpers/keychain.js';
import { makeTempDir } from '../helpers/tmp.js';
import { repoRoot } from '../helpers/paths.js';
import { AppPage, ImagesPage, KeysPage, SignPage } from './pages.js';

test('Electron app: generate a key, add a source, sign an image, see it verified', async (t) => {
  const bin = electronBinary();
  if ('missing' in bin) return t.skip(`no Electron binary: ${bin.missing}`);
  const noKeychain = keychainToolsMissing();
  if (noKeychain) return t.skip(noKeychain);
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return t.skip('no display for Electron (run under xvfb-run)');
  const [reg, kc, dir] = await Promise.all([startRegistry(), startKeyringSession(), makeTempDir()]);
  const app = await _electron.launch({
    executablePath: bin.path,
    args: [join(repoRoot, 'dist', 'electron', 'host', 'main.js')],
    env: { ...process.env, ...kc.env, SIGNET_HOME: join(dir, 'home') } as Record<string, string>,
  });
  try {
    await pushFixtureImage(reg, 'team/app', 'v1');
    const page = await app.firstWindow();
    page.setDefaultTimeout(15_000);
    assert.equal(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require), 'undefined');
    assert.equal(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process), 'undefined');
    const nav = new AppPage(page);
    await nav.go('Keys & teammates');
    await new KeysPage(page).generate('Release Key');
    await nav.go('Images');
    const images = new ImagesPage(page);
    await images.addSource('Registry repository', `${reg.host}/team/app`);
    const image = `${reg.host}/team/app:v1`;
    await images.badge(image).filter({ hasText: 'unsigned' }).waitFor();
    await images.row(image).click();
    await images.detail().getByRole('button', { name: 'Sign this image…' }).click();
    const sign = new SignPage(page);
    await sign.review();
    const result = await sign.sign('Release Key');
    await result.getByText('verified by Release Key').waitFor();
  } finally {
    await app.close();
    await kc.stop();
    await reg.stop();
  }
});
