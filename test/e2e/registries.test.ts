// The Registries screen in Debian Chromium against the web host, with a real registry that wants
// a password (htpasswd) and a real gnome-keyring:
//  - a wrong password is tested before it is saved, refused in words that name what was typed,
//    and kept nowhere (not in registries.json, not in the keychain); the right one is saved;
//  - Edit opens a dialog (focus inside, Escape closes it and focus returns to the Edit button);
//    a refused change leaves the entry as it was; a new host keeps the stored password;
//  - Remove asks first, saying which sources use the registry;
//  - a source whose registry wants credentials offers "Add credentials" in place, and its images
//    are listed once they are saved;
//  - the first-launch checklist ticks its steps from what is really there, and stays dismissed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { pushFixtureImage } from '../helpers/push.js';
import { keychainToolsMissing, secretTool, startKeyringSession, type KeyringSession } from '../helpers/keychain.js';
import { makeTempDir } from '../helpers/tmp.js';
import { chromiumMissing } from './chromium.js';
import { openDesktop, type Desktop, type WebHostProcess } from './web-host-process.js';
import { AppPage, ImagesPage, RegistriesPage, RegistryFormPart, SetupChecklistPart } from './pages.js';

const missing = chromiumMissing() ?? keychainToolsMissing();

describe('Registries in Chromium: tested before saving, edit, remove, credentials in place, first-launch checklist', { skip: missing ?? false }, () => {
  let reg: TestRegistry;
  let kc: KeyringSession;
  let host: WebHostProcess;
  let desktop: Desktop;
  let page: Page;
  let home: string;
  const storedPassword = async (registry: string) => (await secretTool(kc, ['lookup', 'service', 'signet-registry', 'account', registry])).stdout;
  const registriesFile = () => (existsSync(join(home, 'registries.json')) ? readFileSync(join(home, 'registries.json'), 'utf8') : '');
  /** The focused element (CSS :focus), to follow where focus goes. */
  const focused = () => page.locator(':focus');

  before(async () => {
    let dir: string;
    [reg, kc, dir] = await Promise.all([startRegistry({ auth: 'htpasswd' }), startKeyringSession(), makeTempDir()]);
    await pushFixtureImage(reg, 'team/app', 'v1');
    home = join(dir, 'home');
    // No docker or podman login anywhere: only what is added here.
    await mkdir(join(dir, 'docker'));
    await writeFile(join(dir, 'docker', 'config.json'), '{}');
    desktop = await openDesktop({ ...kc.env, SIGNET_HOME: home, DOCKER_CONFIG: join(dir, 'docker'), REGISTRY_AUTH_FILE: join(dir, 'none.json') });
    ({ host, page } = desktop);
    await page.goto(host.url);
  });
  after(async () => {
    await desktop?.close();
    await kc?.stop();
    await reg?.stop();
  });

  test('the checklist starts with nothing done', async () => {
    const checklist = new SetupChecklistPart(page);
    assert.deepEqual(await checklist.steps(), [
      { text: 'Connect a registry', done: false }, { text: 'Create or import a signing key', done: false },
      { text: "Add your teammates' public keys", done: false }, { text: 'Add images to check', done: false },
    ]);
    await checklist.root.getByRole('button', { name: 'Open Registries' }).click();
    await page.getByRole('region', { name: 'Registries' }).waitFor();
  });

  test('a wrong password is refused before it is saved, naming the host and user typed; the right one is saved to the keychain', async () => {
    const registries = new RegistriesPage(page);
    const form = registries.addForm();
    await form.fill({ host: reg.host, auth: 'keychain', username: reg.username, password: 'not-the-password' });
    const tested = await form.test();
    assert.equal(await tested.textContent(), `✗ ${reg.host} did not accept the user name "${reg.username}" with that password: check both and try again.`);
    await form.submit('Add registry');
    await form.error().filter({ hasText: 'Nothing was saved' }).waitFor();
    assert.equal(await form.error().textContent(), `${reg.host} did not accept the user name "${reg.username}" with that password: check both and try again. Nothing was saved.`);
    assert.doesNotMatch(await page.textContent('body') ?? '', /connection-test/);
    assert.equal(await registries.row(reg.host).count(), 0);
    assert.doesNotMatch(registriesFile(), new RegExp(reg.host.replace(/\./g, '\\.')));
    assert.equal(await storedPassword(reg.host), '', 'nothing in the keychain');

    await form.fill({ password: reg.password });
    assert.equal(await (await form.test()).textContent(), `✓ Signed in to ${reg.host} as "${reg.username}".`);
    await form.submit('Add registry');
    await registries.row(reg.host).getByText(`✓ Signed in to ${reg.host} with the credentials from the OS keychain (Signet).`).waitFor();
    assert.match(await registries.row(reg.host).textContent() ?? '', new RegExp(`${reg.username} \\(password in the OS keychain\\)`));
    assert.equal(await storedPassword(reg.host), reg.password);
    assert.ok(!registriesFile().includes(reg.password), 'no password in registries.json');
  });

  test('Edit is a dialog: focus goes in and comes back; a refused change is not saved; a new host keeps the stored password', async () => {
    const registries = new RegistriesPage(page);
    let dialog: RegistryFormPart = await registries.edit(reg.host);
    await dialog.root.waitFor();
    // React Aria moves focus in on the next frame (to the dialog itself, or into it): this times out unless it does.
    await page.waitForFunction(() => (globalThis as any).document.activeElement?.closest('[role=dialog]') != null);
    await page.keyboard.press('Escape');
    await dialog.root.waitFor({ state: 'detached' });
    assert.equal(await focused().getAttribute('aria-label'), `Edit ${reg.host}`, 'focus is back on the button that opened it');

    dialog = await registries.edit(reg.host);
    await dialog.fill({ username: 'mallory', password: 'guess' });
    await dialog.submit('Save changes');
    await dialog.error().filter({ hasText: 'Nothing was saved' }).waitFor();
    assert.match(await dialog.error().textContent() ?? '', new RegExp(`did not accept the user name "mallory" with that password`));
    await dialog.root.getByRole('button', { name: 'Cancel' }).click();
    assert.match(await registries.row(reg.host).textContent() ?? '', new RegExp(`${reg.username} \\(password`), 'the entry is as it was');
    assert.equal(await storedPassword(reg.host), reg.password);

    // The same registry under the name localhost: the password is not typed again.
    const alias = reg.host.replace('127.0.0.1', 'localhost');
    dialog = await registries.edit(reg.host);
    await dialog.fill({ host: alias });
    await dialog.submit('Save changes');
    await registries.row(alias).getByText(`✓ Signed in to ${alias} with the credentials from the OS keychain (Signet).`).waitFor();
    assert.equal(await registries.row(reg.host).count(), 0);
    assert.equal(await storedPassword(alias), reg.password);
    assert.equal(await storedPassword(reg.host), '', 'the old name left the keychain');
  });

  test('Remove asks first and says which sources use the registry; a source then offers Add credentials in place', async () => {
    const app = new AppPage(page);
    const images = new ImagesPage(page);
    const alias = reg.host.replace('127.0.0.1', 'localhost');
    await app.go('Images');
    await images.addSource('Registry repository', `${alias}/team/app`);
    await images.badge(`${alias}/team/app:v1`).filter({ hasText: 'unsigned' }).waitFor();

    await app.go('Registries');
    const registries = new RegistriesPage(page);
    let confirm = await registries.remove(alias);
    assert.equal(await confirm.impact(), `1 source uses ${alias} (${alias}/team/app; 1 image at the last check). Without this entry Signet uses your docker/podman login for ${alias} if there is one, else no credentials. The password kept in the OS keychain is deleted.`);
    await confirm.cancel();
    assert.equal(await registries.row(alias).count(), 1, 'Cancel changes nothing');
    confirm = await registries.remove(alias);
    await confirm.confirm(`Remove ${alias}`);
    await registries.row(alias).waitFor({ state: 'detached' });
    assert.equal(await storedPassword(alias), '');

    await app.go('Images');
    await images.refresh();
    const offer = page.getByRole('button', { name: `Add credentials for ${alias}…` });
    await offer.waitFor();
    assert.match(await page.getByRole('alert').first().textContent() ?? '', new RegExp(`Add credentials for ${alias} on the Registries screen`));
    await offer.click();
    const form = new RegistryFormPart(page.getByRole('dialog', { name: `Credentials for ${alias}` }));
    await form.fill({ username: reg.username, password: 'wrong' });
    await form.submit('Save credentials');
    await form.error().filter({ hasText: 'Nothing was saved' }).waitFor();
    await form.fill({ password: reg.password });
    await form.submit('Save credentials');
    await form.root.waitFor({ state: 'detached' });
    await images.badge(`${alias}/team/app:v1`).filter({ hasText: 'unsigned' }).waitFor();
    assert.equal(await storedPassword(alias), reg.password);
  });

  test('the checklist ticks what is there; dismissed, it stays away', async () => {
    const checklist = new SetupChecklistPart(page);
    assert.deepEqual((await checklist.steps()).map((s) => s.done), [true, false, false, true]);
    await checklist.dismiss();
    await checklist.root.waitFor({ state: 'detached' });
    await page.reload();
    await page.getByRole('navigation', { name: 'Screens' }).waitFor();
    await new AppPage(page).go('Registries');
    await page.getByRole('region', { name: 'Registries' }).waitFor();
    assert.equal(await checklist.root.count(), 0, 'still dismissed after a reload');
  });
});
