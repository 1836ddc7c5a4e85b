/**
 * The one thing the first-launch checklist remembers besides what the stores say: that the user
 * dismissed it (setup.json in the data dir). Whether each step is done is read from the stores
 * every time, never remembered.
 */
import { join } from 'node:path';
import { ensureDir, expectObject, readJsonFile, withFileLock, writeJsonAtomic } from '../engine/data-dir.js';

function parseSetup(doc: unknown): { dismissed: boolean } {
  const o = expectObject(doc, 'setup.json');
  if (o.version !== 1) throw new Error(`setup.json has version ${JSON.stringify(o.version)}, not 1`);
  if (typeof o.dismissed !== 'boolean') throw new Error('setup.json has no "dismissed" true or false');
  return { dismissed: o.dismissed };
}

export class SetupState {
  readonly path: string;
  constructor(private readonly dataDir: string) {
    this.path = join(dataDir, 'setup.json');
  }

  async dismissed(): Promise<boolean> {
    return (await readJsonFile(this.path, parseSetup, () => ({ dismissed: false }))).dismissed;
  }

  async dismiss(): Promise<void> {
    await ensureDir(this.dataDir);
    await withFileLock(this.path, () => writeJsonAtomic(this.path, { version: 1, dismissed: true }));
  }
}
