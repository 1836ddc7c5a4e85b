import { SignetError } from '../errors.js';
import { exportContainers } from './containers.js';
import { exportCosign } from './cosign.js';
import { exportKyverno } from './kyverno.js';
import { exportKyvernoIvp } from './kyverno-ivp.js';
import { exportPolicyController } from './policy-controller.js';
import { checkImagePattern, type PolicyExport, type PolicyFormat, type PolicyInput } from './policy-types.js';

export * from './policy-types.js';

const EXPORTERS: Record<PolicyFormat, (input: PolicyInput) => PolicyExport> = {
  cosign: exportCosign,
  containers: exportContainers,
  kyverno: exportKyverno,
  'kyverno-ivp': exportKyvernoIvp,
  'policy-controller': exportPolicyController,
};

export function exportPolicy(format: PolicyFormat, input: PolicyInput): PolicyExport {
  checkImagePattern(input.images);
  if (input.keys.length === 0) {
    throw new SignetError('USAGE', 'There is no key to put in the policy: generate or import a key (signet keys generate NAME), add a teammate\'s key (signet trust add FILE --name NAME), or name one with --key.');
  }
  return EXPORTERS[format](input);
}
