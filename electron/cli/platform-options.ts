import type { Command } from 'commander';
import { collect } from './context.js';

/** The flags `sign` and `push --sign` share for choosing which platforms of an index are signed. */
export interface PlatformFlags {
  recursive: boolean;
  platform: string[];
  platformDigest: string[];
}

export function addPlatformOptions(command: Command): Command {
  return command
    .option('--platform <os/arch[/variant]>', 'for a multi-platform index: sign the index and only the platform manifests for this platform, e.g. linux/amd64 (repeatable)', collect, [])
    .option('--platform-digest <digest>', 'for a multi-platform index: sign the index and only this platform manifest, named by its digest (repeatable)', collect, [])
    .addHelpText('after', `
A multi-platform index is always signed itself: it is what the image reference names. By default
each of its platform manifests is signed too; --platform and --platform-digest sign only those
chosen (a platform string may match several manifests, e.g. unknown/unknown attestations: all are
signed, and the output says so), and --no-recursive signs none.`);
}
