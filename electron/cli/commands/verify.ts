import type { Command } from 'commander';
import { collect, type CliContext } from '../context.js';
import type { VerifyOptions } from '../actions/verify.js';

export function registerVerify(program: Command, ctx: CliContext): void {
  program.command('verify')
    .description('verify the signatures of one or more images')
    .argument('<images...>', 'host[:port]/repo[:tag|@digest], oci:DIR[:NAME], docker-daemon:NAME ...')
    .option('--key <key>', 'trust only this key: an own or trusted key\'s name or fingerprint (SHA256:…), or a public key file by its path (./FILE, or a bare NAME.pub) (repeatable; default: your keys and the trust store)', collect, [])
    .option('-a, --annotation <key=value>', 'require this annotation in the signed payload (repeatable)', collect, [])
    .option('--identity <ref>', 'for oci:DIR:NAME images: the registry repository (host/repo) their signatures must name')
    .option('--json', 'one JSON object per image, one per line')
    .option('-v, --verbose', 'show every check of every signature')
    .action(async (images: string[], o: VerifyOptions) => (await import('../actions/verify.js')).verify(ctx, images, o));
}
