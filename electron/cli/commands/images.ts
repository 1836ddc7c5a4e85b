import type { Command } from 'commander';
import { collect, type CliContext } from '../context.js';
import type { ImagesOptions } from '../actions/images.js';

export function registerImages(program: Command, ctx: CliContext): void {
  program.command('images')
    .description('list the images of a source with their verdicts')
    .argument('<source>', 'host[:port]/repo (every tag), host[:port]/namespace/ or host[:port]/ (every tag of every repository under it), oci:DIR, docker-archive:FILE or docker-daemon:')
    .option('--key <key>', 'trust only this key: an own or trusted key\'s name or fingerprint (SHA256:…), or a public key file by its path (./FILE, or a bare NAME.pub) (repeatable; default: your keys and the trust store)', collect, [])
    .option('-a, --annotation <key=value>', 'require this annotation in the signed payload (repeatable)', collect, [])
    .option('--identity <ref>', 'for OCI layout images named by a bare tag: the registry repository they are signed for')
    .option('--json', 'one JSON object per image, one per line (as verify --json)')
    .action(async (source: string, o: ImagesOptions) => (await import('../actions/images.js')).images(ctx, source, o));
}
