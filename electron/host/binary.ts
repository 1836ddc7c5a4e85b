import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The Electron binary's path (from the electron package), or why there is none. */
export function electronBinary(): { path: string } | { missing: string } {
  try {
    const p = createRequire(import.meta.url)('electron') as unknown;
    if (typeof p === 'string' && existsSync(p)) return { path: p };
    return { missing: 'the electron package has no binary' };
  } catch (e) {
    return { missing: (e as Error).message.split('\n')[0] || 'electron is not installed' };
  }
}
