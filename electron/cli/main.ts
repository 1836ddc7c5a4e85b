#!/usr/bin/env node
import { Command, CommanderError, Option } from 'commander';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Engine } from '../engine/engine.js';
import { SignetError, isSignetError } from '../engine/errors.js';
import type { TrustedKey } from '../engine/cosign/verdict.js';
import { formatInspect, formatSign, formatVerify } from './output.js';
import { startProgress } from './progress.js';
import { signerFromKeyFile, trustedKeyFromFile } from './keys-from-files.js';
import { generateKeyFiles } from './generate-key-files.js';

/** Exit codes: verify 0 = all verified, 1 = definitely not, 2 = could not check; 64 = usage (sysexits). */
export const EXIT = { OK: 0, NOT_VERIFIED: 1, ERROR: 2, USAGE: 64 } as const;

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  env: NodeJS.ProcessEnv;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseAnnotations(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new SignetError('USAGE', `The annotation "${p}" is not key=value.`);
    out[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return out;
}

interface GlobalOpts { debug?: boolean; allowHttp: string[] }

function makeEngine(g: GlobalOpts, io: Io): Engine {
  return new Engine({
    registry: {
      allowHttp: g.allowHttp,
      ...(g.debug ? { debug: (m: string) => io.err(`debug: ${m}`) } : {}),
    },
  });
}

export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command('signet')
    .description('Sign and verify container images (cosign-compatible).')
    .option('--debug', 'print registry requests, credential sources and stack traces (never secrets)')
    .option('--allow-http <host>', 'allow plain HTTP to this non-loopback registry (repeatable)', collect, [])
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => io.out(s.replace(/\n$/, '')), writeErr: (s) => io.err(s.replace(/\n$/, '')) })
    .exitOverride();
  const globals = () => program.opts<GlobalOpts>();

  program.command('sign')
    .description('sign an image in a registry with a cosign key file')
    .argument('<image>', 'host[:port]/repo[:tag|@digest]')
    .requiredOption('--key <file>', 'cosign private key (password from COSIGN_PASSWORD or a prompt)')
    .option('-a, --annotation <key=value>', 'annotation written into the signed payload (repeatable)', collect, [])
    .option('--no-recursive', 'for a multi-platform index, sign the index only (default: the index and every platform)')
    .option('--json', 'print the result as JSON')
    .action(async (image: string, o: { key: string; annotation: string[]; recursive: boolean; json?: boolean }) => {
      const annotations = parseAnnotations(o.annotation);
      const { signer, name } = await signerFromKeyFile(o.key);
      const engine = makeEngine(globals(), io);
      const progress = startProgress();
      try {
        const result = await engine.sign(image, signer, { annotations, recursive: o.recursive, keyName: name, onProgress: (m) => progress.update(m) });
        progress.done();
        io.out(o.json ? JSON.stringify(result) : formatSign(result));
      } finally {
        progress.done();
        await engine.close();
      }
    });

  program.command('verify')
    .description('verify the signatures of one or more images')
    .argument('<images...>', 'host[:port]/repo[:tag|@digest] ...')
    .option('--key <file>', 'trusted public key PEM (repeatable)', collect, [])
    .option('-a, --annotation <key=value>', 'require this annotation in the signed payload (repeatable)', collect, [])
    .option('--json', 'one JSON object per image, one per line')
    .option('-v, --verbose', 'show every check of every signature')
    .action(async (images: string[], o: { key: string[]; annotation: string[]; json?: boolean; verbose?: boolean }) => {
      const requiredAnnotations = parseAnnotations(o.annotation);
      const keys: TrustedKey[] = [];
      for (const k of o.key) keys.push(await trustedKeyFromFile(k));
      const engine = makeEngine(globals(), io);
      const progress = startProgress();
      try {
        const results = await engine.verify(images, { keys, requiredAnnotations }, (p) => progress.update(`checked ${p.done} of ${p.total} images`));
        progress.done();
        for (const r of results) io.out(o.json ? JSON.stringify(r) : formatVerify(r, o.verbose === true || images.length === 1));
        if (!o.json && results.length > 1) {
          const count = (v: string) => results.filter((r) => r.verdict === v).length;
          io.err(`${results.length} images: ${count('verified')} verified, ${results.length - count('verified') - count('error')} not verified, ${count('error')} could not be checked`);
        }
        setExit(results.every((r) => r.verdict === 'verified') ? EXIT.OK : results.some((r) => r.verdict === 'error') ? EXIT.ERROR : EXIT.NOT_VERIFIED);
      } finally {
        progress.done();
        await engine.close();
      }
    });

  program.command('inspect')
    .description('show an image\'s digest, media type, platforms and the signatures stored for it')
    .argument('<image>', 'host[:port]/repo[:tag|@digest]')
    .option('--json', 'print as JSON')
    .action(async (image: string, o: { json?: boolean }) => {
      const engine = makeEngine(globals(), io);
      try {
        const r = await engine.inspect(image);
        io.out(o.json ? JSON.stringify(r) : formatInspect(r));
      } finally {
        await engine.close();
      }
    });

  const keys = program.command('keys').description('manage signing keys');
  keys.command('generate-file')
    .description('write PREFIX.key (encrypted with COSIGN_PASSWORD or a prompted password) and PREFIX.pub, as cosign generate-key-pair does')
    .argument('<prefix>', 'path prefix, e.g. ./cosign')
    .addOption(new Option('--alg <algorithm>', 'key algorithm').choices(['ed25519', 'ecdsa-p256']).default('ed25519'))
    .action(async (prefix: string, o: { alg: 'ed25519' | 'ecdsa-p256' }) => {
      const r = await generateKeyFiles(prefix, o.alg);
      io.out(`Private key written to ${r.privatePath}\nPublic key written to ${r.publicPath}\nFingerprint ${r.fingerprint}`);
      if (o.alg === 'ed25519') io.err('Note: some admission controllers accept only ECDSA P-256 keys; use --alg ecdsa-p256 for the widest compatibility.');
    });

  return program;
}

/** Runs the CLI and returns the exit code; hosts and tests call this instead of spawning. */
export async function runCli(argv: string[], io: Io = { out: (s) => process.stdout.write(`${s}\n`), err: (s) => process.stderr.write(`${s}\n`), env: process.env }): Promise<number> {
  let code: number = EXIT.OK;
  const program = buildProgram(io, (c) => { code = c; });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.OK;
      return EXIT.USAGE;
    }
    const debug = argv.includes('--debug');
    if (isSignetError(e)) {
      io.err(`signet: ${e.message}`);
      if (debug && e.stack) io.err(e.stack);
      return e.code === 'USAGE' || e.code === 'REFERENCE_INVALID' ? EXIT.USAGE : EXIT.ERROR;
    }
    io.err(`signet: unexpected error: ${(e as Error).message ?? String(e)}${debug ? '' : ' (run with --debug for details)'}`);
    if (debug && e instanceof Error && e.stack) io.err(e.stack);
    return EXIT.ERROR;
  }
}

function isMain(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  const code = await runCli(process.argv.slice(2));
  process.exitCode = code;
}
