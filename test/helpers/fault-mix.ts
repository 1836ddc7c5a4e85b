// A seeded mix of faults for the fault proxy: at `rate` of requests, one of a connection reset,
// a stall past the client's timeout, 500/502/503, 429 with Retry-After, or a short read (the
// response cut after a few bytes). Seeded so a failing run can be replayed (SIGNET_FAULT_SEED).
import type { FaultAction, ProxyRequestRecord } from './fault-proxy.js';

export interface FaultMix {
  handler: (req: ProxyRequestRecord, n: number) => FaultAction;
  /** How many of each fault were injected. */
  counts: Record<string, number>;
  seed: number;
  enabled: boolean;
}

/** mulberry32: a tiny deterministic PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function faultMix(opts: { rate?: number; stallMs: number; seed?: number; only?: (req: ProxyRequestRecord) => boolean }): FaultMix {
  const seed = opts.seed ?? Number(process.env.SIGNET_FAULT_SEED ?? Math.floor(Math.random() * 2 ** 31));
  const rand = prng(seed);
  const rate = opts.rate ?? 0.1;
  const counts: Record<string, number> = {};
  const mix: FaultMix = {
    seed,
    counts,
    enabled: true,
    handler: (req) => {
      if (!mix.enabled || (opts.only && !opts.only(req)) || rand() >= rate) return { kind: 'pass' };
      const pick = Math.floor(rand() * 7);
      const action: FaultAction = [
        { kind: 'reset' } as const,
        { kind: 'stall', ms: opts.stallMs } as const,
        { kind: 'status', status: 500, body: 'injected' } as const,
        { kind: 'status', status: 502, body: 'injected' } as const,
        { kind: 'status', status: 503, body: 'injected' } as const,
        { kind: 'status', status: 429, headers: { 'Retry-After': '1' }, body: 'slow down' } as const,
        { kind: 'truncate', bytes: Math.floor(rand() * 40) } as const,
      ][pick]!;
      const name = action.kind === 'status' ? String(action.status) : action.kind;
      counts[name] = (counts[name] ?? 0) + 1;
      return action;
    },
  };
  return mix;
}
