// Debian Chromium through playwright-core (env-notes §3): headless, fresh profile, no network extras.
import { chromium, type Browser } from 'playwright-core';
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
