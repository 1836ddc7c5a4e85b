/**
 * `npm start`: the Electron app where an Electron binary is installed; otherwise one line saying so,
 * then the web host (same engine, same API).
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot, runWebHost, ensureRenderer } from './start-web.js';
import { electronBinary } from './binary.js';

const bin = electronBinary();
if ('path' in bin) {
  ensureRenderer();
  const built = spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(repoRoot, 'tsconfig.electron.json')], { cwd: repoRoot, stdio: 'inherit' });
  if (built.status !== 0) {
    console.error('signet: the Electron main process could not be built.');
    process.exit(1);
  }
  const child = spawn(bin.path, [join(repoRoot, 'dist', 'electron', 'host', 'main.js')], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log(`No Electron binary here (${bin.missing}); starting the web host instead.`);
  runWebHost().catch((e: unknown) => {
    console.error(`signet: ${(e as Error).message}`);
    process.exit(1);
  });
}
