// A registry that dies in the middle of a check, in Debian Chromium against the web host: the real
// registry process is stopped while half of the manifests are still being fetched (a loopback
// proxy holds them until then; after that it only passes requests on, to a registry that is gone).
// Every row stays listed; the rows it could not check say so, and a banner says how many and why.
// Checked again with the registry still gone, the whole check fails: the rows of the last check
// stay, under a banner that says the check failed and how old the rows are.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { pushImageWithConfig } from '../helpers/push.js';
import { makeTempDir } from '../helpers/tmp.js';
import { chromiumMissing } from './chromium.js';
import { openDesktop, type Desktop } from './web-host-process.js';
import { ImagesPage } from './pages.js';
import { screenshot } from './screenshots.js';

const REPO = 'down/app';
const IMAGES = 12;
const HELD = new Set(['v6', 'v7', 'v8', 'v9', 'v10', 'v11']);
/** Retries against a registry that is gone take their backoff before each image gives up. */
const GIVE_UP_MS = 120_000;

describe('a registry that dies mid-check: rows kept, a banner says how many could not be checked and why', { skip: chromiumMissing() ?? false }, () => {
  /** The registry, the proxy in front of it, and the desktop (web host and Chromium) on the proxy. */
  let world: { reg: TestRegistry; proxy: FaultProxy; desktop: Desktop } | undefined;
  let release: () => void = () => undefined;

  before(async () => {
    const [reg, dir] = await Promise.all([startRegistry(), makeTempDir()]);
    const proxy = await startFaultProxy(reg.url);
    for (let i = 0; i < IMAGES; i++) await pushImageWithConfig(reg, REPO, `v${i}`, { os: 'linux', architecture: 'amd64', rootfs: { type: 'layers', diff_ids: [] }, config: { Labels: { i: String(i) } } });
    world = { reg, proxy, desktop: await openDesktop({ SIGNET_HOME: join(dir, 'home'), DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' }) };
  });
  after(async () => {
    release();
    await world?.desktop.close();
    await world?.proxy.stop();
    await world?.reg.stop();
  });

  test('stopped mid-check, then down for the next check', { timeout: 4 * GIVE_UP_MS }, async () => {
    const { reg, proxy, desktop: { page, host } } = world!;
    const images = new ImagesPage(page);
    const label = `${proxy.host}/${REPO}`;
    await page.goto(host.url);
    await images.addSource('Registry repository', label);
    await images.count().filter({ hasText: new RegExp(`^${IMAGES} of ${IMAGES} images$`) }).waitFor();
    assert.equal(await images.chipCount('unsigned'), IMAGES);
    assert.equal(await images.banner().count(), 0, 'no banner while every check succeeds');

    // Checked again: half the manifests are held until the registry is gone.
    const released = new Promise<void>((r) => { release = r; });
    proxy.setHandler(async (req) => {
      const tag = /^\/v2\/down\/app\/manifests\/(v\d+)$/.exec(req.path)?.[1];
      if (req.method === 'GET' && tag !== undefined && HELD.has(tag)) await released;
      return { kind: 'pass' };
    });
    await images.refresh();
    await images.chip('checking').filter({ hasText: String(HELD.size) }).waitFor();
    await images.chip('unsigned').filter({ hasText: String(IMAGES - HELD.size) }).waitFor();
    await reg.stop();
    release();

    await images.count().filter({ hasText: new RegExp(`^${IMAGES} of ${IMAGES} images$`) }).waitFor({ timeout: GIVE_UP_MS });
    assert.equal(await images.chipCount('could not check'), HELD.size);
    assert.equal(await images.chipCount('unsigned'), IMAGES - HELD.size);
    assert.equal((await images.references()).length, IMAGES, 'every row is still listed');
    const banner = images.banner();
    assert.equal(await banner.getAttribute('role'), 'alert');
    const text = (await banner.innerText()).replace(/\s+/g, ' ');
    assert.match(text, new RegExp(`${HELD.size} of ${IMAGES} images could not be checked`));
    assert.match(text, /502|not answering|connection|registry/i, `the reason, in words: ${text}`);
    // One cause given for six images is one reason, with its count (not six lines naming six paths).
    const reasons = await banner.getByRole('listitem').allInnerTexts();
    assert.ok(reasons.length < HELD.size, `grouped: ${reasons.join(' | ')}`);
    const counted = reasons.map((r) => Number(/\((\d+)\)$/.exec(r.trim())?.[1] ?? 1)).reduce((a, b) => a + b, 0);
    assert.equal(counted, HELD.size, reasons.join(' | '));
    for (const tag of HELD) assert.match((await images.badge(`${label}:${tag}`).textContent()) ?? '', /could not check/);
    assert.equal(await images.sourceCounts(label), `${IMAGES} images, ${HELD.size} could not be checked`);
    await screenshot(page, 'images-registry-down');

    // The registry is still gone: the whole check fails, and the last check's rows stay.
    await images.refresh();
    await banner.filter({ hasText: 'This source could not be checked' }).waitFor({ timeout: GIVE_UP_MS });
    assert.match((await banner.innerText()).replace(/\s+/g, ' '), /The rows below are from the last check that completed, just now/);
    assert.equal(await images.count().textContent(), `${IMAGES} of ${IMAGES} images`);
    assert.equal((await images.references()).length, IMAGES);
    assert.equal(await images.chipCount('unsigned'), IMAGES - HELD.size);
  });
});
