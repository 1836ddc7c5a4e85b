// Changes that are hard to take back, in Debian Chromium against the web host with a real
// registry and a real gnome-keyring:
//  - Revoke asks first, saying which images will show revoked (from the last listing), Cancel is
//    focused first and Escape changes nothing; confirmed, the image shows revoked; Restore asks
//    the same way and the image verifies again; Remove and Delete say what they would change;
//  - signing a digest again with a key that has already signed it is held until confirmed, and
//    signing with another key is not.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { pushFixtureImage } from '../helpers/push.js';
import { keychainToolsMissing, startKeyringSession, type KeyringSession } from '../helpers/keychain.js';
import { runSignet } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/tmp.js';
import { chromiumMissing } from './chromium.js';
import { openDesktop, type Desktop, type WebHostProcess } from './web-host-process.js';
import { AppPage, ImagesPage, KeysPage, RegistriesPage, SignPage } from './pages.js';

const missing = chromiumMissing() ?? keychainToolsMissing();

describe('safe changes in Chromium: revoke with confirmation and restore, delete and remove say their impact, re-sign warning', { skip: missing ?? false }, () => {
  let reg: TestRegistry;
  let kc: KeyringSession;
  let host: WebHostProcess;
  let desktop: Desktop;
  let page: Page;
  let dir: string;
  let alicePem: string;
  let app: AppPage;
  let images: ImagesPage;
  let keys: KeysPage;
  const aliceImage = () => `${reg.host}/team/alice:v1`;
  /** Checks Alice's image again on the Images screen, and waits for its badge to say `verdict`. */
  const aliceShows = async (verdict: string) => {
    await app.go('Images');
    await images.refresh();
    await images.badge(aliceImage()).filter({ hasText: verdict }).waitFor();
  };

  before(async () => {
    [reg, kc, dir] = await Promise.all([startRegistry(), startKeyringSession(), makeTempDir()]);
    await Promise.all([pushFixtureImage(reg, 'team/app', 'v1'), pushFixtureImage(reg, 'team/alice', 'v1')]);
    // Alice signs her image with her own key file; the desktop gets only her public key.
    const env = { SIGNET_HOME: join(dir, 'alice-home'), COSIGN_PASSWORD: 'alice-password', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' };
    for (const args of [['keys', 'generate-file', join(dir, 'alice'), '--alg', 'ecdsa-p256'], ['sign', aliceImage(), '--key', join(dir, 'alice.key')]]) {
      const r = await runSignet(args, { env });
      assert.equal(r.code, 0, r.stderr);
    }
    alicePem = await readFile(join(dir, 'alice.pub'), 'utf8');
    desktop = await openDesktop({ ...kc.env, SIGNET_HOME: join(dir, 'home') });
    ({ host, page } = desktop);
    [app, images, keys] = [new AppPage(page), new ImagesPage(page), new KeysPage(page)];
    await page.goto(host.url);
    await app.go('Registries');
    await new RegistriesPage(page).add(reg.host, 'none');
    await page.getByRole('row').filter({ hasText: reg.host }).getByText(/✓ Reached/).waitFor();
    await app.go('Keys & teammates');
    await keys.addTeammate('Alice', alicePem);
  });
  after(async () => {
    await desktop?.close();
    await kc?.stop();
    await reg?.stop();
  });

  test('before any listing, a revoke says it cannot know which images change', async () => {
    const confirm = await keys.changeTeammate('Revoke', 'Alice');
    assert.equal(await confirm.impact(), "No images have been checked since Signet started, so which images change is not known: images verified only by Alice's key will show revoked.");
    await confirm.cancel();
  });

  test('revoke asks with the impact; Escape and Cancel change nothing; confirmed, the image shows revoked', async () => {
    await app.go('Images');
    await images.addSource('Registry repository', `${reg.host}/team/alice`);
    await images.badge(aliceImage()).filter({ hasText: 'verified by Alice' }).waitFor();

    await app.go('Keys & teammates');
    let confirm = await keys.changeTeammate('Revoke', 'Alice');
    const impact = await confirm.impact();
    assert.match(impact, new RegExp(`^1 image will show revoked: ${aliceImage().replace(/[.]/g, '\\.')}\\. From the last check of 1 source \\(1 image, the oldest at .*\\)\\.$`));
    assert.equal(await confirm.root.getByRole('listitem').textContent(), `${aliceImage()}: verified → revoked`);
    assert.equal(await page.locator(':focus').textContent(), 'Cancel', 'the safe choice has focus');
    await page.keyboard.press('Escape');
    await confirm.root.waitFor({ state: 'detached' });
    assert.match(await keys.teammateRow('Alice').textContent() ?? '', /trusted since/, 'Escape changed nothing');

    confirm = await keys.changeTeammate('Revoke', 'Alice');
    await confirm.confirm('Revoke Alice');
    await keys.teammateRow('Alice').getByText(/⊘ revoked \d{4}-\d\d-\d\d/).waitFor();
    await keys.teammateRow('Alice').getByRole('button', { name: 'Restore Alice' }).waitFor();
    await aliceShows('revoked');
  });

  test('restore asks the same way; confirmed, the image verifies again', async () => {
    await app.go('Keys & teammates');
    const confirm = await keys.changeTeammate('Restore', 'Alice');
    assert.match(await confirm.impact(), new RegExp(`^1 image will show verified: ${aliceImage().replace(/[.]/g, '\\.')}\\.`));
    await confirm.confirm('Restore Alice');
    await keys.teammateRow('Alice').getByText(/trusted since/).waitFor();
    await aliceShows('verified by Alice');
  });

  test('remove and delete say what they would change before anything is done', async () => {
    await app.go('Keys & teammates');
    const remove = await keys.changeTeammate('Remove', 'Alice');
    assert.match(await remove.impact(), new RegExp(`^1 image will show signed by an unknown key: ${aliceImage().replace(/[.]/g, '\\.')}\\.`));
    await remove.cancel();
    assert.equal(await keys.teammateRow('Alice').count(), 1);

    await keys.generate('Scratch');
    const del = await keys.deleteKey('Scratch');
    assert.match(await del.impact(), /^No image changes: images verified only by your key Scratch will no longer show verified, and there are none\./);
    const button = del.root.getByRole('button', { name: 'Delete for good' });
    assert.equal(await button.isDisabled(), true, 'held until the fingerprint is typed');
    const fp = (await del.root.locator('p.mono').textContent()) ?? '';
    await del.root.getByLabel('Fingerprint').fill(fp);
    await del.confirm('Delete for good');
    await page.getByRole('region', { name: 'My keys' }).getByRole('cell', { name: 'Scratch', exact: true }).waitFor({ state: 'detached' });
  });

  test('signing a digest again with the key that signed it is held until confirmed; another key is not', async () => {
    const sign = new SignPage(page);
    await app.go('Keys & teammates');
    await keys.generate('Release Key');
    await keys.generate('Second Key');
    const image = `${reg.host}/team/app:v1`;

    await app.go('Sign');
    await page.getByLabel('Image to sign').fill(image);
    await sign.review();
    await page.getByLabel('Signing key').selectOption('Release Key');
    assert.equal(await sign.resignWarning().count(), 0, 'not signed yet: no warning');
    await (await sign.sign('Release Key')).getByText('verified by Release Key').waitFor();

    await page.getByRole('button', { name: 'Sign another' }).click();
    await page.getByLabel('Image to sign').fill(image);
    await sign.review();
    await page.getByLabel('Signing key').selectOption('Release Key');
    const warning = sign.resignWarning();
    await warning.waitFor();
    assert.match(await warning.textContent() ?? '', /^Release Key has already signed this digest \(on .+\), and that signature verifies\. Signing again adds another signature by the same key/);
    assert.equal(await sign.confirm().isDisabled(), true, 'held until confirmed');
    await page.getByLabel('Signing key').selectOption('Second Key');
    assert.equal(await warning.count(), 0, 'another key has not signed it');
    assert.equal(await sign.confirm().isDisabled(), false);
    await page.getByLabel('Signing key').selectOption('Release Key');
    await warning.getByLabel('Sign it again anyway').check();
    assert.equal(await sign.confirm().isDisabled(), false);
    const result = await sign.sign('Release Key');
    await result.getByText('verified by Release Key').waitFor();

    await page.getByRole('button', { name: 'Back to images' }).click();
    await images.addSource('Registry repository', `${reg.host}/team/app`);
    await images.row(image).click();
    await images.detail().getByRole('heading', { name: 'Signatures (2)' }).waitFor();
  });
});
