import { Option, type Command } from 'commander';
import { POLICY_FORMATS, POLICY_MODES } from '../../engine/policy/policy-types.js';
import { collect, type CliContext } from '../context.js';
import type { PolicyExportOptions } from '../actions/policy.js';

export function registerPolicy(program: Command, ctx: CliContext): Command {
  const policy = program.command('policy').description('admission policies that trust your keys');
  policy.command('export')
    .description('write a policy for cosign, containers (podman/skopeo/CRI-O), Kyverno or sigstore policy-controller')
    .addOption(new Option('--format <format>', 'the target tool').choices([...POLICY_FORMATS]).makeOptionMandatory())
    .requiredOption('--images <pattern>', "the images it covers, e.g. 'registry.example.com/team/*'")
    .option('--key <name>', 'a key to trust: an own or trusted key\'s name or fingerprint, or a public key file by its path (./FILE, or a bare NAME.pub) (repeatable; default: every own key and unrevoked trusted key)', collect, [])
    .addOption(new Option('--mode <mode>', 'enforce refuses unsigned images; audit only reports them (containers has no audit mode)').choices([...POLICY_MODES]).default('enforce'))
    .option('--out <file>', 'write the policy here (companion files go beside it); default stdout')
    .action(async (o: PolicyExportOptions) => (await import('../actions/policy.js')).exportPolicy(ctx, o));
  return policy;
}
