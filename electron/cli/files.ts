import { writeFile } from 'node:fs/promises';
import { SignetError } from '../engine/errors.js';

/** Writes a new file, never replacing one (a key file overwritten is a key lost). */
export async function writeNewFile(path: string, data: string, mode: number, what = 'it'): Promise<void> {
  try {
    await writeFile(path, data, { flag: 'wx', mode });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new SignetError('IO', code === 'EEXIST' ? `${path} already exists; Signet will not overwrite ${what}. Choose another file or remove it.` : `Could not write ${path} (${code ?? (e as Error).message}).`);
  }
}
