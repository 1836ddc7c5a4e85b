// Keyboard only, in Debian Chromium against the web host with a real registry and a real
// gnome-keyring: from the Images screen, reach the table with Tab (one Tab stop for all its rows),
// move with the arrow keys, Home/End and PageUp/PageDown, open an image with Enter, close it with
// Escape (the focus comes back to its row), open it again, start signing it and complete the
// signing, then come back to see it verified: no mouse from the page load to the verdict.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { pushImageWithConfig } from '../helpers/push.js';
import { keychainToolsMissing, startKeyringSession, type KeyringSession } from '../helpers/keychain.js';
import { runSignet } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/tmp.js';
import { SourceStore } from '../../electron/host/host-stores.js';
import { chromiumMissing } from './chromium.js';
import { openDesktop, type Desktop, type WebHostProcess } from './web-host-process.js';
import { ImagesPage, KeyboardUser } from './pages.js';
import { screenshot } from './screenshots.js';

const missing = chromiumMissing() ?? keychainToolsMissing();
const TAGS = ['v1', 'v2', 'v3', 'v4'];

describe('keyboard only: from the Images table to a signed image', { skip: missing ?? false }, () => {
  let reg: TestRegistry;
  let kc: KeyringSession;
  let host: WebHostProcess;
  let desktop: Desktop;
  let page: Page;

  before(async () => {
    let dir: string;
    [reg, kc, dir] = await Promise.all([startRegistry(), startKeyringSession(), makeTempDir()]);
    for (const tag of TAGS) await pushImageWithConfig(reg, 'team/app', tag, { os: 'linux', architecture: 'amd64', rootfs: { type: 'layers', diff_ids: [] }, config: { Labels: { tag } } });
    const env = { ...kc.env, SIGNET_HOME: join(dir, 'home') };
    const g = await runSignet(['keys', 'generate', 'Release Key', '--alg', 'ecdsa-p256'], { env });
    assert.equal(g.code, 0, g.stderr);
    await new SourceStore(env.SIGNET_HOME).add('registry', `${reg.host}/team/app`);
    desktop = await openDesktop(env);
    ({ host, page } = desktop);
  });
  after(async () => {
    await desktop?.close();
    await kc?.stop();
    await reg?.stop();
  });

  test('Tab into the table, arrows to a row, Enter, Escape, Enter, sign it, back to the verdict', async () => {
    const images = new ImagesPage(page);
    const kb = new KeyboardUser(page);
    const ref = (tag: string) => `${reg.host}/team/app:${tag}`;
    const selected = async () => (await images.table().locator('[role="row"][aria-selected="true"]').getAttribute('data-image')) ?? '';
    await page.goto(host.url);
    await images.count().filter({ hasText: /^4 of 4 images$/ }).waitFor();

    // One Tab stop for the table: the first row takes it; the next Tab leaves the table.
    await kb.tabTo(ref('v1'));
    assert.equal(await images.table().locator('[role="row"][tabindex="0"]').count(), 1, 'one row in the Tab order');
    await kb.press('ArrowDown');
    assert.equal(await kb.focusedName(), ref('v2'));
    assert.equal(await selected(), ref('v2'));
    await kb.press('End');
    assert.equal(await kb.focusedName(), ref('v4'));
    await kb.press('Home');
    assert.equal(await kb.focusedName(), ref('v1'));
    await kb.press('PageDown');
    assert.equal(await kb.focusedName(), ref('v4'), 'a page down from the first row of four is the last');
    await kb.press('PageUp', 'ArrowDown', 'ArrowDown');
    assert.equal(await kb.focusedName(), ref('v3'));

    // Enter opens the detail and gives it the focus; Escape closes it and gives the focus back.
    await kb.press('Enter');
    await images.detail().getByRole('heading', { name: ref('v3') }).waitFor();
    assert.equal(await kb.focused().evaluate((e) => e.tagName), 'H2');
    await kb.press('Escape');
    await images.detail().waitFor({ state: 'detached' });
    assert.equal(await kb.focusedName(), ref('v3'));

    // Open it again and sign it.
    await kb.press('Enter');
    await images.detail().getByRole('heading', { name: ref('v3') }).waitFor();
    await kb.tabTo('Sign this image…', { max: 10 });
    await kb.press('Enter');
    const region = page.getByRole('region', { name: 'Sign an image' });
    await region.waitFor();
    assert.equal(await region.getByLabel('Image to sign').inputValue(), ref('v3'));
    await kb.tabTo('Review what will be signed', { max: 5 });
    await kb.press('Enter');
    await page.getByTestId('plan-digest').waitFor();
    await kb.tabTo('Sign', { max: 15 });
    await kb.press('Enter');
    const result = page.locator('.result');
    await result.getByText('verified by Release Key').waitFor({ timeout: 30_000 });
    await kb.tabTo('Back to images', { max: 5 });
    await kb.press('Enter');
    await images.badge(ref('v3')).filter({ hasText: 'verified by Release Key' }).waitFor({ timeout: 30_000 });
    assert.equal(await kb.focusedName(), ref('v3'), 'the focus is back on the row signing started from');
    await screenshot(page, 'images-keyboard-signed');
    for (const tag of ['v1', 'v2', 'v4']) assert.equal((await images.badge(ref(tag)).textContent())?.trim(), '○ unsigned');
  });
});
