/**
 * Kyverno ClusterPolicy (kyverno.io/v1) with a verifyImages rule: one attestor entry per key,
 * `count: 1` so any trusted key admits the image; Enforce refuses, Audit reports in a policy report. Signet signatures are key-based and not in a
 * transparency log, so Rekor and the CT log are ignored for them.
 */
import { stringify } from 'yaml';
import { ed25519Note, GENERATED_BY, type PolicyExport, type PolicyInput } from './policy-types.js';

export const POLICY_NAME = 'signet-verify-images';

export function exportKyverno(input: PolicyInput): PolicyExport {
  // The policy-wide field for Kyverno before 1.13, and the rule's own, which 1.13 and later read
  // first (they call the policy-wide one deprecated): each version finds the mode it reads.
  const action = input.mode === 'audit' ? 'Audit' : 'Enforce';
  const doc = {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: {
      name: POLICY_NAME,
      annotations: {
        'policies.kyverno.io/title': 'Images signed with Signet',
        'policies.kyverno.io/description': `${GENERATED_BY}: images matching ${input.images} must carry a cosign signature by one of these keys: ${input.keys.map((k) => `${k.name} (${k.fingerprint})`).join(', ')}.`,
      },
    },
    spec: {
      validationFailureAction: action,
      background: false,
      webhookTimeoutSeconds: 30,
      rules: [{
        name: 'verify-signet-signatures',
        match: { any: [{ resources: { kinds: ['Pod'] } }] },
        verifyImages: [{
          imageReferences: [input.images],
          failureAction: action,
          type: 'Cosign',
          mutateDigest: true,
          verifyDigest: true,
          required: true,
          attestors: [{
            count: 1,
            entries: input.keys.map((k) => ({
              keys: {
                publicKeys: k.publicKeyPem,
                signatureAlgorithm: 'sha256',
                rekor: { ignoreTlog: true },
                ctlog: { ignoreSCT: true },
              },
            })),
          }],
        }],
      }],
    },
  };
  return { format: 'kyverno', files: [{ path: input.mainFile ?? 'kyverno-clusterpolicy.yaml', content: stringify(doc, { lineWidth: 0 }) }], notes: ed25519Note(input.keys, 'Kyverno') };
}
