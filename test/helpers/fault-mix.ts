// A seeded mix of faults for the fault proxy: at `rate` of requests, one of a connection reset,
// a stall past the client's timeout, 500/502/503, 429 with Retry-After, or a short read (the
// response cut after a few bytes). Seeded so a failing run can be replayed (SIGNET_FAULT_SEED).
// `kinds` chooses which faults are drawn, uniformly; a kind listed twice is drawn twice as often.
import type { FaultAction, ProxyRequestRecord } from './fault-proxy.js';

export type FaultKind = 'reset' | 'stall' | '500' | '502' | '503' | '429' | 'truncate';
/** Every kind once, in the order the draws have always used (so old seeds replay the same faults). */
export const ALL_FAULTS: readonly FaultKind[] = ['reset', 'stall', '500', '502', '503', '429', 'truncate'];

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

export function faultMix(opts: { rate?: number; stallMs: number; seed?: number; only?: (req: ProxyRequestRecord) => boolean; kinds?: readonly FaultKind[] }): FaultMix {
  const seed = opts.seed ?? Number(process.env.SIGNET_FAULT_SEED ?? Math.floor(Math.random() * 2 ** 31));
  const rand = prng(seed);
  const rate = opts.rate ?? 0.1;
  const kinds = opts.kinds ?? ALL_FAULTS;
  const counts: Record<string, number> = {};
  const mix: FaultMix = {
    seed,
    counts,
    enabled: true,
    handler: (req) => {
      if (!mix.enabled || (opts.only && !opts.only(req)) || rand() >= rate) return { kind: 'pass' };
      const kind = kinds[Math.floor(rand() * kinds.length)]!;
      const truncateAt = Math.floor(rand() * 40);
      counts[kind] = (counts[kind] ?? 0) + 1;
      switch (kind) {
        case 'reset': return { kind: 'reset' };
        case 'stall': return { kind: 'stall', ms: opts.stallMs };
        case '500': case '502': case '503': return { kind: 'status', status: Number(kind), body: 'injected' };
        case '429': return { kind: 'status', status: 429, headers: { 'Retry-After': '1' }, body: 'slow down' };
        case 'truncate': return { kind: 'truncate', bytes: truncateAt };
      }
    },
  };
  return mix;
}
