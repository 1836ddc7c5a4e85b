import type { Command } from 'commander';
import type { CliContext } from '../context.js';

export function registerLog(program: Command, ctx: CliContext): void {
  program.command('log')
    .description('show the audit log: every signing (who, with which key, what the registry answered) and every change to keys, teammates, registries and policies')
    .option('--json', 'print the JSON lines as stored')
    .action(async (o: { json?: boolean }) => (await import('../actions/log.js')).showLog(ctx, o));
}
