// Audit or enforce, in each format's own terms: Kyverno's validationFailureAction and the rule's
// failureAction, ImageValidatingPolicy's validationActions, policy-controller's mode, the cosign
// script's exit status; containers' policy.json has no audit mode and says so. Enforce is the default.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { exportPolicy, type PolicyKey, type PolicyMode } from '../../../electron/engine/policy/index.js';
import { generatePrivateKey } from '../../../electron/engine/keys/private-key.js';
import { SignetError } from '../../../electron/engine/errors.js';
import { makeTempDir } from '../../helpers/tmp.js';

const execFileP = promisify(execFile);
const pub = generatePrivateKey('ecdsa-p256').publicKey;
const alice: PolicyKey = { name: 'Alice', algorithm: 'ecdsa-p256', fingerprint: pub.fingerprint, publicKeyPem: pub.pem };
const IMAGES = 'registry.example.com/team/*';
const yaml = (format: 'kyverno' | 'kyverno-ivp' | 'policy-controller', mode?: PolicyMode) =>
  parseYaml(exportPolicy(format, { keys: [alice], images: IMAGES, ...(mode ? { mode } : {}) }).files[0]!.content);

test('Kyverno ClusterPolicy: Audit or Enforce, policy-wide and on the verifyImages rule', () => {
  for (const [mode, action] of [[undefined, 'Enforce'], ['enforce', 'Enforce'], ['audit', 'Audit']] as const) {
    const doc = yaml('kyverno', mode);
    assert.equal(doc.spec.validationFailureAction, action, String(mode));
    assert.equal(doc.spec.rules[0].verifyImages[0].failureAction, action, String(mode));
  }
});

test('Kyverno ImageValidatingPolicy: Deny to enforce; Audit and Warn to audit', () => {
  assert.deepEqual(yaml('kyverno-ivp').spec.validationActions, ['Deny']);
  assert.deepEqual(yaml('kyverno-ivp', 'audit').spec.validationActions, ['Audit', 'Warn']);
});

test('policy-controller ClusterImagePolicy: mode enforce or warn', () => {
  assert.equal(yaml('policy-controller').spec.mode, 'enforce');
  assert.equal(yaml('policy-controller', 'audit').spec.mode, 'warn');
});

test('containers policy.json has no audit mode: a usage error that says so, and what to use', () => {
  assert.ok(exportPolicy('containers', { keys: [alice], images: IMAGES, mode: 'enforce' }).files.length === 2);
  assert.throws(() => exportPolicy('containers', { keys: [alice], images: IMAGES, mode: 'audit' }),
    (e: unknown) => e instanceof SignetError && e.code === 'USAGE' && /has no audit mode/.test(e.message) && /--mode enforce/.test(e.message));
});

test('cosign script: enforce exits 1 for an image no key verifies; audit prints AUDIT and exits 0; a verified image exits 0 in both', async () => {
  const dir = await makeTempDir();
  const bin = join(dir, 'bin');
  await mkdir(bin);
  // A stand-in cosign that verifies only images tagged :good.
  await writeFile(join(bin, 'cosign'), '#!/bin/sh\ncase "$5" in *:good) exit 0;; esac\nexit 1\n');
  await chmod(join(bin, 'cosign'), 0o755);
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
  const run = async (mode: PolicyMode) => {
    const out = join(dir, mode);
    await mkdir(out);
    for (const f of exportPolicy('cosign', { keys: [alice], images: IMAGES, mode }).files) await writeFile(join(out, f.path), f.content, { mode: f.mode ?? 0o644 });
    const script = join(out, 'verify.sh');
    const result = (image: string) => execFileP(script, [image], { env }).then((r) => ({ code: 0, stderr: r.stderr }), (e: any) => ({ code: e.code as number, stderr: e.stderr as string }));
    return { good: await result('registry.example.com/team/app:good'), bad: await result('registry.example.com/team/app:bad'), outside: await result('other.example.com/app:bad') };
  };
  const enforce = await run('enforce');
  assert.deepEqual([enforce.good.code, enforce.bad.code, enforce.outside.code], [0, 1, 2]);
  assert.doesNotMatch(enforce.bad.stderr, /AUDIT/);
  const audit = await run('audit');
  assert.deepEqual([audit.good.code, audit.bad.code, audit.outside.code], [0, 0, 2], 'audit lets it through; an image outside the pattern is still a usage error');
  assert.match(audit.bad.stderr, /^AUDIT: registry\.example\.com\/team\/app:bad is not signed by any trusted key .*enforce mode would refuse it/);
  assert.equal(audit.good.stderr, '');
});
