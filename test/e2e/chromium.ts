// Debian Chromium through playwright-core (env-notes §3): headless, fresh profile, no network extras.
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.SIGNET_CHROMIUM ?? '/usr/bin/chromium';

export function chromiumMissing(): string | null {
  return existsSync(CHROMIUM) ? null : `no Chromium at ${CHROMIUM} (apt: chromium)`;
}

export async function launchChromium(): Promise<Browser> {
  // launch() always starts from a fresh temporary profile (Playwright refuses --user-data-dir here).
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * A page in a fresh context, as the e2e tests use it: the screenshots' 1280×800 viewport unless
 * told otherwise, and 15 s for any one wait (a real registry and keychain answer in far less).
 */
export async function openPage(browser: Browser, options: BrowserContextOptions = {}): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options })).newPage();
  page.setDefaultTimeout(15_000);
  return page;
}
