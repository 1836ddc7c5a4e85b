// Page objects for the e2e tests: one per screen, finding controls by their labels and roles as a
// keyboard or screen-reader user would.
import type { Locator, Page } from 'playwright-core';

export class AppPage {
  constructor(readonly page: Page) {}
  async go(screen: 'Images' | 'Sign' | 'Keys & teammates' | 'Registries' | 'Activity'): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: screen, exact: true }).click();
  }
}

export type RegistryAuthChoice = 'none' | 'docker-login' | 'keychain';
const AUTH_RADIO: Record<RegistryAuthChoice, string> = { none: 'None (anonymous)', 'docker-login': 'Use my docker/podman login', keychain: 'Store a user name and password in the OS keychain' };

/** The registry form, wherever it is: the Registries screen, its Edit dialog, the Add credentials dialog. */
export class RegistryFormPart {
  constructor(readonly root: Locator) {}
  async fill(o: { host?: string; auth?: RegistryAuthChoice; username?: string; password?: string }): Promise<void> {
    if (o.host !== undefined) await this.root.getByLabel('Registry host').fill(o.host);
    if (o.auth) await this.root.getByLabel(AUTH_RADIO[o.auth]).check();
    if (o.username !== undefined) await this.root.getByLabel('User name', { exact: true }).fill(o.username);
    if (o.password !== undefined) await this.root.getByLabel('Password', { exact: true }).fill(o.password);
  }
  async test(): Promise<Locator> {
    await this.root.getByRole('button', { name: 'Test connection' }).click();
    const result = this.root.getByTestId('registry-test');
    await result.waitFor();
    return result;
  }
  submit(label: string): Promise<void> {
    return this.root.getByRole('button', { name: label, exact: true }).click();
  }
  error(): Locator {
    return this.root.getByRole('alert');
  }
}

export class RegistriesPage {
  constructor(readonly page: Page) {}
  addForm(): RegistryFormPart {
    return new RegistryFormPart(this.page.getByRole('region', { name: 'Add a registry' }));
  }
  async add(host: string, auth: RegistryAuthChoice, creds?: { username: string; password: string }): Promise<void> {
    const form = this.addForm();
    await form.fill({ host, auth, ...creds });
    await form.submit('Add registry');
  }
  row(host: string): Locator {
    return this.page.getByRole('row').filter({ has: this.page.getByRole('cell', { name: host, exact: true }) });
  }
  /** Opens the Edit dialog of `host`; the form inside it. */
  async edit(host: string): Promise<RegistryFormPart> {
    await this.page.getByRole('button', { name: `Edit ${host}` }).click();
    return new RegistryFormPart(this.page.getByRole('dialog', { name: `Edit ${host}` }));
  }
  async remove(host: string): Promise<ConfirmDialogPart> {
    await this.page.getByRole('button', { name: `Remove ${host}` }).click();
    return new ConfirmDialogPart(this.page, `Remove ${host}?`);
  }
}

/** A confirmation (components/ConfirmDialog.tsx): its title, what it says, the impact, Cancel and the confirm button. */
export class ConfirmDialogPart {
  readonly root: Locator;
  constructor(readonly page: Page, title: string) {
    this.root = page.getByRole('alertdialog', { name: title });
  }
  /** The impact's sentence, once it has been worked out (the images it names are list items below it). */
  async impact(): Promise<string> {
    const impact = this.root.getByTestId('impact');
    await impact.waitFor();
    return (await impact.locator('p').first().textContent()) ?? '';
  }
  async confirm(label: string): Promise<void> {
    await this.root.getByRole('button', { name: label, exact: true }).click();
    await this.root.waitFor({ state: 'detached' });
  }
  async cancel(): Promise<void> {
    await this.root.getByRole('button', { name: 'Cancel' }).click();
    await this.root.waitFor({ state: 'detached' });
  }
}

/** The first-launch checklist above every screen. */
export class SetupChecklistPart {
  readonly root: Locator;
  constructor(readonly page: Page) {
    this.root = page.getByRole('region', { name: /^Get started/ });
  }
  /** Each step's words and whether it is done, in order. */
  async steps(): Promise<Array<{ text: string; done: boolean }>> {
    await this.root.waitFor();
    return this.root.locator('li').evaluateAll((items) => items.map((li) => ({ text: (li.textContent ?? '').replace(/ \(done\)/, '').replace(/Open \w+$/, '').replace(/^[✓○]/, '').trim(), done: li.getAttribute('data-done') === 'true' })));
  }
  dismiss(): Promise<void> {
    return this.root.getByRole('button', { name: 'Dismiss' }).click();
  }
}

export class KeysPage {
  constructor(readonly page: Page) {}
  async generate(name: string, alg: 'ecdsa-p256' | 'ed25519' = 'ecdsa-p256'): Promise<void> {
    const form = this.page.locator('form', { has: this.page.getByRole('heading', { name: 'Generate a key' }) });
    await form.getByLabel('Key name').fill(name);
    await form.getByLabel('Algorithm').selectOption(alg);
    await form.getByRole('button', { name: 'Generate key' }).click();
    await this.page.getByRole('cell', { name, exact: true }).waitFor();
  }
  async addTeammate(name: string, pem: string): Promise<string> {
    const form = this.page.locator('form.add-teammate');
    await form.getByLabel("Teammate's name").fill(name);
    await form.getByLabel('or paste the public key (PEM)').fill(pem);
    await form.getByRole('button', { name: 'Check fingerprint' }).click();
    const fp = (await this.page.getByTestId('teammate-fingerprint').textContent()) ?? '';
    await form.getByRole('button', { name: 'Fingerprint matches: trust this key' }).click();
    await this.page.getByRole('region', { name: 'Teammates' }).getByRole('cell', { name, exact: true }).waitFor();
    return fp;
  }
  async openExport(name: string): Promise<Locator> {
    await this.page.getByRole('button', { name: `Export ${name}` }).click();
    return this.page.locator('.export');
  }
  /** Revoke…, Restore… or Remove… on a teammate's row: the confirmation it opens. */
  async changeTeammate(change: 'Revoke' | 'Restore' | 'Remove', name: string): Promise<ConfirmDialogPart> {
    await this.page.getByRole('button', { name: `${change} ${name}`, exact: true }).click();
    return new ConfirmDialogPart(this.page, `${change} ${name}?`);
  }
  teammateRow(name: string): Locator {
    return this.page.getByRole('region', { name: 'Teammates' }).getByRole('row').filter({ has: this.page.getByRole('cell', { name, exact: true }) });
  }
  async deleteKey(name: string): Promise<ConfirmDialogPart> {
    await this.page.getByRole('button', { name: `Delete ${name}`, exact: true }).click();
    return new ConfirmDialogPart(this.page, `Delete ${name}?`);
  }
  async rename(name: string, to: string): Promise<void> {
    await this.page.getByRole('button', { name: `Rename ${name}` }).click();
    await this.page.getByLabel('New name').fill(to);
    await this.page.getByRole('region', { name: 'My keys' }).getByRole('button', { name: 'Save', exact: true }).click();
    await this.page.getByRole('cell', { name: to, exact: true }).waitFor();
  }
  async importKey(file: string, name: string, password: string): Promise<void> {
    const form = this.page.locator('form', { has: this.page.getByRole('heading', { name: 'Import a cosign key' }) });
    await form.getByLabel('cosign.key file').setInputFiles(file);
    await form.getByLabel('Name').fill(name);
    await form.getByLabel('Password').fill(password);
    await form.getByRole('button', { name: 'Import key' }).click();
    await this.page.getByRole('cell', { name, exact: true }).waitFor();
  }
  teamPolicy(): PolicyFormPart {
    return new PolicyFormPart(this.page.getByRole('region', { name: 'Team policy' }));
  }
}

/** A policy form (PolicyForm.tsx): the team policy, or one key's in its export panel. */
export class PolicyFormPart {
  constructor(readonly root: Locator) {}
  async show(o: { format: string; mode?: 'Enforce' | 'Audit'; images?: string }): Promise<void> {
    await this.root.getByLabel('Policy format').selectOption(o.format);
    if (o.mode) await this.mode(o.mode).check();
    if (o.images !== undefined) await this.root.getByLabel('Images it covers').fill(o.images);
    await this.root.getByRole('button', { name: 'Show policy' }).click();
    await this.root.locator('.policy').waitFor();
  }
  mode(mode: 'Enforce' | 'Audit'): Locator {
    return this.root.getByRole('radio', { name: new RegExp(`${mode}:`) });
  }
  images(): Locator {
    return this.root.getByLabel('Images it covers');
  }
  file(path: string): Locator {
    return this.root.getByLabel(`Policy file ${path}`);
  }
  copy(path: string): Promise<void> {
    return this.root.getByRole('button', { name: `Copy ${path}`, exact: true }).click();
  }
}

/** The labels of the verdict chips above the Images table ("All" clears the filter). */
export type VerdictChip = 'All' | 'verified' | 'unknown key' | 'INVALID' | 'revoked' | 'unsigned' | 'could not check' | 'checking';

export class ImagesPage {
  constructor(readonly page: Page) {}
  async addSource(kind: 'Registry repository' | 'Registry namespace (every repository under a prefix)' | 'OCI layout folder' | 'Docker archive (.tar)', location: string): Promise<void> {
    const form = this.page.locator('form.add-source');
    await form.getByLabel('Source type').selectOption({ label: kind });
    await form.getByLabel('Location').fill(location);
    await form.getByRole('button', { name: 'Add source' }).click();
  }
  source(label: string): Locator {
    return this.page.getByRole('navigation', { name: 'Sources' }).getByRole('button', { name: label, exact: true });
  }
  async pick(label: string): Promise<void> {
    await this.source(label).click();
  }
  /** What the side list says of a checked source, in words ("3 images, 1 INVALID"). */
  async sourceCounts(label: string): Promise<string> {
    return ((await this.source(label).getByTestId('source-counts').getAttribute('title')) ?? '').trim();
  }
  table(): Locator {
    return this.page.getByRole('grid', { name: 'Images' });
  }
  /** The row whose reference is exactly `image` (not `image-amd64`, which merely contains it). */
  row(image: string): Locator {
    return this.table().getByRole('row').filter({ has: this.page.getByRole('gridcell', { name: image, exact: true }) });
  }
  /** Every row's full reference, top to bottom as shown (only the rows rendered: fine for small sources). */
  async references(): Promise<string[]> {
    return this.table().locator('[role="row"][data-image]').evaluateAll((els) => els
      .map((e) => ({ ref: e.getAttribute('data-image') ?? '', at: Number(e.getAttribute('aria-rowindex')) }))
      .sort((a, b) => a.at - b.at).map((x) => x.ref));
  }
  badge(image: string): Locator {
    return this.row(image).locator('.badge');
  }
  /** The cell of `image`'s row under the column headed `column` (Platforms, Created, Signer…). */
  async cell(image: string, column: string): Promise<Locator> {
    const headers = (await this.table().getByRole('columnheader').allTextContents()).map((h) => h.replace(/[▲▼]/g, '').trim());
    const i = headers.indexOf(column);
    if (i < 0) throw new Error(`the Images table has no column "${column}" (it has ${headers.join(', ')})`);
    return this.row(image).getByRole('gridcell').nth(i);
  }
  /** "N of M images[, K still being checked]". */
  count(): Locator {
    return this.page.getByTestId('image-count');
  }
  chip(label: VerdictChip): Locator {
    return this.page.getByRole('group', { name: 'Filter by verdict' }).getByRole('button', { name: new RegExp(`^${label} \\d+$`) });
  }
  /** The number a verdict chip shows. */
  async chipCount(label: VerdictChip): Promise<number> {
    return Number(await this.chip(label).locator('.chip-count').textContent());
  }
  async filterVerdict(label: VerdictChip): Promise<void> {
    await this.chip(label).click();
  }
  async refresh(): Promise<void> {
    await this.page.getByRole('button', { name: 'Refresh' }).click();
  }
  /** The notice that a check failed, in all or in part, above the rows it kept. */
  banner(): Locator {
    return this.page.getByTestId('check-banner');
  }
  checkedAt(): Locator {
    return this.page.getByTestId('checked-at');
  }
  detail(): Locator {
    return this.page.getByRole('complementary', { name: 'Image details' });
  }
  /** The headline of each signature in the detail panel, in order. */
  headlines(): Locator {
    return this.detail().getByTestId('signature-headline');
  }
}

export class SignPage {
  constructor(readonly page: Page) {}
  async review(): Promise<void> {
    await this.page.getByRole('button', { name: 'Review what will be signed' }).click();
    await this.page.getByTestId('plan-digest').waitFor();
  }
  async addAnnotation(k: string, v: string): Promise<void> {
    await this.page.getByRole('button', { name: 'Add annotation' }).click();
    await this.page.locator('.annotation').last().getByLabel('Key').fill(k);
    await this.page.locator('.annotation').last().getByLabel('Value').fill(v);
  }
  /** A platform's checkbox in the review, by its platform string (its label also shows a short digest). */
  platform(platform: string): Locator {
    return this.page.getByRole('group', { name: 'Platforms to sign' }).getByRole('checkbox', { name: new RegExp(`^${platform.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} [0-9a-f]{12}$`) });
  }
  /** The confirm button, whose words say what will be signed ("Sign", "Sign the index and 1 of 2 platforms"). */
  confirm(): Locator {
    return this.page.getByRole('region', { name: 'Sign an image' }).locator('button[type=submit]');
  }
  /** The warning that the chosen key has signed this digest already, with its "sign again" checkbox. */
  resignWarning(): Locator {
    return this.page.getByTestId('resign-warning');
  }
  async sign(key: string, confirmText = 'Sign'): Promise<Locator> {
    await this.page.getByLabel('Signing key').selectOption(key);
    await this.page.getByRole('region', { name: 'Sign an image' }).getByRole('button', { name: confirmText, exact: true }).click();
    const result = this.page.locator('.result');
    await result.waitFor({ timeout: 20_000 });
    return result;
  }
}

export class ActivityPage {
  constructor(readonly page: Page) {}
  /** The plain-words notice of a damaged audit log, shown where the log is listed. */
  damageNotice(): Locator {
    return this.page.getByRole('region', { name: 'Activity' }).getByRole('alert');
  }
  row(text: string | RegExp): Locator {
    return this.page.getByRole('region', { name: 'Activity' }).getByRole('row').filter({ hasText: text });
  }
  /** The rows of entries (not the header), in order, newest first. */
  entries(): Locator {
    return this.page.getByRole('region', { name: 'Activity' }).locator('tbody tr');
  }
  async show(kind: 'everything' | 'signings' | 'keys' | 'teammates' | 'registries' | 'policies' | 'log recoveries'): Promise<void> {
    await this.page.getByRole('region', { name: 'Activity' }).getByLabel('Show').selectOption({ label: kind });
  }
  async search(text: string): Promise<void> {
    await this.page.getByRole('region', { name: 'Activity' }).getByLabel('Search').fill(text);
  }
  async refresh(): Promise<void> {
    await this.page.getByRole('region', { name: 'Activity' }).getByRole('button', { name: 'Refresh' }).click();
  }
  exportButton(): Locator {
    return this.page.getByRole('region', { name: 'Activity' }).getByRole('button', { name: /^Export \d+ entr/ });
  }
}

/** A person with only a keyboard: Tab until a control has the focus, and read what has it. */
export class KeyboardUser {
  constructor(readonly page: Page) {}
  /** The element with the keyboard focus. */
  focused(): Locator {
    return this.page.locator(':focus');
  }
  /**
   * What the focused element is called: its aria-label, a table row's reference (the name of its
   * first cell), else its text.
   */
  async focusedName(): Promise<string> {
    return this.focused().evaluate((e) => (e.getAttribute('aria-label')
      ?? (e.getAttribute('role') === 'row' ? e.querySelector('[role="gridcell"]')?.getAttribute('aria-label') : null)
      ?? e.textContent ?? '').trim()).catch(() => '');
  }
  /** Presses Tab (Shift+Tab with `back`) until the focused element's name matches `name`; fails after `max` presses. */
  async tabTo(name: string | RegExp, { max = 40, back = false } = {}): Promise<number> {
    const matches = (n: string) => (typeof name === 'string' ? n === name : name.test(n));
    for (let presses = 1; presses <= max; presses++) {
      await this.page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
      if (matches(await this.focusedName())) return presses;
    }
    throw new Error(`no control named ${String(name)} within ${max} presses of ${back ? 'Shift+Tab' : 'Tab'} (last focused: ${await this.focusedName()})`);
  }
  async press(...keys: string[]): Promise<void> {
    for (const k of keys) await this.page.keyboard.press(k);
  }
}
