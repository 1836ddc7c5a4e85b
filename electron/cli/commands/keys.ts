import { Option, type Command } from 'commander';
import type { KeyAlgorithm } from '../../engine/keys/algorithms.js';
import type { CliContext } from '../context.js';

const ALG_OPTION = () => new Option('--alg <algorithm>', 'key algorithm').choices(['ed25519', 'ecdsa-p256']).default('ed25519');
const actions = () => import('../actions/keys.js');

export function registerKeys(program: Command, ctx: CliContext): Command {
  const keys = program.command('keys').description('manage signing keys (in the OS keychain, or as cosign key files)');
  keys.command('generate-file')
    .description('write PREFIX.key (encrypted with COSIGN_PASSWORD or a prompted password) and PREFIX.pub, as cosign generate-key-pair does')
    .argument('<prefix>', 'path prefix, e.g. ./cosign')
    .addOption(ALG_OPTION())
    .action(async (prefix: string, o: { alg: KeyAlgorithm }) => (await actions()).generateFile(ctx, prefix, o));

  keys.command('generate')
    .description('generate a key in the OS keychain')
    .argument('<name>', 'a name for the key')
    .addOption(ALG_OPTION())
    .option('--json', 'print the key\'s metadata as JSON')
    .action(async (name: string, o: { alg: KeyAlgorithm; json?: boolean }) => (await actions()).generate(ctx, name, o));

  keys.command('list')
    .description('list the keys in the OS keychain')
    .option('--json', 'print a JSON array')
    .action(async (o: { json?: boolean }) => (await actions()).list(ctx, o));

  keys.command('rename')
    .description('rename a keychain key')
    .argument('<name>', 'the key\'s name or id')
    .argument('<new>', 'the new name')
    .action(async (name: string, newName: string) => (await actions()).rename(ctx, name, newName));

  keys.command('delete')
    .description('delete a keychain key for good (type its fingerprint back, or --yes)')
    .argument('<name>', 'the key\'s name or id')
    .option('--yes', 'do not ask for the fingerprint')
    .action(async (name: string, o: { yes?: boolean }) => (await actions()).remove(ctx, name, o));

  keys.command('import')
    .description('import a cosign private key file into the OS keychain (password from COSIGN_PASSWORD or a prompt)')
    .argument('<file>', 'cosign.key (ENCRYPTED SIGSTORE PRIVATE KEY or ENCRYPTED COSIGN PRIVATE KEY)')
    .requiredOption('--name <name>', 'a name for the key')
    .option('--json', 'print the key\'s metadata as JSON')
    .action(async (file: string, o: { name: string; json?: boolean }) => (await actions()).importKey(ctx, file, o));

  keys.command('export-public')
    .description('print a key\'s public key (PEM) on stdout, its fingerprint on stderr')
    .argument('<name>', 'the key\'s name or id')
    .option('--out <file>', 'write the PEM to this file instead')
    .action(async (name: string, o: { out?: string }) => (await actions()).exportPublic(ctx, name, o));

  keys.command('export-private')
    .description('write a key as a cosign-encrypted private key file (e.g. for a CI secret); password from COSIGN_PASSWORD or a prompt, at least 8 characters')
    .argument('<name>', 'the key\'s name or id')
    .requiredOption('--out <file>', 'the file to write (never overwritten)')
    .action(async (name: string, o: { out: string }) => (await actions()).exportPrivate(ctx, name, o));
  return keys;
}
