import type { Command } from 'commander';
import type { Engine } from '../engine/engine.js';
import { SignetError } from '../engine/errors.js';
import { guardLine } from '../../shared/printable.js';

/** Where the CLI writes, and its environment: injected so tests can run commands in-process. */
export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  env: NodeJS.ProcessEnv;
}

/**
 * The Io every command writes through: each line passes guardLine, so a value from outside that
 * a formatter failed to escape still cannot clear the screen, move the cursor or reorder a line.
 * Formatters escape fields themselves (shared/printable.ts); this is the defence behind them.
 */
export function guardedIo(io: Io): Io {
  return { out: (s) => io.out(guardLine(s)), err: (s) => io.err(guardLine(s)), env: io.env };
}

/** Exit codes: verify 0 = all verified, 1 = definitely not, 2 = could not check; 64 = usage (sysexits). */
export const EXIT = { OK: 0, NOT_VERIFIED: 1, ERROR: 2, USAGE: 64 } as const;

export interface GlobalOpts {
  debug?: boolean;
  allowHttp: string[];
}

/** What every command gets: output, the global flags, a way to set the exit code, and an engine. */
export interface CliContext {
  io: Io;
  globals(): GlobalOpts;
  setExit(code: number): void;
  /** Imported on first use: the engine and its registry client are most of the CLI's start-up time. */
  makeEngine(): Promise<Engine>;
}

export function createContext(program: Command, io: Io, setExit: (code: number) => void): CliContext {
  const globals = () => program.opts<GlobalOpts>();
  return {
    io,
    globals,
    setExit,
    async makeEngine() {
      const { Engine } = await import('../engine/engine.js');
      return new Engine({
        registry: {
          allowHttp: globals().allowHttp,
          // How long a registry may stay silent before the request is retried (default 30 s); CI
          // on a flaky network, and the fault tests, set it lower. How long one whole answer may
          // take (default 60 s), and one image's whole check in a batch (default 120 s).
          ...envMs('SIGNET_HTTP_TIMEOUT_MS', 'timeoutMs'),
          ...envMs('SIGNET_HTTP_DEADLINE_MS', 'deadlineMs'),
          ...envMs('SIGNET_IMAGE_BUDGET_MS', 'imageBudgetMs'),
          ...(globals().debug ? { debug: (m: string) => io.err(`debug: ${m}`) } : {}),
        },
      });
    },
  };
}

/** `{ [option]: ms }` from a positive whole number of milliseconds in the environment, else nothing. */
function envMs<K extends string>(name: string, option: K): Partial<Record<K, number>> {
  const v = Number(process.env[name]);
  return Number.isSafeInteger(v) && v > 0 ? ({ [option]: v } as Record<K, number>) : {};
}

/** commander collector for repeatable options. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `-a key=value` pairs into an object; a pair without `=` is a usage error. */
export function parseAnnotations(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new SignetError('USAGE', `The annotation "${p}" is not key=value.`);
    out[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return out;
}
