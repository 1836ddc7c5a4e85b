import type { VerifyResult } from '../engine/verify.js';
import type { SignResult } from '../engine/sign.js';
import type { InspectResult } from '../engine/inspect.js';
import { shortFingerprint } from '../engine/cosign/verdict.js';
import { printable, printableText } from '../../shared/printable.js';

// Every value shown here may come from a registry, a layout or an archive (references, media
// types, platform strings, payload claims) or from a key file's name: printable() escapes each;
// the engine's sentences (messages, reasons) go through printableText(), which keeps them on one line.

const WORD: Record<VerifyResult['verdict'], string> = {
  verified: 'VERIFIED',
  'unknown-key': 'UNKNOWN KEY',
  invalid: 'INVALID',
  revoked: 'REVOKED',
  unsigned: 'UNSIGNED',
  error: 'NOT CHECKED',
};

export function shortDigest(d: string | undefined): string {
  return d ? `${d.slice(0, 19)}…` : '-';
}

/** Human output of one verify result; reasons are shown when asked or when it is not verified. */
export function formatVerify(r: VerifyResult, detailed: boolean): string {
  const lines = [`${WORD[r.verdict].padEnd(11)} ${printable(r.image)}${r.digest && !r.image.includes('@') ? `@${shortDigest(r.digest)}` : ''}  ${printableText(r.message)}`];
  if (detailed || r.verdict !== 'verified') {
    r.signatures.forEach((s, i) => {
      // A claimed key (named by the signature's key hint, but it did not verify) is not a signer.
      const key = s.keyName ? `${printable(s.keyName)} (${shortFingerprint(s.keyFingerprint ?? '')})` : undefined;
      const who = key === undefined ? 'no trusted key' : s.keyClaimed ? `claims ${key}, but does not verify with it` : key;
      lines.push(`    signature ${i + 1}: ${s.status} — ${who}`);
      for (const reason of s.reasons) lines.push(`      - ${printableText(reason)}`);
    });
  }
  return lines.join('\n');
}

export function formatSign(r: SignResult): string {
  const lines = [`Signed ${printable(r.image)}`, `  identity  ${printable(r.identity)}`];
  for (const s of r.signatures) {
    lines.push(`  ${s.digest}${s.platform ? ` (${printable(s.platform)})` : ''}`);
    lines.push(`    stored at ${printable(s.location)}${s.alreadyPresent ? ' (this signature was already there)' : ''}${s.attempts > 1 ? ` after ${s.attempts} attempts (another signer wrote at the same time)` : ''}`);
    lines.push(`    read back: ${printableText(s.readBack.message)}`);
  }
  return lines.join('\n');
}

export function formatInspect(r: InspectResult): string {
  const lines = [
    `Image       ${printable(r.image)}`,
    `Digest      ${r.digest}`,
    `Media type  ${printable(r.mediaType)}`,
    `Size        ${r.size} bytes`,
  ];
  if (r.layers !== undefined) lines.push(`Layers      ${r.layers}`);
  if (r.platforms.length > 0) {
    lines.push('Platforms');
    for (const p of r.platforms) lines.push(`  ${printable(p.platform).padEnd(16)} ${p.digest}`);
  }
  lines.push(`Signatures  ${r.signatures.length} at tag ${r.signatureTag}`);
  r.signatures.forEach((s, i) => {
    lines.push(`  ${i + 1}. identity ${printable(s.identity ?? '?')}${s.creator ? `, by ${printable(s.creator)}` : ''}${s.timestamp ? `, ${new Date(s.timestamp * 1000).toISOString()}` : ''}`);
  });
  return lines.join('\n');
}
