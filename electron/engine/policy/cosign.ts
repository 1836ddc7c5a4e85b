/**
 * cosign: a shell script running `cosign verify --key` for each trusted key (the image passes
 * when any key verifies), and the key files beside it. Signet does not upload to a transparency
 * log, so the command says --insecure-ignore-tlog=true, as cosign v2 requires for such signatures.
 */
import { uniqueSlugs, type PolicyExport, type PolicyInput } from './policy-types.js';

export function cosignCommand(keyPath: string, image: string): string {
  return `cosign verify --key ${keyPath} --insecure-ignore-tlog=true ${image}`;
}

export function exportCosign(input: PolicyInput): PolicyExport {
  const slugs = uniqueSlugs(input.keys);
  const keyFiles = input.keys.map((k, i) => ({ path: `${slugs[i]}.pub`, content: k.publicKeyPem, key: k }));
  const lines = [
    '#!/bin/sh',
    `# Verify an image with cosign against the keys Signet trusts (generated ${new Date().toISOString()}).`,
    '# Usage: ./verify.sh IMAGE   (exit 0 when any trusted key verifies its signature)',
    '# Keys:',
    ...keyFiles.map((f) => `#   ${f.path}  ${f.key.name}  ${f.key.fingerprint}`),
    'set -u',
    'image="${1:?usage: $0 IMAGE}"',
    'here=$(cd "$(dirname "$0")" && pwd)',
    'case "$image" in',
    `  ${input.images}) ;;`,
    `  *) echo "$image is not covered by this policy (${input.images})" >&2; exit 2 ;;`,
    'esac',
    ...keyFiles.map((f) => `${cosignCommand(`"$here/${f.path}"`, '"$image"')} && exit 0`),
    'echo "$image is not signed by any trusted key" >&2',
    'exit 1',
    '',
  ];
  return {
    format: 'cosign',
    files: [{ path: input.mainFile ?? 'verify.sh', content: lines.join('\n'), mode: 0o755 }, ...keyFiles.map(({ path, content }) => ({ path, content }))],
    notes: [`One key: ${cosignCommand(keyFiles[0]!.path, 'IMAGE')}`],
  };
}
