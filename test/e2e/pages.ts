// Page objects for the e2e tests: one per screen, finding controls by their labels and roles as a
// keyboard or screen-reader user would.
import type { Locator, Page } from 'playwright-core';

export class AppPage {
  constructor(readonly page: Page) {}
  async go(screen: 'Images' | 'Sign' | 'Keys & teammates' | 'Registries' | 'Activity'): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: screen, exact: true }).click();
  }
}

export class RegistriesPage {
  constructor(readonly page: Page) {}
  async add(host: string, auth: 'none' | 'docker-login' | 'keychain', creds?: { username: string; password: string }): Promise<void> {
    const form = this.page.locator('form', { has: this.page.getByRole('heading', { name: 'Add a registry' }) });
    await form.getByLabel('Registry host').fill(host);
    const radio = { none: 'None (anonymous)', 'docker-login': 'Use my docker/podman login', keychain: 'Store a user name and password in the OS keychain' }[auth];
    await form.getByLabel(radio).check();
    if (creds) {
      await form.getByLabel('User name').fill(creds.username);
      await form.getByLabel('Password').fill(creds.password);
    }
    await form.getByRole('button', { name: 'Add registry' }).click();
  }
  row(host: string): Locator {
    return this.page.getByRole('row').filter({ hasText: host });
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
}

export class ImagesPage {
  constructor(readonly page: Page) {}
  async addSource(kind: 'Registry repository' | 'Registry namespace (every repository under a prefix)' | 'OCI layout folder' | 'Docker archive (.tar)', location: string): Promise<void> {
    const form = this.page.locator('form.add-source');
    await form.getByLabel('Source type').selectOption({ label: kind });
    await form.getByLabel('Location').fill(location);
    await form.getByRole('button', { name: 'Add source' }).click();
  }
  async pick(label: string): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Sources' }).getByRole('button', { name: label, exact: true }).click();
  }
  /** The row whose reference is exactly `image` (not `image-amd64`, which merely contains it). */
  row(image: string): Locator {
    return this.page.getByRole('table', { name: 'Images' }).getByRole('row').filter({ has: this.page.getByRole('cell', { name: image, exact: true }) });
  }
  badge(image: string): Locator {
    return this.row(image).locator('.badge');
  }
  /** The cell of `image`'s row under the column headed `column` (Platforms, Created, Signer…). */
  async cell(image: string, column: string): Promise<Locator> {
    const headers = (await this.page.getByRole('table', { name: 'Images' }).getByRole('columnheader').allTextContents()).map((h) => h.trim());
    const i = headers.indexOf(column);
    if (i < 0) throw new Error(`the Images table has no column "${column}" (it has ${headers.join(', ')})`);
    return this.row(image).getByRole('cell').nth(i);
  }
  /** "N of M images[, K still being checked]". */
  count(): Locator {
    return this.page.getByTestId('image-count');
  }
  async filterVerdict(label: string): Promise<void> {
    await this.page.getByLabel('Verdict').selectOption({ label });
  }
  async refresh(): Promise<void> {
    await this.page.getByRole('button', { name: 'Refresh' }).click();
  }
  detail(): Locator {
    return this.page.getByRole('complementary', { name: 'Image details' });
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
}
