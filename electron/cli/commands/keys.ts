import { createInterface } from 'node:readline/promises';
import { Option, type Command } from 'commander';
import { SignetError } from '../../engine/errors.js';
import { fingerprintMatches } from '../../engine/keystore/keychain-key-store.js';
import { algorithmName, type KeyAlgorithm } from '../../engine/keys/algorithms.js';
import type { CliContext } from '../context.js';
import { generateKeyFiles } from '../generate-key-files.js';
import { keyStore, printKeyList } from '../key-resolution.js';
import { readKeyFile } from '../keys-from-files.js';
import { readPassword } from '../password.js';
import { writeNewFile } from '../files.js';

const ALG_OPTION = () => new Option('--alg <algorithm>', 'key algorithm').choices(['ed25519', 'ecdsa-p256']).default('ed25519');

function ed25519Hint(ctx: CliContext, alg: KeyAlgorithm): void {
  if (alg === 'ed25519') ctx.io.err('Note: some admission controllers accept only ECDSA P-256 keys; use --alg ecdsa-p256 for the widest compatibility.');
}

async function askFingerprint(name: string, fingerprint: string): Promise<string> {
  if (!process.stdin.isTTY) {
    throw new SignetError('USAGE', `Deleting "${name}" destroys its private key for good: run in a terminal to type its fingerprint (${fingerprint}) back, or pass --yes.`);
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(`Deleting "${name}" destroys its private key for good. Type its fingerprint (${fingerprint}) to confirm: `);
  } finally {
    rl.close();
  }
}

export function registerKeys(program: Command, ctx: CliContext): Command {
  const keys = program.command('keys').description('manage signing keys (in the OS keychain, or as cosign key files)');
  keys.command('generate-file')
    .description('write PREFIX.key (encrypted with COSIGN_PASSWORD or a prompted password) and PREFIX.pub, as cosign generate-key-pair does')
    .argument('<prefix>', 'path prefix, e.g. ./cosign')
    .addOption(ALG_OPTION())
    .action(async (prefix: string, o: { alg: KeyAlgorithm }) => {
      const r = await generateKeyFiles(prefix, o.alg);
      ctx.io.out(`Private key written to ${r.privatePath}\nPublic key written to ${r.publicPath}\nFingerprint ${r.fingerprint}`);
      ed25519Hint(ctx, o.alg);
    });

  keys.command('generate')
    .description('generate a key in the OS keychain')
    .argument('<name>', 'a name for the key')
    .addOption(ALG_OPTION())
    .option('--json', 'print the key\'s metadata as JSON')
    .action(async (name: string, o: { alg: KeyAlgorithm; json?: boolean }) => {
      const meta = await keyStore(ctx).generate(name, o.alg);
      ctx.io.out(o.json ? JSON.stringify(meta) : `Generated ${algorithmName(meta.algorithm)} key "${meta.name}" (id ${meta.id}) in the OS keychain\nFingerprint ${meta.fingerprint}`);
      ed25519Hint(ctx, o.alg);
    });

  keys.command('list')
    .description('list the keys in the OS keychain')
    .option('--json', 'print a JSON array')
    .action(async (o: { json?: boolean }) => {
      printKeyList(ctx, o.json, await keyStore(ctx).list(), 'No keys yet: signet keys generate NAME, or signet keys import FILE --name NAME.',
        (k) => `${k.name.padEnd(20)} ${k.algorithm.padEnd(10)} ${k.fingerprint}  id ${k.id}  created ${k.created}${k.inKeychain ? '' : '  MISSING from the keychain'}`);
    });

  keys.command('rename')
    .description('rename a keychain key')
    .argument('<name>', 'the key\'s name or id')
    .argument('<new>', 'the new name')
    .action(async (name: string, newName: string) => {
      const meta = await keyStore(ctx).rename(name, newName);
      ctx.io.out(`Renamed to "${meta.name}" (${meta.fingerprint})`);
    });

  keys.command('delete')
    .description('delete a keychain key for good (type its fingerprint back, or --yes)')
    .argument('<name>', 'the key\'s name or id')
    .option('--yes', 'do not ask for the fingerprint')
    .action(async (name: string, o: { yes?: boolean }) => {
      const store = keyStore(ctx);
      let confirm: string | true = true;
      if (!o.yes) {
        const meta = await store.get(name);
        confirm = await askFingerprint(meta.name, meta.fingerprint);
      }
      const meta = await store.delete(name, confirm);
      ctx.io.out(`Deleted "${meta.name}" (${meta.fingerprint}) from the OS keychain`);
    });

  keys.command('import')
    .description('import a cosign private key file into the OS keychain (password from COSIGN_PASSWORD or a prompt)')
    .argument('<file>', 'cosign.key (ENCRYPTED SIGSTORE PRIVATE KEY or ENCRYPTED COSIGN PRIVATE KEY)')
    .requiredOption('--name <name>', 'a name for the key')
    .option('--json', 'print the key\'s metadata as JSON')
    .action(async (file: string, o: { name: string; json?: boolean }) => {
      const pem = await readKeyFile(file);
      const store = keyStore(ctx);
      await store.list(); // a missing keychain is reported before the password is asked for
      const meta = await store.importCosignKey(pem, await readPassword(`Password for ${file}: `, ctx.io.env), o.name).catch((e: unknown) => {
        if (e instanceof SignetError && (e.code === 'KEY_PASSWORD_WRONG' || e.code === 'KEY_INVALID')) {
          throw new SignetError(e.code, `${file}: ${e.message} Nothing was imported.`);
        }
        throw e;
      });
      ctx.io.out(o.json ? JSON.stringify(meta) : `Imported ${algorithmName(meta.algorithm)} key "${meta.name}" (id ${meta.id}) into the OS keychain\nFingerprint ${meta.fingerprint}`);
    });

  keys.command('export-public')
    .description('print a key\'s public key (PEM) on stdout, its fingerprint on stderr')
    .argument('<name>', 'the key\'s name or id')
    .option('--out <file>', 'write the PEM to this file instead')
    .action(async (name: string, o: { out?: string }) => {
      const { meta, publicKey } = await keyStore(ctx).publicKey(name);
      if (o.out) {
        await writeNewFile(o.out, publicKey.pem, 0o644);
        ctx.io.err(`Public key of "${meta.name}" written to ${o.out}`);
      } else {
        ctx.io.out(publicKey.pem.replace(/\n$/, ''));
      }
      ctx.io.err(`Fingerprint ${publicKey.fingerprint}`);
    });

  keys.command('export-private')
    .description('write a key as a cosign-encrypted private key file (e.g. for a CI secret); password from COSIGN_PASSWORD or a prompt, at least 8 characters')
    .argument('<name>', 'the key\'s name or id')
    .requiredOption('--out <file>', 'the file to write (never overwritten)')
    .action(async (name: string, o: { out: string }) => {
      const store = keyStore(ctx);
      await store.get(name);
      const password = await readPassword('Password for the exported key (at least 8 characters): ', ctx.io.env, true);
      const { meta, pem } = await store.exportCosignKey(name, password);
      await writeNewFile(o.out, pem, 0o600);
      ctx.io.out(`Private key of "${meta.name}" written to ${o.out}, encrypted as cosign does (use it with COSIGN_PASSWORD)\nFingerprint ${meta.fingerprint}`);
    });
  return keys;
}
