import type { Command } from 'commander';
import { collect, type CliContext } from '../context.js';
import type { PushOptions } from '../actions/push.js';
import { addPlatformOptions } from '../platform-options.js';

export function registerPush(program: Command, ctx: CliContext): void {
  const command = program.command('push')
    .description('copy an image (every platform) to a registry, optionally signing the pushed digest')
    .argument('<source>', 'oci:DIR[:NAME], docker-archive:FILE[:REF], docker-daemon:NAME or a registry reference')
    .argument('<dest>', 'host[:port]/repo[:tag]')
    .option('--sign <key>', 'sign the pushed digest with this key: a keychain key\'s name, id or fingerprint, or a cosign private key file by its path (./FILE, or a bare NAME.key)')
    .option('-a, --annotation <key=value>', 'annotation written into the signed payload (repeatable)', collect, [])
    .option('--no-recursive', 'for a multi-platform index, sign the index only');
  addPlatformOptions(command)
    .option('--json', 'print the result as JSON')
    .action(async (source: string, dest: string, o: PushOptions) => (await import('../actions/push.js')).push(ctx, source, dest, o));
}
