#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isSignetError } from '../engine/errors.js';
import { createContext, EXIT, collect, guardedIo, type Io } from './context.js';
import { printableText } from '../../shared/printable.js';
// Option definitions only: each command imports its actions (and with them the engine, undici,
// yaml, keytar) when it runs, so start-up and --help load commander and little else.
import { registerSign } from './commands/sign.js';
import { registerVerify } from './commands/verify.js';
import { registerInspect } from './commands/inspect.js';
import { registerPush } from './commands/push.js';
import { registerImages } from './commands/images.js';
import { registerKeys } from './commands/keys.js';
import { registerTrust } from './commands/trust.js';
import { registerPolicy } from './commands/policy.js';
import { registerLog } from './commands/log.js';

export { EXIT };

export function buildProgram(unguarded: Io, setExit: (code: number) => void): Command {
  const io = guardedIo(unguarded); // commander's own output too (help, usage errors naming the arguments)
  const program = new Command('signet')
    .description('Sign and verify container images (cosign-compatible).')
    .option('--debug', 'print registry requests, credential sources and stack traces (never secrets)')
    .option('--allow-http <host>', 'allow plain HTTP to this non-loopback registry (repeatable)', collect, [])
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => io.out(s.replace(/\n$/, '')), writeErr: (s) => io.err(s.replace(/\n$/, '')) })
    .exitOverride();
  const ctx = createContext(program, io, setExit);
  registerSign(program, ctx);
  registerVerify(program, ctx);
  registerInspect(program, ctx);
  registerPush(program, ctx);
  registerImages(program, ctx);
  registerKeys(program, ctx);
  registerTrust(program, ctx);
  registerPolicy(program, ctx);
  registerLog(program, ctx);
  return program;
}

const defaultIo: Io = { out: (s) => process.stdout.write(`${s}\n`), err: (s) => process.stderr.write(`${s}\n`), env: process.env };

/** Runs the CLI and returns the exit code; hosts and tests call this instead of spawning. */
export async function runCli(argv: string[], unguarded: Io = defaultIo): Promise<number> {
  const io = guardedIo(unguarded);
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
      // Messages embed tags, paths, registry text: one line, escaped (shared/printable.ts).
      io.err(`signet: ${printableText(e.message)}`);
      if (debug && e.stack) io.err(stackOf(e));
      return e.code === 'USAGE' || e.code === 'REFERENCE_INVALID' ? EXIT.USAGE : EXIT.ERROR;
    }
    io.err(`signet: unexpected error: ${printableText((e as Error).message ?? String(e))}${debug ? '' : ' (run with --debug for details)'}`);
    if (debug && e instanceof Error && e.stack) io.err(stackOf(e));
    return EXIT.ERROR;
  }
}

/** The stack trace for --debug, its message on one line as above (the frames are Signet's own). */
function stackOf(e: Error): string {
  return (e.stack ?? '').replace(e.message, () => printableText(e.message)); // a function: no $-patterns
}

function isMain(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  process.exitCode = await runCli(process.argv.slice(2));
}
