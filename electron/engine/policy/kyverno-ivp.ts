/**
 * Kyverno's newer ImageValidatingPolicy (policies.kyverno.io/v1alpha1, Kyverno 1.14+): one cosign
 * attestor per key (tlog and SCT ignored: key-based signatures), and a CEL validation that
 * passes when any of them verifies each matching container image.
 */
import { stringify } from 'yaml';
import { ed25519Note, GENERATED_BY, uniqueSlugs, type PolicyExport, type PolicyInput } from './policy-types.js';
import { POLICY_NAME } from './kyverno.js';

export function exportKyvernoIvp(input: PolicyInput): PolicyExport {
  // Attestor names are CEL identifiers (attestors.<name>).
  const names = uniqueSlugs(input.keys).map((s) => `key_${s.replace(/-/g, '_')}`);
  const doc = {
    apiVersion: 'policies.kyverno.io/v1alpha1',
    kind: 'ImageValidatingPolicy',
    metadata: {
      name: POLICY_NAME,
      annotations: {
        'policies.kyverno.io/description': `${GENERATED_BY}: images matching ${input.images} must carry a cosign signature by one of these keys: ${input.keys.map((k) => `${k.name} (${k.fingerprint})`).join(', ')}.`,
      },
    },
    spec: {
      // Audit records the failure in the API server's audit log; Warn shows it to whoever deploys.
      validationActions: input.mode === 'audit' ? ['Audit', 'Warn'] : ['Deny'],
      webhookConfiguration: { timeoutSeconds: 30 },
      matchConstraints: {
        resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] }],
      },
      matchImageReferences: [{ glob: input.images }],
      attestors: input.keys.map((k, i) => ({
        name: names[i],
        cosign: {
          key: { data: k.publicKeyPem },
          ctlog: { insecureIgnoreTlog: true, insecureIgnoreSCT: true },
        },
      })),
      validations: [{
        expression: `images.containers.map(image, verifyImageSignatures(image, [${names.map((n) => `attestors.${n}`).join(', ')}])).all(e, e > 0)`,
        message: `the image is not signed by a key Signet trusts (${input.keys.map((k) => k.name).join(', ')})`,
      }],
    },
  };
  return { format: 'kyverno-ivp', files: [{ path: input.mainFile ?? 'kyverno-imagevalidatingpolicy.yaml', content: stringify(doc, { lineWidth: 0 }) }], notes: ed25519Note(input.keys, 'Kyverno') };
}
