import type { Command } from 'commander';
import { collect, type CliContext } from '../context.js';
import type { SignOptions } from '../actions/sign.js';
import { addPlatformOptions } from '../platform-options.js';

export function registerSign(program: Command, ctx: CliContext): void {
  const command = program.command('sign')
    .description('sign an image in a registry with a keychain key or a cosign key file')
    .argument('<image>', 'host[:port]/repo[:tag|@digest], oci:DIR[:NAME], or docker-daemon:NAME (at its registry digest)')
    .requiredOption('--key <key>', 'a keychain key\'s name, id or fingerprint, or a cosign private key file by its path (./FILE, or a bare NAME.key; password from COSIGN_PASSWORD or a prompt)')
    .option('-a, --annotation <key=value>', 'annotation written into the signed payload (repeatable)', collect, [])
    .option('--no-recursive', 'for a multi-platform index, sign the index only (default: the index and every platform)');
  addPlatformOptions(command)
    .option('--identity <ref>', 'for oci:DIR:NAME: the registry name (host/repo[:tag]) written into the signature, i.e. where the image will be pushed')
    .option('--json', 'print the result as JSON')
    .action(async (image: string, o: SignOptions) => (await import('../actions/sign.js')).sign(ctx, image, o));
}
