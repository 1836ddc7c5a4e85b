/**
 * sigstore policy-controller ClusterImagePolicy (policy.sigstore.dev/v1beta1): the image glob and
 * one key authority per key; within one policy any authority admits the image. No `ctlog` is
 * set, so the key signature alone is checked (Signet does not upload to Rekor).
 */
import { stringify } from 'yaml';
import { ed25519Note, GENERATED_BY, uniqueSlugs, type PolicyExport, type PolicyInput } from './policy-types.js';
import { POLICY_NAME } from './kyverno.js';

export function exportPolicyController(input: PolicyInput): PolicyExport {
  const names = uniqueSlugs(input.keys);
  const doc = {
    apiVersion: 'policy.sigstore.dev/v1beta1',
    kind: 'ClusterImagePolicy',
    metadata: {
      name: POLICY_NAME,
      annotations: { 'signet/description': `${GENERATED_BY}: keys ${input.keys.map((k) => `${k.name} (${k.fingerprint})`).join(', ')}` },
    },
    spec: {
      // warn admits the image and returns the failure as a warning; enforce refuses it.
      mode: input.mode === 'audit' ? 'warn' : 'enforce',
      images: [{ glob: input.images }],
      authorities: input.keys.map((k, i) => ({ name: names[i], key: { data: k.publicKeyPem, hashAlgorithm: 'sha256' } })),
    },
  };
  return {
    format: 'policy-controller',
    files: [{ path: input.mainFile ?? 'clusterimagepolicy.yaml', content: stringify(doc, { lineWidth: 0 }) }],
    notes: [...ed25519Note(input.keys, 'policy-controller'), 'policy-controller checks only namespaces labelled policy.sigstore.dev/include=true.'],
  };
}
