// Screenshots for the README, taken by the e2e tests when SIGNET_SCREENSHOTS=1: each screen as the
// test left it, at 1280×800 and 1920×1080, in the light and the dark theme, into docs/screenshots/
// as NAME.png (1280×800, light: the name the README shows), NAME-dark.png, NAME-1920x1080.png and
// NAME-1920x1080-dark.png. The page gets its own size and theme back afterwards.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot } from '../helpers/paths.js';

export const SCREENSHOTS_DIR = process.env.SIGNET_SCREENSHOTS === '1' ? join(repoRoot, 'docs', 'screenshots') : null;

const SIZES = [{ width: 1280, height: 800, suffix: '' }, { width: 1920, height: 1080, suffix: '-1920x1080' }] as const;
const SCHEMES = [{ scheme: 'light', suffix: '' }, { scheme: 'dark', suffix: '-dark' }] as const;

export async function screenshot(page: Page, name: string): Promise<void> {
  if (SCREENSHOTS_DIR === null) return;
  const viewport = page.viewportSize();
  // Runs in the page (DOM types are not in this Node build's lib, hence the casts).
  const dark = await page.evaluate(() => (globalThis as unknown as { matchMedia(q: string): { matches: boolean } }).matchMedia('(prefers-color-scheme: dark)').matches);
  try {
    for (const size of SIZES) {
      await page.setViewportSize({ width: size.width, height: size.height });
      for (const s of SCHEMES) {
        await page.emulateMedia({ colorScheme: s.scheme });
        // Let a resize or a theme change settle (the virtualised table measures, then renders).
        await page.evaluate(() => new Promise((r) => {
          const raf = (globalThis as unknown as { requestAnimationFrame(cb: () => void): void }).requestAnimationFrame;
          raf(() => raf(() => r(undefined)));
        }));
        await page.screenshot({ path: join(SCREENSHOTS_DIR, `${name}${size.suffix}${s.suffix}.png`) });
      }
    }
  } finally {
    if (viewport) await page.setViewportSize(viewport);
    await page.emulateMedia({ colorScheme: dark ? 'dark' : 'light' });
  }
}
