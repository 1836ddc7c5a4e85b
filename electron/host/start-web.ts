/**
 * `npm run start:web`: builds the renderer if needed, starts the web host on 127.0.0.1 on a free
 * port, prints `http://127.0.0.1:PORT/#token=…` on a line of its own and opens it in the default
 * browser (unless --no-open or SIGNET_NO_OPEN=1). Runs until Ctrl-C. SIGNET_HOME selects the data dir.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { resolveDataDir } from '../engine/data-dir.js';
import { startWebHost } from './web-host.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const rendererDir = join(repoRoot, 'dist', 'renderer');

/** Builds dist/renderer with Vite when it is missing. */
export function ensureRenderer(): void {
  if (existsSync(join(rendererDir, 'index.html'))) return;
  console.error('Building the user interface (first start)…');
  const r = spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(repoRoot, 'renderer', 'vite.config.ts'), '--logLevel', 'warn'], { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('The user interface could not be built (vite build failed).');
}

function openBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(cmd, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => console.error('Could not open a browser; open the address above.'));
    child.unref();
  } catch {
    console.error('Could not open a browser; open the address above.');
  }
}

export async function runWebHost(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  ensureRenderer();
  const portArg = argv.find((a) => a.startsWith('--port='));
  const host = await startWebHost({ dataDir: resolveDataDir(process.env), rendererDir, ...(portArg ? { port: Number(portArg.slice(7)) } : {}) });
  console.log(host.url);
  const noOpen = argv.includes('--no-open') || process.env.SIGNET_NO_OPEN === '1';
  if (!noOpen) openBrowser(host.url);
  const stop = () => { void host.close().then(() => process.exit(0)); };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runWebHost().catch((e: unknown) => {
    console.error(`signet: ${(e as Error).message}`);
    process.exit(1);
  });
}
