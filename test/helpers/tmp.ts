// Temp dirs for tests: created under os.tmpdir(), removed by the caller or at process exit.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerDir, unregisterDir } from './cleanup.js';

/** Make a fresh temp dir (named `<prefix>XXXXXX`). It is removed at process exit if still there. */
export async function makeTempDir(prefix = 'signet-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  registerDir(dir);
  return dir;
}

/** Remove a dir made by makeTempDir now (optional; process exit does it too). */
export async function removeTempDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  unregisterDir(dir);
}
