/**
 * What a change to the keys would do to the images last listed (last-listings.ts), before the
 * user confirms it: each row's signatures are re-decided with that key revoked, restored or
 * gone, by the engine's own verdict rule (decideVerdict), and the rows whose verdict moves are
 * the impact. Pure, so every rule is unit-tested.
 */
import { decideVerdict, type SignatureReport as EngineReport } from '../engine/cosign/verdict.js';
import type { ImageRow, SignatureReport, Verdict } from '../../shared/api.js';

export type KeyChange = 'revoke' | 'restore' | 'remove';

export interface ImageImpact {
  image: string;
  from: Verdict;
  to: Verdict;
}

/** One signature as it would be reported after `change` to the key with `fingerprint`. */
function changed(s: SignatureReport, change: KeyChange, fingerprint: string): SignatureReport {
  if (s.keyFingerprint !== fingerprint) return s;
  if (s.keyClaimed) {
    // A signature that claims a trusted key but fails with it is INVALID; once the key is gone,
    // the claim names a key nobody trusts, and the signature is one by an unknown key.
    return change === 'remove' && s.status === 'invalid' ? { ...s, status: 'unknown-key', ok: false } : s;
  }
  if (change === 'revoke' && s.status === 'verified') return { ...s, status: 'revoked', ok: false };
  if (change === 'restore' && s.status === 'revoked') return { ...s, status: 'verified', ok: true };
  if (change === 'remove' && (s.status === 'verified' || s.status === 'revoked')) return { ...s, status: 'unknown-key', ok: false };
  return s;
}

/** The rows whose verdict `change` to the key `fingerprint` would move, with before and after. */
export function keyChangeImpact(rows: readonly ImageRow[], change: KeyChange, fingerprint: string): ImageImpact[] {
  const out: ImageImpact[] = [];
  for (const row of rows) {
    if (row.signatures.length === 0 || !row.signatures.some((s) => s.keyFingerprint === fingerprint)) continue;
    const after = row.signatures.map((s) => changed(s, change, fingerprint));
    // The shared report is the engine's, structurally (shared/api.ts mirrors it).
    const to = decideVerdict(true, after as unknown as EngineReport[], row.image).verdict;
    if (to !== row.verdict) out.push({ image: row.image, from: row.verdict, to });
  }
  return out;
}
