import type { Command } from 'commander';
import type { CliContext } from '../context.js';

const actions = () => import('../actions/trust.js');

export function registerTrust(program: Command, ctx: CliContext): Command {
  const trust = program.command('trust').description('teammates\' public keys that verify uses (besides your own keys)');
  trust.command('add')
    .description('trust a teammate\'s public key (a PEM file, or - for stdin)')
    .argument('<file>', 'PUBLIC KEY PEM file, e.g. their cosign.pub; - reads stdin')
    .requiredOption('--name <name>', 'who the key belongs to, e.g. Alice')
    .option('--json', 'print the entry as JSON')
    .action(async (file: string, o: { name: string; json?: boolean }) => (await actions()).add(ctx, file, o));

  trust.command('list')
    .description('list trusted keys (revoked ones are marked)')
    .option('--json', 'print a JSON array')
    .action(async (o: { json?: boolean }) => (await actions()).list(ctx, o));

  trust.command('revoke')
    .description('revoke a trusted key: it is kept, and its signatures now give the "revoked" verdict')
    .argument('<name>', 'the trusted key\'s name or fingerprint')
    .action(async (name: string) => (await actions()).revoke(ctx, name));

  trust.command('restore')
    .description('take a revocation back: the key is trusted again, and its signatures verify')
    .argument('<name>', 'the trusted key\'s name or fingerprint')
    .action(async (name: string) => (await actions()).restore(ctx, name));

  trust.command('remove')
    .description('forget a trusted key (its signatures then count as by an unknown key)')
    .argument('<name>', 'the trusted key\'s name or fingerprint')
    .action(async (name: string) => (await actions()).remove(ctx, name));
  return trust;
}
