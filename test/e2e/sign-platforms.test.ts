// Choosing platforms in the Sign flow, in Debian Chromium against the web host, with a real
// registry and a real gnome-keyring: a two-platform index, each platform manifest also tagged so
// the Images screen lists it. Uncheck one platform, sign: the confirm button says what will be
// signed, the result shows the two read-back verdicts, and the Images screen shows the chosen
// platform verified and the unchecked one unsigned.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { pushIndexImage } from '../helpers/push.js';
import { keychainToolsMissing, startKeyringSession, type KeyringSession } from '../helpers/keychain.js';
import { makeTempDir } from '../helpers/tmp.js';
import { chromiumMissing } from './chromium.js';
import { screenshot } from './screenshots.js';
import { openDesktop, type Desktop, type WebHostProcess } from './web-host-process.js';
import { AppPage, ImagesPage, KeysPage, SignPage } from './pages.js';

// With SIGNET_SCREENSHOTS=1 the review with one platform unchecked goes to docs/screenshots/.

const missing = chromiumMissing() ?? keychainToolsMissing();

describe('desktop UI in Chromium: signing some platforms of an index', { skip: missing ?? false }, () => {
  let reg: TestRegistry;
  let kc: KeyringSession;
  let host: WebHostProcess;
  let desktop: Desktop;
  let page: Page;
  let pushed: Awaited<ReturnType<typeof pushIndexImage>>;

  before(async () => {
    let dir: string;
    [reg, kc, dir] = await Promise.all([startRegistry(), startKeyringSession(), makeTempDir()]);
    pushed = await pushIndexImage(reg, 'team/multi', 'v1', ['linux/amd64', 'linux/arm64/v8']);
    desktop = await openDesktop({ ...kc.env, SIGNET_HOME: join(dir, 'home') });
    ({ host, page } = desktop);
  });
  after(async () => {
    await desktop?.close();
    await kc?.stop();
    await reg?.stop();
  });

  test('uncheck one platform, sign: two read-back verdicts, and the unchecked platform stays unsigned', async () => {
    const app = new AppPage(page);
    const images = new ImagesPage(page);
    const sign = new SignPage(page);
    const [amd, arm] = pushed.children;
    const image = `${reg.host}/team/multi:v1`;
    const amdImage = `${reg.host}/team/multi:${amd!.tag}`;
    const armImage = `${reg.host}/team/multi:${arm!.tag}`;
    await page.goto(host.url);

    await app.go('Keys & teammates');
    await new KeysPage(page).generate('Release Key');
    await app.go('Images');
    await images.addSource('Registry repository', `${reg.host}/team/multi`);
    for (const i of [image, amdImage, armImage]) await images.badge(i).filter({ hasText: 'unsigned' }).waitFor();
    await images.row(image).click();
    await images.detail().getByRole('button', { name: 'Sign this image…' }).click();

    await sign.review();
    assert.match(await page.getByTestId('index-row').textContent() ?? '', /The index [0-9a-f]{12} is always signed: it is what the reference names/);
    for (const p of ['linux/amd64', 'linux/arm64/v8']) assert.equal(await sign.platform(p).isChecked(), true, `${p} is checked by default`);
    assert.equal(await sign.confirm().textContent(), 'Sign the index and all 2 platforms');
    // Unchecking every platform leaves the index alone; then choose arm64 back, by keyboard.
    await sign.platform('linux/amd64').uncheck();
    await sign.platform('linux/arm64/v8').uncheck();
    assert.equal(await sign.confirm().textContent(), 'Sign the index only');
    await sign.platform('linux/arm64/v8').focus();
    await page.keyboard.press('Space');
    assert.equal(await sign.platform('linux/arm64/v8').isChecked(), true);
    assert.equal(await sign.confirm().textContent(), 'Sign the index and 1 of 2 platforms');
    await screenshot(page, 'sign-review-platforms');

    const result = await sign.sign('Release Key', 'Sign the index and 1 of 2 platforms');
    const verdicts = result.getByRole('listitem');
    await verdicts.first().waitFor();
    assert.equal(await verdicts.count(), 2, 'one read-back verdict per signed manifest');
    assert.match(await verdicts.nth(0).textContent() ?? '', new RegExp(`^index ${pushed.index.slice(0, 19)}….*verified by Release Key`));
    assert.match(await verdicts.nth(1).textContent() ?? '', new RegExp(`^linux/arm64/v8 ${arm!.digest.slice(0, 19)}….*verified by Release Key`));
    assert.doesNotMatch(await result.textContent() ?? '', new RegExp(`linux/amd64|${amd!.digest.slice(7, 19)}`));

    await page.getByRole('button', { name: 'Back to images' }).click();
    await images.refresh();
    await images.badge(image).filter({ hasText: 'verified by Release Key' }).waitFor();
    await images.badge(armImage).filter({ hasText: 'verified by Release Key' }).waitFor();
    assert.equal(await images.badge(amdImage).textContent(), '○ unsigned', 'the unchecked platform is unsigned');
  });
});
