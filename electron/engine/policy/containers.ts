/**
 * containers-policy.json(5) for podman, skopeo, CRI-O and buildah: a `sigstoreSigned`
 * requirement with the key inline (`keyData`, base64 of the PEM) and `matchRepository` (Signet
 * writes the tag into the identity, cosign does not; matchRepository accepts both), scoped to the
 * repository namespace. Plus the registries.d snippet that makes containers/image look for
 * cosign-style signatures (`use-sigstore-attachments: true`).
 */
import { Document } from 'yaml';
import { SignetError } from '../errors.js';
import { GENERATED_BY, type PolicyExport, type PolicyInput } from './policy-types.js';

export const REGISTRIES_D_FILE = 'registries.d/signet.yaml';

/**
 * `host/ns/*` or `host/ns/**` becomes the scope `host/ns` (which covers every repository below
 * it); a pattern without wildcards is used as the scope as it is. Other wildcards cannot be
 * expressed as a containers scope.
 */
export function containersScope(images: string): string {
  const scope = images.replace(/\/\*{1,2}$/, '');
  if (scope.includes('*') && !/^\*\.[^*]+$/.test(scope)) {
    throw new SignetError('USAGE', `--images ${images} cannot be a containers policy scope: use a repository or namespace, optionally ending in /* (e.g. registry.example.com/team/*).`);
  }
  if (scope === '' || !/^[^/]+(\/[^/]+)*$/.test(scope)) throw new SignetError('USAGE', `--images ${images} does not name a registry, namespace or repository.`);
  return scope;
}

export function exportContainers(input: PolicyInput): PolicyExport {
  if (input.mode === 'audit') {
    throw new SignetError('USAGE', 'containers policy.json has no audit mode: podman, skopeo and CRI-O refuse every image a sigstoreSigned rule does not admit. Export it with --mode enforce, or audit with another format first (Kyverno, policy-controller or the cosign script).');
  }
  const scope = containersScope(input.images);
  const keyDatas = input.keys.map((k) => Buffer.from(k.publicKeyPem, 'utf8').toString('base64'));
  // One requirement list entry; several entries would all be required (AND), so several keys use keyDatas (any of them).
  const requirement = keyDatas.length === 1
    ? { type: 'sigstoreSigned', keyData: keyDatas[0], signedIdentity: { type: 'matchRepository' } }
    : { type: 'sigstoreSigned', keyDatas, signedIdentity: { type: 'matchRepository' } };
  const policy = {
    default: [{ type: 'insecureAcceptAnything' }],
    transports: {
      docker: { [scope]: [requirement] },
    },
  };
  const registryHost = scope.split('/')[0]!;
  // Built as a YAML document, comment included: the yaml library writes every line of it as a comment.
  const snippetDoc = new Document({ docker: { [scope]: { 'use-sigstore-attachments': true } } });
  snippetDoc.commentBefore = ` ${GENERATED_BY}: read cosign-style signatures (sha256-<digest>.sig) for ${scope}.\n Put this file in /etc/containers/registries.d/ (or pass --registries.d DIR).`;
  const snippet = snippetDoc.toString({ lineWidth: 0 });
  const notes = [
    `Images outside ${scope} are accepted as before (default insecureAcceptAnything); merge the "transports" entry into your /etc/containers/policy.json to keep your other rules.`,
    `Install ${REGISTRIES_D_FILE} in /etc/containers/registries.d/, or containers/image will not look for the signatures of ${registryHost}.`,
  ];
  if (keyDatas.length > 1) notes.push('Several keys are listed with "keyDatas", which needs containers/image 5.29 or later (podman 4.8, skopeo 1.14); older versions accept one "keyData" only: export one key with --key NAME.');
  return {
    format: 'containers',
    files: [
      { path: input.mainFile ?? 'policy.json', content: `${JSON.stringify(policy, null, 2)}\n` },
      { path: REGISTRIES_D_FILE, content: snippet },
    ],
    notes,
  };
}
