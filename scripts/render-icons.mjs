#!/usr/bin/env node
// Renders the app icon's one source, build/icon.svg, into the PNGs that use it:
//  - build/icons/NxN.png: electron-builder's Linux targets (AppImage, .deb) read this folder;
//  - renderer/public/icon.png (512) for Electron's BrowserWindow `icon`, and favicon.svg and
//    favicon-32.png for the page (Vite copies public/ into dist/renderer, which both hosts serve).
// Drawn by Debian Chromium through playwright-core, as the e2e tests use it; run it again after
// changing the SVG:  node scripts/render-icons.mjs
import { chromium } from 'playwright-core';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const svg = await readFile(join(root, 'build', 'icon.svg'), 'utf8');
const browser = await chromium.launch({ executablePath: process.env.SIGNET_CHROMIUM ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
try {
  const render = async (size) => {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    await page.setContent(`<html><body style="margin:0;background:transparent"><img src="data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}" width="${size}" height="${size}" style="display:block"></body></html>`);
    await page.locator('img').evaluate((img) => img.decode());
    const png = await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
    await page.close();
    return png;
  };
  for (const size of [16, 24, 32, 48, 64, 128, 256, 512]) {
    const png = await render(size);
    await writeFile(join(root, 'build', 'icons', `${size}x${size}.png`), png);
    if (size === 32) await writeFile(join(root, 'renderer', 'public', 'favicon-32.png'), png);
    if (size === 512) await writeFile(join(root, 'renderer', 'public', 'icon.png'), png);
  }
  await copyFile(join(root, 'build', 'icon.svg'), join(root, 'renderer', 'public', 'favicon.svg'));
} finally {
  await browser.close();
}
