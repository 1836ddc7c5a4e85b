import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { SignetError } from '../../engine/errors.js';
import { algorithmName, type KeyAlgorithm } from '../../engine/keys/algorithms.js';
import type { CliContext } from '../context.js';
import { generateKeyFiles } from '../generate-key-files.js';
import { keyStore, printKeyList } from '../key-resolution.js';
import { readKeyFile } from '../keys-from-files.js';
import { readPassword } from '../password.js';
import { writeNewFile } from '../files.js';
import { recordChange } from '../record-change.js';
import { jsonLine, printable } from '../../../shared/printable.js';

function ed25519Hint(ctx: CliContext, alg: KeyAlgorithm): void {
  if (alg === 'ed25519') ctx.io.err('Note: some admission controllers accept only ECDSA P-256 keys; use --alg ecdsa-p256 for the widest compatibility.');
}

async function askFingerprint(name: string, fingerprint: string): Promise<string> {
  if (!process.stdin.isTTY) {
    throw new SignetError('USAGE', `Deleting "${printable(name)}" destroys its private key for good: run in a terminal to type its fingerprint (${fingerprint}) back, or pass --yes.`);
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(`Deleting "${printable(name)}" destroys its private key for good. Type its fingerprint (${fingerprint}) to confirm: `);
  } finally {
    rl.close();
  }
}

export async function generateFile(ctx: CliContext, prefix: string, o: { alg: KeyAlgorithm }): Promise<void> {
  const r = await generateKeyFiles(prefix, o.alg);
  ctx.io.out(`Private key written to ${printable(r.privatePath)}\nPublic key written to ${printable(r.publicPath)}\nFingerprint ${r.fingerprint}`);
  ed25519Hint(ctx, o.alg);
}

export async function generate(ctx: CliContext, name: string, o: { alg: KeyAlgorithm; json?: boolean }): Promise<void> {
  const meta = await keyStore(ctx).generate(name, o.alg);
  await recordChange(ctx, { kind: 'key', action: 'generated', subject: meta.name, fingerprint: meta.fingerprint, details: { algorithm: meta.algorithm } });
  ctx.io.out(o.json ? jsonLine(meta) : `Generated ${algorithmName(meta.algorithm)} key "${printable(meta.name)}" (id ${meta.id}) in the OS keychain\nFingerprint ${meta.fingerprint}`);
  ed25519Hint(ctx, o.alg);
}

export async function list(ctx: CliContext, o: { json?: boolean }): Promise<void> {
  printKeyList(ctx, o.json, await keyStore(ctx).list(), 'No keys yet: signet keys generate NAME, or signet keys import FILE --name NAME.',
    (k) => `${printable(k.name).padEnd(20)} ${k.algorithm.padEnd(10)} ${k.fingerprint}  id ${k.id}  created ${k.created}${k.inKeychain ? '' : '  MISSING from the keychain'}`);
}

export async function rename(ctx: CliContext, name: string, newName: string): Promise<void> {
  const store = keyStore(ctx);
  const before = await store.get(name);
  const meta = await store.rename(name, newName);
  await recordChange(ctx, { kind: 'key', action: 'renamed', subject: meta.name, fingerprint: meta.fingerprint, details: { from: before.name } });
  ctx.io.out(`Renamed to "${printable(meta.name)}" (${meta.fingerprint})`);
}

export async function remove(ctx: CliContext, name: string, o: { yes?: boolean }): Promise<void> {
  const store = keyStore(ctx);
  let confirm: string | true = true;
  if (!o.yes) {
    const meta = await store.get(name);
    confirm = await askFingerprint(meta.name, meta.fingerprint);
  }
  const meta = await store.delete(name, confirm);
  await recordChange(ctx, { kind: 'key', action: 'deleted', subject: meta.name, fingerprint: meta.fingerprint, details: { algorithm: meta.algorithm } });
  ctx.io.out(`Deleted "${printable(meta.name)}" (${meta.fingerprint}) from the OS keychain`);
}

export async function importKey(ctx: CliContext, file: string, o: { name: string; json?: boolean }): Promise<void> {
  const pem = await readKeyFile(file);
  const store = keyStore(ctx);
  await store.list(); // a missing keychain is reported before the password is asked for
  const meta = await store.importCosignKey(pem, await readPassword(`Password for ${printable(file)}: `, ctx.io.env), o.name).catch((e: unknown) => {
    if (e instanceof SignetError && (e.code === 'KEY_PASSWORD_WRONG' || e.code === 'KEY_INVALID')) {
      throw new SignetError(e.code, `${file}: ${e.message} Nothing was imported.`);
    }
    throw e;
  });
  await recordChange(ctx, { kind: 'key', action: 'imported', subject: meta.name, fingerprint: meta.fingerprint, details: { algorithm: meta.algorithm } });
  ctx.io.out(o.json ? jsonLine(meta) : `Imported ${algorithmName(meta.algorithm)} key "${printable(meta.name)}" (id ${meta.id}) into the OS keychain\nFingerprint ${meta.fingerprint}`);
}

export async function exportPublic(ctx: CliContext, name: string, o: { out?: string }): Promise<void> {
  const { meta, publicKey } = await keyStore(ctx).publicKey(name);
  if (o.out) {
    await writeNewFile(o.out, publicKey.pem, 0o644);
    ctx.io.err(`Public key of "${printable(meta.name)}" written to ${printable(o.out)}`);
  } else {
    ctx.io.out(publicKey.pem.replace(/\n$/, ''));
  }
  ctx.io.err(`Fingerprint ${publicKey.fingerprint}`);
}

export async function exportPrivate(ctx: CliContext, name: string, o: { out: string }): Promise<void> {
  const store = keyStore(ctx);
  await store.get(name);
  const password = await readPassword('Password for the exported key (at least 8 characters): ', ctx.io.env, true);
  const { meta, pem } = await store.exportCosignKey(name, password);
  await writeNewFile(o.out, pem, 0o600);
  // Where the private key went is what an auditor asks first; the password is never recorded.
  await recordChange(ctx, { kind: 'key', action: 'exported-private', subject: meta.name, fingerprint: meta.fingerprint, details: { file: resolve(o.out) } });
  ctx.io.out(`Private key of "${printable(meta.name)}" written to ${printable(o.out)}, encrypted as cosign does (use it with COSIGN_PASSWORD)\nFingerprint ${meta.fingerprint}`);
}
