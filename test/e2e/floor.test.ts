// The floor scenario in Debian Chromium against the web host (started as `npm run start:web` is),
// with a real registry and a real gnome-keyring started here: add a registry, see an unsigned
// image, sign it through the whole flow and see "verified by" with the key's name; trust a
// teammate's key and see their image verified by their name; tamper with a signature in the
// registry and see INVALID with the reason; export a public key and a policy file. Screenshots of
// each screen go to docs/screenshots/ when SIGNET_SCREENSHOTS=1.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { getManifest, pushFixtureImage, pushManifest, OCI_MANIFEST } from '../helpers/push.js';
import { keychainToolsMissing, startKeyringSession, type KeyringSession } from '../helpers/keychain.js';
import { runSignet } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/tmp.js';
import { chromiumMissing } from './chromium.js';
import { openDesktop, type Desktop, type WebHostProcess } from './web-host-process.js';
import { AppPage, ImagesPage, KeysPage, RegistriesPage, SignPage } from './pages.js';
import { screenshot } from './screenshots.js';

const missing = chromiumMissing() ?? keychainToolsMissing();

describe('desktop UI in Chromium against the web host: the floor scenario', { skip: missing ?? false }, () => {
  let reg: TestRegistry;
  let kc: KeyringSession;
  let host: WebHostProcess;
  let desktop: Desktop;
  let page: Page;
  let dir: string;
  const shot = (name: string) => screenshot(page, name);

  before(async () => {
    [reg, kc, dir] = await Promise.all([startRegistry(), startKeyringSession(), makeTempDir()]);
    await Promise.all([pushFixtureImage(reg, 'team/app', 'v1'), pushFixtureImage(reg, 'team/alice', 'v1')]);
    // Alice signs her image with her own cosign key file; we get only her public key.
    const env = { SIGNET_HOME: join(dir, 'alice-home'), COSIGN_PASSWORD: 'alice-password', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' };
    const g = await runSignet(['keys', 'generate-file', join(dir, 'alice'), '--alg', 'ecdsa-p256'], { env });
    assert.equal(g.code, 0, g.stderr);
    const s = await runSignet(['sign', `${reg.host}/team/alice:v1`, '--key', join(dir, 'alice.key')], { env });
    assert.equal(s.code, 0, s.stderr);
    desktop = await openDesktop({ ...kc.env, SIGNET_HOME: join(dir, 'home') }, { acceptDownloads: true });
    ({ host, page } = desktop);
  });
  after(async () => {
    await desktop?.close();
    await kc?.stop();
    await reg?.stop();
  });

  test('add a registry, sign an unsigned image, trust a teammate, detect tampering, export a key and a policy', async () => {
    const app = new AppPage(page);
    const images = new ImagesPage(page);
    const keys = new KeysPage(page);
    await page.goto(host.url);
    await page.getByText('Add a registry repository').waitFor();
    await shot('images-empty');

    await app.go('Registries');
    await new RegistriesPage(page).add(reg.host, 'none');
    await page.getByRole('row').filter({ hasText: reg.host }).getByText(/✓ Reached/).waitFor();
    await shot('registries');

    await app.go('Keys & teammates');
    await page.getByText('No keys yet').waitFor();
    await keys.generate('Release Key');

    await app.go('Images');
    await images.addSource('Registry repository', `${reg.host}/team/app`);
    const image = `${reg.host}/team/app:v1`;
    await images.badge(image).filter({ hasText: 'unsigned' }).waitFor();
    await images.row(image).click();
    await images.detail().getByText('No signatures are stored').waitFor();
    await images.detail().getByRole('button', { name: 'Sign this image…' }).click();

    const sign = new SignPage(page);
    await sign.review();
    assert.match((await page.getByTestId('stored-at').textContent()) ?? '', new RegExp(`${reg.host}/team/app:sha256-[0-9a-f]{64}\\.sig`));
    await sign.addAnnotation('env', 'prod');
    await shot('sign-review');
    const result = await sign.sign('Release Key');
    await result.getByText('verified by Release Key').waitFor();
    await shot('sign-result');
    await page.getByRole('button', { name: 'Back to images' }).click();
    await images.refresh();
    await images.badge(image).filter({ hasText: 'verified by Release Key' }).waitFor();
    await images.row(image).click();
    await images.detail().getByText('env=prod').waitFor();
    await shot('images-detail');

    // A teammate: paste Alice's public key, confirm its fingerprint, see her image verified by her name.
    await app.go('Keys & teammates');
    const fp = await keys.addTeammate('Alice', await readFile(join(dir, 'alice.pub'), 'utf8'));
    assert.match(fp, /^SHA256:/);
    await app.go('Images');
    await images.addSource('Registry repository', `${reg.host}/team/alice`);
    await images.badge(`${reg.host}/team/alice:v1`).filter({ hasText: 'verified by Alice' }).waitFor();

    // Tamper with our signature in the registry: its bytes no longer verify with the key it names.
    const digest = (await getManifest(reg, 'team/app', 'v1')).digest!;
    const sigTag = `${digest.replace(':', '-')}.sig`;
    const sig = await getManifest(reg, 'team/app', sigTag);
    const doc = JSON.parse(sig.body.toString('utf8')) as { layers: Array<{ annotations: Record<string, string> }> };
    const ann = doc.layers[0]!.annotations;
    const bytes = Buffer.from(ann['dev.cosignproject.cosign/signature']!, 'base64');
    bytes[bytes.length - 5] = bytes[bytes.length - 5]! ^ 0x01;
    ann['dev.cosignproject.cosign/signature'] = bytes.toString('base64');
    await pushManifest(reg, 'team/app', sigTag, JSON.stringify(doc), sig.mediaType ?? OCI_MANIFEST);
    // The source's last check is kept (it said verified); checking it again finds the tampering.
    await images.pick(`${reg.host}/team/app`);
    await images.refresh();
    await images.badge(image).filter({ hasText: 'INVALID' }).waitFor();
    await images.row(image).click();
    const reasons = await images.detail().getByRole('list', { name: 'Checks' }).textContent();
    assert.match(reasons ?? '', /does not verify|did not verify|fails|failed/i);
    await shot('images-invalid');

    // Export: the public key file and a policy file, both saved through the browser.
    await app.go('Keys & teammates');
    const exp = await keys.openExport('Release Key');
    assert.match(await exp.getByLabel('Public key PEM').inputValue(), /-----BEGIN PUBLIC KEY-----/);
    const [pubDownload] = await Promise.all([page.waitForEvent('download'), exp.getByRole('button', { name: 'Save public key file' }).click()]);
    assert.equal(pubDownload.suggestedFilename(), 'Release-Key.pub');
    assert.match(await readFile((await pubDownload.path())!, 'utf8'), /^-----BEGIN PUBLIC KEY-----/);
    await exp.getByLabel('Policy format').selectOption('kyverno');
    await exp.getByLabel('Images it covers').fill(`${reg.host}/team/*`);
    await exp.getByRole('button', { name: 'Show policy' }).click();
    const save = exp.locator('.policy').getByRole('button', { name: /^Save / }).first();
    const [policyDownload] = await Promise.all([page.waitForEvent('download'), save.click()]);
    const policy = await readFile((await policyDownload.path())!, 'utf8');
    assert.match(policy, /kind: ClusterPolicy/);
    assert.match(policy, /BEGIN PUBLIC KEY/);
    await shot('keys');

    await app.go('Activity');
    await page.getByRole('cell', { name: /✓ signed/ }).first().waitFor();
    await shot('activity');
  });
});
