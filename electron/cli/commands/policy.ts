import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Option, type Command } from 'commander';
import { SignetError } from '../../engine/errors.js';
import { writeFileAtomic } from '../../engine/data-dir.js';
import { parsePublicKeyPem } from '../../engine/keys/public-key.js';
import { findKey, readKeyMetadata, type KeyMetadata } from '../../engine/keystore/key-metadata.js';
import { TrustStore, type TrustEntry } from '../../engine/trust/trust-store.js';
import { exportPolicy, POLICY_FORMATS, type PolicyFormat, type PolicyKey } from '../../engine/policy/index.js';
import { collect, type CliContext } from '../context.js';
import { dataDir } from '../key-resolution.js';
import { keyNameFromPath, readKeyFile } from '../keys-from-files.js';

const asPolicyKey = (k: KeyMetadata | TrustEntry): PolicyKey => ({ name: k.name, algorithm: k.algorithm, fingerprint: k.fingerprint, publicKeyPem: k.publicKeyPem });

/** The keys a policy trusts: those named with --key, or every own key and unrevoked trusted key. */
async function policyKeys(ctx: CliContext, names: readonly string[]): Promise<PolicyKey[]> {
  const dir = dataDir(ctx);
  const own = await readKeyMetadata(dir);
  const store = new TrustStore(dir);
  const trusted = await store.list();
  if (names.length === 0) return [...own.map(asPolicyKey), ...trusted.filter((t) => !t.revokedAt).map(asPolicyKey)];
  const out: PolicyKey[] = [];
  for (const n of names) {
    const mine = findKey(own, n);
    const theirs = mine ? undefined : store.find(trusted, n);
    if (theirs?.revokedAt) throw new SignetError('USAGE', `--key ${n}: that key was revoked on ${theirs.revokedAt}; a policy should not trust it.`);
    if (mine || theirs) {
      out.push(asPolicyKey((mine ?? theirs)!));
    } else if (existsSync(n)) {
      const pub = parsePublicKeyPem(await readKeyFile(n));
      out.push({ name: keyNameFromPath(n), algorithm: pub.algorithm, fingerprint: pub.fingerprint, publicKeyPem: pub.pem });
    } else {
      throw new SignetError('USAGE', `--key ${n}: there is no own key, trusted key or public key file by that name.`);
    }
  }
  return out.filter((k, i) => out.findIndex((x) => x.fingerprint === k.fingerprint) === i);
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
