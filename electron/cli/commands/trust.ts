import type { Command } from 'commander';
import type { CliContext } from '../context.js';

const actions = () => import('../actions/trust.js');
const rootActions = () => import('../actions/trust-root.js');

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

  const root = trust.command('root').description('the Sigstore trusted root keyless signatures are verified against (offline)');
  root.command('show')
    .description('what the trusted root in use holds (Fulcio CAs, Rekor logs, CT logs, timestamp authorities) and how old it is')
    .option('--trusted-root <file>', 'show this trusted_root.json file instead of the one in use')
    .option('--json', 'print it as one JSON object')
    .action(async (o: { trustedRoot?: string; json?: boolean }) => (await rootActions()).show(ctx, o));
  root.command('update')
    .description('refresh the trusted root through Sigstore\'s TUF repository (online), or install one from a file')
    .option('--from <file>', 'install this trusted_root.json instead of fetching one (offline)')
    .option('--mirror <url>', 'the TUF repository (default: Sigstore\'s public-good one)')
    .option('--tuf-root <file>', 'the TUF root.json to start from (needed for a repository other than public-good)')
    .option('--json', 'print the installed root as one JSON object')
    .action(async (o: { from?: string; mirror?: string; tufRoot?: string; json?: boolean }) => (await rootActions()).update(ctx, o));
  return trust;
}
