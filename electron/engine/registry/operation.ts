import { AsyncLocalStorage } from 'node:async_hooks';
import { setMaxListeners } from 'node:events';
import { SignetError } from '../errors.js';

/**
 * One operation a person asked for (signing an image, a push, the check of one image of a batch)
 * as a scope over every registry request made for it. The scope travels with the async context
 * (AsyncLocalStorage), so the client finds it without an argument threaded through every call.
 *
 * It holds a retry budget shared by all the operation's requests, instead of a fixed number of
 * attempts per request: under random faults one request may meet a streak of them while the
 * operation as a whole is healthy, and what should end the operation is the registry failing
 * much of what is asked, not one unlucky request. The budget is a reserve of retries plus a
 * fraction of every request answered (the retry budget of Finagle and gRPC), so a long push may
 * retry more than a short check, and a registry that fails everything cannot be retried forever.
 *
 * It may also hold a wall-clock budget: when that runs out, the operation ends at once with
 * "gave up after N s", and everything it still has in flight is aborted through its signal
 * (which the transport hands to undici, so no request keeps running or holds a connection).
 */
export interface OperationOptions {
  /** For messages: "signing r.example/app:v1". */
  what: string;
  /** Retries allowed before any request was answered (default RETRY_RESERVE). */
  retryReserve?: number;
  /** The wall-clock budget in ms; none by default (each request still has its own deadline). */
  budgetMs?: number;
}

/** Retries an operation may make before any of its requests was answered. */
export const RETRY_RESERVE = 24;
/** Requests answered that earn one more retry: retries stay under a fifth of the requests, plus the reserve. */
export const ANSWERS_PER_RETRY = 5;

const storage = new AsyncLocalStorage<Operation>();

export class Operation {
  readonly what: string;
  readonly budgetMs: number | undefined;
  readonly deadline: number | undefined;
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private readonly reserve: number;
  private answers = 0;
  private spent = 0;
  private lastFailure: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private unlinkParent: (() => void) | undefined;
  private giveUp: ((e: Error) => void) | undefined;

  constructor(opts: OperationOptions, parent?: Operation) {
    this.what = opts.what;
    this.reserve = opts.retryReserve ?? RETRY_RESERVE;
    this.signal = this.controller.signal;
    setMaxListeners(0, this.signal); // one listener per exchange in flight: a check may fetch many payloads at once
    this.budgetMs = opts.budgetMs;
    const own = opts.budgetMs === undefined ? undefined : Date.now() + opts.budgetMs;
    this.deadline = parent?.deadline === undefined ? own : own === undefined ? parent.deadline : Math.min(own, parent.deadline);
    // Not unref'd: work stuck on something that never settles still ends with "gave up".
    if (opts.budgetMs !== undefined) this.timer = setTimeout(() => this.abort(this.timeUp()), opts.budgetMs);
    if (parent !== undefined) {
      const onAbort = () => this.abort(parent.signal.reason as Error);
      if (parent.signal.aborted) onAbort();
      parent.signal.addEventListener('abort', onAbort, { once: true });
      this.unlinkParent = () => parent.signal.removeEventListener('abort', onAbort);
    }
  }

  /** Retries spent so far. */
  get retries(): number {
    return this.spent;
  }

  /** One request was answered (whatever the status): every ANSWERS_PER_RETRY of them earn a retry. */
  answered(): void {
    this.answers += 1;
  }

  /** Takes one retry from the budget; false when none is left. `reason` is kept for a later "gave up". */
  takeRetry(reason: string): boolean {
    this.lastFailure = reason;
    if (this.spent >= this.reserve + Math.floor(this.answers / ANSWERS_PER_RETRY)) return false;
    this.spent += 1;
    return true;
  }

  /** Milliseconds until the wall-clock budget runs out (Infinity without one). */
  remainingMs(): number {
    return this.deadline === undefined ? Infinity : this.deadline - Date.now();
  }

  /** Runs `fn` in this operation; ends when it does or, at the latest, when the budget runs out. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const work = storage.run(this, fn);
    if (this.timer === undefined && this.unlinkParent === undefined) return work;
    const givenUp = new Promise<never>((_, reject) => {
      this.giveUp = reject;
    });
    if (this.signal.aborted) this.giveUp?.(this.signal.reason as Error);
    work.catch(() => { /* reported through the race below, or abandoned after giving up */ });
    return Promise.race([work, givenUp]);
  }

  /** Stops the clock and the link to an enclosing operation; in-flight work is left alone. */
  end(): void {
    clearTimeout(this.timer);
    this.unlinkParent?.();
  }

  private abort(reason: Error): void {
    if (this.signal.aborted) return;
    // Settle the operation first: what the aborted requests throw next must not become its result.
    this.giveUp?.(reason);
    this.controller.abort(reason);
  }

  private timeUp(): SignetError {
    const last = this.lastFailure !== undefined ? ` The last problem: ${this.lastFailure}.` : '';
    return new SignetError('NETWORK', `Gave up after ${seconds(this.budgetMs ?? 0)} s, the time allowed for ${this.what}.${last}`, { budgetMs: this.budgetMs });
  }
}

/** The operation the calling code runs in, if any. */
export function currentOperation(): Operation | undefined {
  return storage.getStore();
}

/**
 * Runs `fn` as an operation. Inside another operation, without a budget of its own, it is part
 * of that one (a push and the signing that follows it share one retry budget); with a budget it
 * is a new operation that still ends when the enclosing one does.
 */
export async function inOperation<T>(opts: OperationOptions, fn: () => Promise<T>): Promise<T> {
  const parent = storage.getStore();
  if (parent !== undefined && opts.budgetMs === undefined) return fn();
  const op = new Operation(opts, parent);
  try {
    return await op.run(fn);
  } finally {
    op.end();
  }
}

/**
 * Runs `fn` outside any operation: for work shared by several operations (a bearer token that
 * concurrent checks wait on), which one operation's end must not abort for the others.
 */
export function outsideOperation<T>(fn: () => T): T {
  return storage.exit(fn);
}

/** "2", "1.5": seconds for messages. */
export function seconds(ms: number): string {
  return ms % 1000 === 0 ? String(ms / 1000) : (ms / 1000).toFixed(1);
}
