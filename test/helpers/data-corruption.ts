// Damage that can happen to any data file on disk (a crash, a full disk, a bad copy), for the
// tests that prove a corrupt file is reported and moved aside, never silently replaced.
import { readdirSync } from 'node:fs';

export interface Corruption { how: string; bytes: Buffer }

/** Byte-level damage to a valid file, independent of its format. */
export function byteCorruptions(valid: Buffer): Corruption[] {
  return [
    { how: 'truncated to half', bytes: valid.subarray(0, Math.floor(valid.length / 2)) },
    { how: 'truncated by two bytes', bytes: valid.subarray(0, valid.length - 2) },
    { how: 'empty', bytes: Buffer.alloc(0) },
    { how: 'zero bytes (a crash before the data reached the disk)', bytes: Buffer.alloc(valid.length) },
    { how: 'binary garbage', bytes: Buffer.from([0xff, 0xfe, 0x00, 0x7b]) },
  ];
}

/** The `<name>.corrupt-<time>` files a data store moved aside in `dir`. */
export function asideFiles(dir: string, name: string): string[] {
  return readdirSync(dir).filter((f) => f.startsWith(`${name}.corrupt-`));
}
