import { Option, type Command } from 'commander';
import type { CliContext } from '../context.js';
import { generateKeyFiles } from '../generate-key-files.js';

export function registerKeys(program: Command, ctx: CliContext): Command {
  const keys = program.command('keys').description('manage signing keys');
  keys.command('generate-file')
    .description('write PREFIX.key (encrypted with COSIGN_PASSWORD or a prompted password) and PREFIX.pub, as cosign generate-key-pair does')
    .argument('<prefix>', 'path prefix, e.g. ./cosign')
    .addOption(new Option('--alg <algorithm>', 'key algorithm').choices(['ed25519', 'ecdsa-p256']).default('ed25519'))
    .action(async (prefix: string, o: { alg: 'ed25519' | 'ecdsa-p256' }) => {
      const r = await generateKeyFiles(prefix, o.alg);
      ctx.io.out(`Private key written to ${r.privatePath}\nPublic key written to ${r.publicPath}\nFingerprint ${r.fingerprint}`);
      if (o.alg === 'ed25519') ctx.io.err('Note: some admission controllers accept only ECDSA P-256 keys; use --alg ecdsa-p256 for the widest compatibility.');
    });
  return keys;
}
