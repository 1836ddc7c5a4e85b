// keyless-verify: CPU per signature of Signet's keyless core (verifyKeylessSignature) against
// @sigstore/verify called directly on the same signatures. It prints figures; it is not pass/fail,
// except that a signature either side does not verify exits 1.
//
//   npx tsc -p . && node dist/bench/keyless-verify.js [--count 1000] [--rounds 3]
//
// The signatures come from a local Sigstore (@sigstore/mock, test/helpers/sigstore-stack.ts): half
// cosign `.sig` layers (certificate, chain, Rekor SET), half Sigstore bundles (DSSE statement, Rekor
// entry with SET and inclusion proof), each by its own fresh certificate, for one identity.
//  - Signet: from what a format reader hands over (the `.sig` annotations, the bundle's JSON) to
//    the verdict: conversion, @sigstore/verify, then Signet's own checks (anchored identity, issuer,
//    code signing, stored chain, the entry naming the certificate, the statement's digest) and facts.
//  - @sigstore/verify alone: bundleFromJSON + toSignedEntity + Verifier.verify with an anchored
//    SAN and the issuer as its policy. It cannot read a `.sig` layer, so for those it is given the
//    bundle Signet converts them to, converted before the clock starts: its figure is the floor.
// The registry part (1,000 images in a registry) comes when the core is wired into `signet verify`.
import { bundleFromJSON, type Bundle } from '@sigstore/bundle';
import { Verifier, toSignedEntity } from '@sigstore/verify';
import { startSigstoreStack, keylessBundle, keylessSigLayer, GITHUB_ACTIONS_ISSUER, RELEASE_WORKFLOW } from '../test/helpers/sigstore-stack.js';
import { verifyKeylessSignature, type KeylessEvidence } from '../electron/engine/verify/keyless/verify-keyless.js';
import { sigLayerMaterial } from '../electron/engine/verify/keyless/sig-layer-material.js';
import { compileIdentityPolicy, escapeRegExp } from '../electron/engine/verify/keyless/identity-policy.js';
import type { Digest } from '../electron/engine/content/digest.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const COUNT = arg('--count', 1000);
const ROUNDS = arg('--rounds', 3);

interface Item { evidence: KeylessEvidence; digest: Digest; bundle: Bundle | undefined; bundleJson: unknown; payload: Buffer | undefined }

async function main(): Promise<void> {
  const stack = await startSigstoreStack();
  const started = Date.now();
  const items: Item[] = [];
  for (let i = 0; i < COUNT; i++) {
    const digest = `sha256:${i.toString(16).padStart(64, '0')}` as Digest;
    if (i % 2 === 0) {
      const layer = await keylessSigLayer(stack, digest, 'registry.test/acme/app', { chain: true });
      const m = sigLayerMaterial(layer); // for @sigstore/verify, converted before timing
      items.push({ evidence: { form: 'sig', layer }, digest, bundle: m.bundle, bundleJson: undefined, payload: m.signed.kind === 'message' ? m.signed.payload : undefined });
    } else {
      const json = await keylessBundle(stack, digest, 'registry.test/acme/app');
      items.push({ evidence: { form: 'bundle', bundle: json }, digest, bundle: undefined, bundleJson: json, payload: undefined });
    }
  }
  console.log(`${COUNT} signatures made (${COUNT / 2} .sig, ${COUNT / 2} bundles) in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const identities = [compileIdentityPolicy({ name: 'Release pipeline', issuer: { exact: GITHUB_ACTIONS_ISSUER }, identity: { regexp: 'https://github\\.com/acme/app/\\.github/workflows/release\\.yml@refs/tags/v.*' } })];
  const signet = (it: Item): boolean => verifyKeylessSignature(it.evidence, { trustedRoot: stack.trustedRoot, identities, subjectDigest: it.digest }).status === 'verified';
  const verifier = new Verifier(stack.trustedRoot.material);
  const policy = { subjectAlternativeName: `^${escapeRegExp(RELEASE_WORKFLOW)}$`, extensions: { issuer: GITHUB_ACTIONS_ISSUER } };
  const direct = (it: Item): boolean => {
    try {
      const bundle = it.bundle ?? bundleFromJSON(it.bundleJson);
      verifier.verify(toSignedEntity(bundle, it.payload), policy);
      return true;
    } catch {
      return false;
    }
  };

  const measure = (name: string, fn: (it: Item) => boolean): number[] => {
    for (let i = 0; i < Math.min(50, items.length); i++) fn(items[i]!); // warm-up
    const perSig: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const cpu = process.cpuUsage();
      const wall = process.hrtime.bigint();
      for (const it of items) {
        if (!fn(it)) {
          console.error(`${name}: a signature did not verify`);
          process.exit(1);
        }
      }
      const used = process.cpuUsage(cpu);
      const us = (used.user + used.system) / items.length;
      perSig.push(us);
      console.log(`  ${name.padEnd(22)} round ${r + 1}: ${us.toFixed(0)} µs CPU per signature (${(Number(process.hrtime.bigint() - wall) / 1e6 / items.length).toFixed(2)} ms wall)`);
    }
    return perSig;
  };
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const a = median(measure('Signet keyless core', signet));
  const b = median(measure('@sigstore/verify alone', direct));
  console.log(`median CPU per signature: Signet ${a.toFixed(0)} µs, @sigstore/verify ${b.toFixed(0)} µs, ratio ${(a / b).toFixed(2)} (node ${process.version}, ${COUNT} signatures, ${ROUNDS} rounds)`);
}

main().catch((e) => { console.error(e); process.exit(1); });
