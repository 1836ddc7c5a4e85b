import { basename, dirname, join } from 'node:path';
import { Option, type Command } from 'commander';
import { SignetError } from '../../engine/errors.js';
import { writeFileAtomic } from '../../engine/data-dir.js';
import { policyKeys as enginePolicyKeys } from '../../engine/policy/policy-keys.js';
import { exportPolicy, POLICY_FORMATS, type PolicyFormat, type PolicyKey } from '../../engine/policy/index.js';
import { collect, type CliContext } from '../context.js';
import { dataDir } from '../key-resolution.js';
import { keyNameFromPath, readKeyFile } from '../keys-from-files.js';

/** The keys a policy trusts: those named with --key (own, trusted, or public key files), or every own key and unrevoked trusted key. */
function policyKeys(ctx: CliContext, names: readonly string[]): Promise<PolicyKey[]> {
  return enginePolicyKeys(dataDir(ctx), names, { readFile: readKeyFile, nameFromPath: keyNameFromPath });
}

export function registerPolicy(program: Command, ctx: CliContext): Command {
  const policy = program.command('policy').description('admission policies that trust your keys');
  policy.command('export')
    .description('write a policy for cosign, containers (podman/skopeo/CRI-O), Kyverno or sigstore policy-controller')
    .addOption(new Option('--format <format>', 'the target tool').choices([...POLICY_FORMATS]).makeOptionMandatory())
    .requiredOption('--images <pattern>', "the images it covers, e.g. 'registry.example.com/team/*'")
    .option('--key <name>', 'a key to trust: own key, trusted key, or public key file (repeatable; default: every own key and unrevoked trusted key)', collect, [])
    .option('--out <file>', 'write the policy here (companion files go beside it); default stdout')
    .action(async (o: { format: PolicyFormat; images: string; key: string[]; out?: string }) => {
      const keys = await policyKeys(ctx, o.key);
      const result = exportPolicy(o.format, { keys, images: o.images, ...(o.out ? { mainFile: basename(o.out) } : {}) });
      const [main, ...companions] = result.files;
      if (!o.out) {
        if (o.format === 'cosign') throw new SignetError('USAGE', 'The cosign export is a script plus the key files it names: give --out FILE (e.g. --out policy/verify.sh).');
        ctx.io.out(main!.content.replace(/\n$/, ''));
        for (const c of companions) ctx.io.err(`Not written (give --out FILE to write it beside the policy): ${c.path}`);
      } else {
        const dir = dirname(o.out);
        await writeFileAtomic(o.out, main!.content, main!.mode ?? 0o644);
        for (const c of companions) await writeFileAtomic(join(dir, c.path), c.content, c.mode ?? 0o644);
        ctx.io.out([o.out, ...companions.map((c) => join(dir, c.path))].map((p) => `Wrote ${p}`).join('\n'));
      }
      ctx.io.err(`Trusted keys: ${keys.map((k) => `${k.name} (${k.fingerprint})`).join(', ')}`);
      for (const n of result.notes) ctx.io.err(`Note: ${n}`);
    });
  return policy;
}
