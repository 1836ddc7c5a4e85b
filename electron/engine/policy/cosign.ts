/**
 * cosign: a shell script running `cosign verify --key` for each trusted key (the image passes
 * when any key verifies), and the key files beside it. Signet does not upload to a transparency
 * log, so the command says --insecure-ignore-tlog=true, as cosign v2 requires for such signatures.
 */
import { shellCasePattern, shellQuote } from './shell-quote.js';
import { uniqueSlugs, type PolicyExport, type PolicyInput } from './policy-types.js';

/** The command for one key; both arguments are shell words already (quoted or a "$variable"). */
export function cosignCommand(keyPath: string, image: string): string {
  return `cosign verify --key ${keyPath} --insecure-ignore-tlog=true ${image}`;
}

/**
 * The script holds no untrusted text outside single quotes: key names (which may come from file
 * names) and the image pattern are quoted data (shell-quote.ts), the key files are slugs, and the
 * comments are fixed text, since a newline in a comment would start a line that runs.
 */
export function exportCosign(input: PolicyInput): PolicyExport {
  const mainFile = input.mainFile ?? 'verify.sh';
  // A key file must not take the script's own name (--out alice.pub).
  const slugs = uniqueSlugs(input.keys, mainFile.endsWith('.pub') ? [mainFile.slice(0, -'.pub'.length)] : []);
  const keyFiles = input.keys.map((k, i) => ({ path: `${slugs[i]}.pub`, content: k.publicKeyPem }));
  // Names JSON-quoted, so a control character in one shows as an escape, not as a new line of output.
  const trusted = input.keys.map((k, i) => `${keyFiles[i]!.path}: ${JSON.stringify(k.name)} ${k.fingerprint}`).join(', ');
  const lines = [
    '#!/bin/sh',
    `# Verify an image with cosign against the keys Signet trusts (generated ${new Date().toISOString()}).`,
    input.mode === 'audit'
      ? '# Usage: ./verify.sh IMAGE   (audit mode: exit 0 also when no trusted key verifies its signature, after printing AUDIT:)'
      : '# Usage: ./verify.sh IMAGE   (exit 0 when any trusted key verifies its signature)',
    '# The key files are beside this script; $trusted names each one\'s key and fingerprint.',
    'set -u',
    'image="${1:?usage: $0 IMAGE}"',
    'here=$(cd "$(dirname "$0")" && pwd)',
    `pattern=${shellQuote(input.images)}`,
    `trusted=${shellQuote(trusted)}`,
    'case "$image" in',
    `  ${shellCasePattern(input.images)}) ;;`,
    `  *) printf '%s is not covered by this policy (%s)\\n' "$image" "$pattern" >&2; exit 2 ;;`,
    'esac',
    ...keyFiles.map((f) => `${cosignCommand(`"$here"/${shellQuote(f.path)}`, '"$image"')} && exit 0`),
    ...(input.mode === 'audit'
      // Audit: say what enforce would refuse, and let it through.
      ? [`printf 'AUDIT: %s is not signed by any trusted key (%s); enforce mode would refuse it\\n' "$image" "$trusted" >&2`, 'exit 0']
      : [`printf '%s is not signed by any trusted key (%s)\\n' "$image" "$trusted" >&2`, 'exit 1']),
    '',
  ];
  return {
    format: 'cosign',
    files: [{ path: mainFile, content: lines.join('\n'), mode: 0o755 }, ...keyFiles],
    notes: [`One key: ${cosignCommand(keyFiles[0]!.path, 'IMAGE')}`],
  };
}
