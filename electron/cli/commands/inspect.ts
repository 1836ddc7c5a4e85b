import type { Command } from 'commander';
import type { CliContext } from '../context.js';

export function registerInspect(program: Command, ctx: CliContext): void {
  program.command('inspect')
    .description('show an image\'s digest, media type, platforms and the signatures stored for it')
    .argument('<image>', 'host[:port]/repo[:tag|@digest]')
    .option('--json', 'print as JSON')
    .action(async (image: string, o: { json?: boolean }) => (await import('../actions/inspect.js')).inspect(ctx, image, o));
}
