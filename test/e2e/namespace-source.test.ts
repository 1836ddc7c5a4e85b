// The Images screen's Add source form with the namespace kind, in Debian Chromium against the web
// host process and a real registry holding team/a, team/b and teamx/c: typing `HOST/team/` (the
// trailing slash is dropped) lists team/a's and team/b's images, not teamx/c's; a namespace
// without a registry host is refused in words next to the form.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { pushRandomImage } from '../helpers/push.js';
import { makeTempDir } from '../helpers/tmp.js';
import { chromiumMissing } from './chromium.js';
import { openDesktop, type Desktop, type WebHostProcess } from './web-host-process.js';
import { ImagesPage } from './pages.js';

const NAMESPACE = 'Registry namespace (every repository under a prefix)';

describe('a namespace source in the Images screen', { skip: chromiumMissing() ?? false }, () => {
  let reg: TestRegistry;
  let host: WebHostProcess;
  let desktop: Desktop;
  let page: Page;

  before(async () => {
    let dir: string;
    [reg, dir] = await Promise.all([startRegistry(), makeTempDir()]);
    for (const repo of ['team/a', 'team/b', 'teamx/c']) await pushRandomImage(reg, repo, 'v1');
    // No keys and no stored registries: nothing here needs the OS keychain.
    desktop = await openDesktop({ SIGNET_HOME: join(dir, 'home') });
    ({ host, page } = desktop);
  });
  after(async () => {
    await desktop?.close();
    await reg?.stop();
  });

  test('HOST/team/ lists every image under team/ and nothing beside it; a bare name is refused in words', async () => {
    const images = new ImagesPage(page);
    await page.goto(host.url);
    await images.addSource(NAMESPACE, 'team');
    await page.locator('form.add-source').getByRole('alert').filter({ hasText: 'must start with a registry host' }).waitFor();

    await images.addSource(NAMESPACE, `${reg.host}/team/`);
    await page.getByRole('navigation', { name: 'Sources' }).getByRole('button', { name: `Every repository under ${reg.host}/team/`, exact: true }).waitFor();
    for (const image of [`${reg.host}/team/a:v1`, `${reg.host}/team/b:v1`]) await images.badge(image).filter({ hasText: 'unsigned' }).waitFor();
    assert.equal(await images.row(`${reg.host}/teamx/c:v1`).count(), 0, 'teamx/c is not under team/');
  });
});
