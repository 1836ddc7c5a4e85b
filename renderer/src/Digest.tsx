// A digest as people read it: 12 hex characters, the whole digest on demand (its title, and a
// copy button where one is asked for). Reasons the engine writes with whole digests are shown with
// each digest shortened the same way, so a sentence fits the panel.
import { useEffect, useState } from 'react';
import { printableText } from '../../shared/printable.js';
import { shortDigest } from './common.js';

export function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  useEffect(() => {
    if (copied === null) return;
    const t = setTimeout(() => setCopied(null), 1500);
    return () => clearTimeout(t);
  }, [copied]);
  return (
    <button type="button" className="copy" aria-label={label} title={label}
      onClick={() => { navigator.clipboard.writeText(text).then(() => setCopied('yes'), () => setCopied('no')); }}>
      {copied === 'yes' ? 'Copied' : copied === 'no' ? 'Copy failed' : 'Copy'}
    </button>
  );
}

export function Digest({ digest, copy = false }: { digest: string; copy?: boolean }) {
  return (
    <span className="digest">
      <span className="mono" title={digest} data-digest={digest}>{shortDigest(digest)}</span>
      {copy && <> <CopyButton text={digest} label={`Copy the full digest ${digest}`} /></>}
    </span>
  );
}

/** A whole digest in a sentence: `sha256:<hex>`, or `sha256-<hex>` as in a signature tag's name. */
const DIGEST_IN_TEXT = /sha256[:-][0-9a-f]{64}/g;

/** `text` (the engine's words, escaped) with every whole sha256 digest in it shortened, the whole one in its title. */
export function TextWithDigests({ text }: { text: string }) {
  const safe = printableText(text);
  const parts: Array<string | { digest: string }> = [];
  let last = 0;
  for (const m of safe.matchAll(DIGEST_IN_TEXT)) {
    parts.push(safe.slice(last, m.index), { digest: m[0] });
    last = m.index + m[0].length;
  }
  parts.push(safe.slice(last));
  return <>{parts.map((p, i) => (typeof p === 'string' ? p
    : p.digest[6] === ':' ? <Digest key={i} digest={p.digest} />
    : <span key={i} className="mono" title={p.digest}>{p.digest.slice(0, 19)}…</span>))}</>;
}
