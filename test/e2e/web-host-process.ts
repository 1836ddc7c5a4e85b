// Starts the web host as `npm run start:web` does (node dist/electron/host/start-web.js --no-open),
// in its own process with the environment given (the keyring session's D-Bus, SIGNET_HOME), and
// reads the URL it prints; openDesktop adds a Chromium page on it.
import { spawn } from 'node:child_process';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { launchChromium, openPage } from './chromium.js';
import { join } from 'node:path';
import { registerChild, stopChild } from '../helpers/cleanup.js';
import { repoRoot } from '../helpers/paths.js';

export interface WebHostProcess { url: string; origin: string; stop(): Promise<void> }

export async function startWebHostProcess(env: NodeJS.ProcessEnv): Promise<WebHostProcess> {
  const child = spawn(process.execPath, [join(repoRoot, 'dist', 'electron', 'host', 'start-web.js'), '--no-open'], {
    env: { ...process.env, ...env, SIGNET_NO_OPEN: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  registerChild(child);
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the web host printed no URL within 30 s\n${out}\n${err}`)), 30_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^(http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]+)$/m.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]!); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`the web host exited (${code})\n${out}\n${err}`)); });
  });
  return { url, origin: new URL(url).origin, stop: () => stopChild(child, 3000) };
}

/**
 * What each desktop e2e test stands on: the web host in its own process (with `env`) and a page of
 * a fresh Chromium on it. close() stops both; it is safe after a failed start.
 */
export interface Desktop { host: WebHostProcess; page: Page; close(): Promise<void> }

export async function openDesktop(env: NodeJS.ProcessEnv, pageOptions: BrowserContextOptions = {}): Promise<Desktop> {
  const host = await startWebHostProcess(env);
  const browser = await launchChromium().catch(async (e: unknown) => { await host.stop(); throw e; });
  const close = async () => { await browser.close(); await host.stop(); };
  try {
    return { host, page: await openPage(browser, pageOptions), close };
  } catch (e) {
    await close();
    throw e;
  }
}
