// Push-and-sign of a docker archive in the desktop UI, in Debian Chromium against the web host, with
// a real registry and a real gnome-keyring. The archive's row shows its platform and creation time
// (read from its config); the review shows the digest the push will create; the result is the
// verdict read back from the registry, at that digest, which the registry's own manifest bytes
// hash to. The pushed image then reads "verified by" the key's name on the Images screen.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { getManifest } from '../helpers/push.js';
import { writeArchive } from '../helpers/archive.js';
import { keychainToolsMissing, startKeyringSession, type KeyringSession } from '../helpers/keychain.js';
import { makeTempDir } from '../helpers/tmp.js';
import { chromiumMissing } from './chromium.js';
import { screenshot } from './screenshots.js';
import { openDesktop, type Desktop, type WebHostProcess } from './web-host-process.js';
import { AppPage, ImagesPage, KeysPage, SignPage } from './pages.js';

// With SIGNET_SCREENSHOTS=1 the push-and-sign review goes to docs/screenshots/.

const missing = chromiumMissing() ?? keychainToolsMissing();
const CREATED = '2025-04-05T06:07:08Z';

describe('desktop UI in Chromium: pushing and signing a docker archive', { skip: missing ?? false }, () => {
  let reg: TestRegistry;
  let kc: KeyringSession;
  let host: WebHostProcess;
  let desktop: Desktop;
  let page: Page;
  let archive: string;

  before(async () => {
    let dir: string;
    [reg, kc, dir] = await Promise.all([startRegistry(), startKeyringSession(), makeTempDir()]);
    archive = join(dir, 'app.tar');
    await writeArchive(archive, [{ tags: ['example.com/team/app:1.0'], config: { architecture: 'arm64', variant: 'v8', created: CREATED } }]);
    desktop = await openDesktop({ ...kc.env, SIGNET_HOME: join(dir, 'home') });
    ({ host, page } = desktop);
  });
  after(async () => {
    await desktop?.close();
    await kc?.stop();
    await reg?.stop();
  });

  test('the archive row shows its facts; review shows the digest to be pushed; push and sign; the read-back verdict is at that digest', async () => {
    const app = new AppPage(page);
    const images = new ImagesPage(page);
    const sign = new SignPage(page);
    const row = `docker-archive:${archive}:example.com/team/app:1.0`;
    const dest = `${reg.host}/team/app:1.0`;
    await page.goto(host.url);

    await app.go('Keys & teammates');
    await new KeysPage(page).generate('Release Key', 'ed25519');
    await app.go('Images');
    await images.addSource('Docker archive (.tar)', archive);
    await images.badge(row).filter({ hasText: 'unsigned' }).waitFor();
    const cellText = async (column: string) => {
      const cell = await images.cell(row, column);
      await cell.filter({ hasNotText: '…' }).waitFor();
      return (await cell.textContent())?.trim();
    };
    assert.equal(await cellText('Platforms'), 'linux/arm64/v8', 'read from the archive\'s config');
    assert.equal(await cellText('Created'), '2025-04-05 06:07 UTC');

    await images.row(row).click();
    await images.detail().getByRole('button', { name: 'Sign this image…' }).click();
    await sign.review();
    const reviewed = (await page.getByTestId('plan-digest').textContent())?.trim() ?? '';
    assert.match(reviewed, /^sha256:[0-9a-f]{64}$/, 'the digest the push will create is shown before anything is sent');
    assert.equal(await sign.confirm().textContent(), 'Push and sign');
    assert.equal(await sign.confirm().isDisabled(), true, 'no destination yet: nothing to confirm');
    await page.getByLabel('Push to (registry reference)').fill(dest);
    await page.getByLabel('Signing key').selectOption('Release Key');
    await screenshot(page, 'sign-push-review');

    const result = await sign.sign('Release Key', 'Push and sign');
    assert.match(await result.textContent() ?? '', new RegExp(`Pushed to ${dest.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} at ${reviewed}`));
    const verdicts = result.getByRole('listitem');
    assert.equal(await verdicts.count(), 1);
    assert.match(await verdicts.first().textContent() ?? '', new RegExp(`^image ${reviewed.slice(0, 19)}….*verified by Release Key`));
    // The registry serves, at the tag, manifest bytes that hash to the digest that was reviewed.
    const served = await getManifest(reg, 'team/app', '1.0');
    assert.equal(served.status, 200);
    assert.equal(`sha256:${createHash('sha256').update(served.body).digest('hex')}`, reviewed);

    await page.getByRole('button', { name: 'Back to images' }).click();
    await images.addSource('Registry repository', `${reg.host}/team/app`);
    await images.badge(dest).filter({ hasText: 'verified by Release Key' }).waitFor();
  });
});
