import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { SignetError } from '../../engine/errors.js';
import { shortFingerprint } from '../../engine/cosign/verdict.js';
import type { CliContext } from '../context.js';
import { printKeyList, trustStore } from '../key-resolution.js';
import { readKeyFile } from '../keys-from-files.js';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new SignetError('USAGE', 'Paste the public key (PEM) on stdin, or give a file: signet trust add FILE --name NAME.');
  return readFileSync(0, 'utf8');
}

export function registerTrust(program: Command, ctx: CliContext): Command {
  const trust = program.command('trust').description('teammates\' public keys that verify uses (besides your own keys)');
  trust.command('add')
    .description('trust a teammate\'s public key (a PEM file, or - for stdin)')
    .argument('<file>', 'PUBLIC KEY PEM file, e.g. their cosign.pub; - reads stdin')
    .requiredOption('--name <name>', 'who the key belongs to, e.g. Alice')
    .option('--json', 'print the entry as JSON')
    .action(async (file: string, o: { name: string; json?: boolean }) => {
      const pem = file === '-' ? await readStdin() : await readKeyFile(file);
      const entry = await trustStore(ctx).add(pem, o.name).catch((e: unknown) => {
        if (e instanceof SignetError && (e.code === 'KEY_INVALID' || e.code === 'KEY_UNSUPPORTED')) throw new SignetError(e.code, `${file === '-' ? 'stdin' : file}: ${e.message}`);
        throw e;
      });
      ctx.io.out(o.json ? JSON.stringify(entry) : `Trusted "${entry.name}" (${entry.algorithm})\nFingerprint ${entry.fingerprint}\nCheck this fingerprint with ${entry.name} over another channel before relying on it.`);
    });

  trust.command('list')
    .description('list trusted keys (revoked ones are marked)')
    .option('--json', 'print a JSON array')
    .action(async (o: { json?: boolean }) => {
      printKeyList(ctx, o.json, await trustStore(ctx).list(), 'No trusted keys yet: signet trust add FILE --name NAME.',
        (e) => `${e.name.padEnd(20)} ${e.algorithm.padEnd(10)} ${e.fingerprint}  added ${e.added}${e.revokedAt ? `  REVOKED ${e.revokedAt}` : ''}`);
    });

  trust.command('revoke')
    .description('revoke a trusted key: it is kept, and its signatures now give the "revoked" verdict')
    .argument('<name>', 'the trusted key\'s name or fingerprint')
    .action(async (name: string) => {
      const { entry, already } = await trustStore(ctx).revoke(name);
      ctx.io.out(already
        ? `"${entry.name}" (${shortFingerprint(entry.fingerprint)}) was already revoked on ${entry.revokedAt}`
        : `Revoked "${entry.name}" (${entry.fingerprint}) at ${entry.revokedAt}: images signed only by this key now verify as revoked`);
    });

  trust.command('remove')
    .description('forget a trusted key (its signatures then count as by an unknown key)')
    .argument('<name>', 'the trusted key\'s name or fingerprint')
    .action(async (name: string) => {
      const entry = await trustStore(ctx).remove(name);
      ctx.io.out(`Removed "${entry.name}" (${entry.fingerprint}) from the trust store`);
    });
  return trust;
}
