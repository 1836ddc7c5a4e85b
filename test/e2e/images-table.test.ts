// The Images table in Debian Chromium against the web host (started as `npm run start:web` is),
// with a real registry behind a fault proxy that holds the manifests of two tags:
//  - every row is listed at once, the held ones "checking…" (not a verdict) while the others
//    already have theirs, and the count says how many are still being checked; then they arrive;
//  - the Platforms and Created columns show an index's two platforms and a single image's os/arch
//    and `created`, read from what was pushed;
//  - an INVALID row whose signature claims a trusted teammate's key says "claims Alice", never
//    "Alice", and the detail panel says the claim did not verify.
// No keychain is needed: the teammate's key is trusted through the CLI's trust store.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { getManifest, pushFixtureImage, pushImageWithConfig, pushIndex, pushManifest, OCI_MANIFEST } from '../helpers/push.js';
import { runSignet } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/tmp.js';
import { chromiumMissing } from './chromium.js';
import { screenshot } from './screenshots.js';
import { openDesktop, type Desktop, type WebHostProcess } from './web-host-process.js';
import { ImagesPage } from './pages.js';

const REPO = 'team/app';
const CREATED = '2024-03-05T06:07:08Z';
const rootfs = { type: 'layers', diff_ids: [] };

describe('the Images table in Chromium: progressive rows, platforms and created, claimed signers', { skip: chromiumMissing() ?? false }, () => {
  let reg: TestRegistry;
  let proxy: FaultProxy;
  let host: WebHostProcess;
  let desktop: Desktop;
  let page: Page;
  let release: () => void = () => undefined;

  before(async () => {
    let dir: string;
    [reg, dir] = await Promise.all([startRegistry(), makeTempDir()]);
    proxy = await startFaultProxy(reg.url);
    const amd = await pushImageWithConfig(reg, REPO, undefined, { os: 'linux', architecture: 'amd64', rootfs });
    const arm = await pushImageWithConfig(reg, REPO, undefined, { os: 'linux', architecture: 'arm64', rootfs });
    await pushIndex(reg, REPO, 'multi', [{ ...amd, platform: { os: 'linux', architecture: 'amd64' } }, { ...arm, platform: { os: 'linux', architecture: 'arm64' } }]);
    await pushImageWithConfig(reg, REPO, 'single', { os: 'linux', architecture: 'arm64', variant: 'v8', created: CREATED, rootfs });
    await pushImageWithConfig(reg, REPO, 'slow-a', { os: 'linux', architecture: 'amd64', rootfs, config: { Labels: { tag: 'slow-a' } } });
    await pushImageWithConfig(reg, REPO, 'slow-b', { os: 'linux', architecture: 'amd64', rootfs, config: { Labels: { tag: 'slow-b' } } });

    // Alice signs her image with her key file; the user trusts her public key. Then the signature
    // is altered in the registry: it still names Alice's key in its hint, but no longer verifies.
    const home = join(dir, 'home');
    const env = { SIGNET_HOME: home, COSIGN_PASSWORD: 'alice-password', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' };
    const digest = await pushFixtureImage(reg, REPO, 'alice');
    for (const args of [
      ['keys', 'generate-file', join(dir, 'alice'), '--alg', 'ecdsa-p256'],
      ['sign', `${proxy.host}/${REPO}:alice`, '--key', join(dir, 'alice.key')],
      ['trust', 'add', join(dir, 'alice.pub'), '--name', 'Alice'],
    ]) {
      const r = await runSignet(args, { env });
      assert.equal(r.code, 0, `signet ${args.join(' ')}: ${r.stderr}`);
    }
    const sigTag = `${digest.replace(':', '-')}.sig`;
    const sig = await getManifest(reg, REPO, sigTag);
    const doc = JSON.parse(sig.body.toString('utf8')) as { layers: Array<{ annotations: Record<string, string> }> };
    const ann = doc.layers[0]!.annotations;
    assert.ok(ann['dev.signet/key-fingerprint'], 'Signet wrote its key hint');
    const bytes = Buffer.from(ann['dev.cosignproject.cosign/signature']!, 'base64');
    bytes[bytes.length - 5] = bytes[bytes.length - 5]! ^ 0x01;
    ann['dev.cosignproject.cosign/signature'] = bytes.toString('base64');
    await pushManifest(reg, REPO, sigTag, JSON.stringify(doc), sig.mediaType ?? OCI_MANIFEST);

    desktop = await openDesktop({ SIGNET_HOME: home, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' }, { viewport: { width: 1400, height: 800 } });
    ({ host, page } = desktop);
  });
  after(async () => {
    release();
    await desktop?.close();
    await proxy?.stop();
    await reg?.stop();
  });

  test('rows at once, verdicts as they are decided, facts after; a claimed key is shown as a claim', async () => {
    // The registry answers every request but the manifests of slow-a and slow-b, until released.
    const released = new Promise<void>((r) => { release = r; });
    proxy.setHandler(async (req) => {
      if (req.method === 'GET' && /\/manifests\/slow-[ab]$/.test(req.path)) await released;
      return { kind: 'pass' };
    });
    const images = new ImagesPage(page);
    const ref = (tag: string) => `${proxy.host}/${REPO}:${tag}`;
    await page.goto(host.url);
    await images.addSource('Registry repository', `${proxy.host}/${REPO}`);

    // Held: listed, "checking…", while the others already show their verdicts.
    await images.badge(ref('single')).filter({ hasText: 'unsigned' }).waitFor();
    await images.badge(ref('alice')).filter({ hasText: 'INVALID' }).waitFor();
    for (const tag of ['slow-a', 'slow-b']) {
      const badge = images.badge(ref(tag));
      assert.equal((await badge.textContent())?.trim(), '◷ checking…');
      assert.equal(await badge.getAttribute('data-verdict'), 'checking');
    }
    assert.equal(await images.count().textContent(), '5 of 5 images, 2 still being checked');
    await screenshot(page, 'images-checking');
    // A verdict filter leaves undecided rows out, and the count still says they are being checked.
    await images.filterVerdict('unsigned');
    await images.count().filter({ hasText: /^2 of 5 images, 2 still being checked$/ }).waitFor();
    await images.filterVerdict('checking');
    await images.count().filter({ hasText: /^2 of 5 images, 2 still being checked$/ }).waitFor();
    assert.equal(await images.row(ref('single')).count(), 0);
    await images.filterVerdict('All');

    // The claim: Alice's name only as what the signature claims.
    assert.equal((await (await images.cell(ref('alice'), 'Signer')).textContent())?.trim(), 'claims Alice');
    await images.row(ref('alice')).click();
    await images.detail().getByText('Claims Alice', { exact: true }).waitFor();
    await images.detail().getByText('This signature claims to be made with Alice\'s key, but it did not verify with that key.', { exact: false }).waitFor();
    assert.equal(await images.detail().getByText('Alice', { exact: true }).count(), 0, 'Alice is never named as the signer');

    release();
    await images.badge(ref('slow-a')).filter({ hasText: 'unsigned' }).waitFor();
    await images.badge(ref('slow-b')).filter({ hasText: 'unsigned' }).waitFor();
    await images.count().filter({ hasText: /^5 of 5 images$/ }).waitFor();

    // Platforms and created, from the index and from the config blob (the columns give way to
    // the detail panel when it is open, so it is closed first).
    await images.detail().getByRole('button', { name: 'Close details' }).click();
    const text = async (tag: string, column: string) => {
      const cell = await images.cell(ref(tag), column);
      await cell.filter({ hasNotText: '…' }).waitFor();
      return (await cell.textContent())?.trim();
    };
    assert.equal(await text('multi', 'Platforms'), 'linux/amd64, linux/arm64');
    assert.equal(await text('multi', 'Created'), '—');
    assert.equal(await text('single', 'Platforms'), 'linux/arm64/v8');
    assert.equal(await text('single', 'Created'), '2024-03-05 06:07 UTC');
    await images.row(ref('single')).click();
    await images.detail().locator(`time[datetime="${CREATED}"]`).waitFor();
    await images.row(ref('multi')).click();
    await images.detail().getByText('an index has no creation time of its own', { exact: false }).waitFor();
    await screenshot(page, 'images-facts');
  });

  test('switching source mid-load: the earlier load, failing later, shows no error and takes no state from the source now shown', async () => {
    // The tag listing of gone/app is held, then refused (403: this user may not read it).
    let failNow: () => void = () => undefined;
    const failing = new Promise<void>((r) => { failNow = r; });
    let answered = false;
    proxy.setHandler(async (req) => {
      if (req.method === 'GET' && req.path.startsWith('/v2/gone/app/tags/list')) {
        await failing;
        answered = true;
        return { kind: 'status', status: 403, headers: { 'content-type': 'application/json' }, body: '{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}' };
      }
      return { kind: 'pass' };
    });
    const images = new ImagesPage(page);
    await page.goto(host.url);
    await images.addSource('Registry repository', `${proxy.host}/gone/app`); // selected, and its load starts
    await page.getByRole('status').waitFor();
    await images.pick(`${proxy.host}/${REPO}`);
    await images.count().filter({ hasText: /^5 of 5 images$/ }).waitFor();
    failNow();
    while (!answered) await new Promise((r) => setTimeout(r, 20));
    // Give the failed request time to reach the page; then the shown source must be untouched.
    await page.waitForTimeout(750);
    assert.equal(await page.getByRole('alert').count(), 0, 'no error from the source no longer shown');
    assert.equal(await images.count().textContent(), '5 of 5 images');
    assert.equal(await page.getByRole('button', { name: 'Refresh' }).isEnabled(), true);
    // The failing source, picked again, says why in words.
    await images.pick(`${proxy.host}/gone/app`);
    await page.getByRole('alert').filter({ hasText: /denied/i }).waitFor();
  });
});
