// Each export parsed as its target parses it (JSON, YAML), with the fields and types the target's
// schema requires for that kind. The cosign script is run with sh against a stand-in `cosign`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { exportPolicy, type PolicyKey } from '../../../electron/engine/policy/index.js';
import { containersScope } from '../../../electron/engine/policy/containers.js';
import { generatePrivateKey } from '../../../electron/engine/keys/private-key.js';
import { SignetError } from '../../../electron/engine/errors.js';
import { makeTempDir } from '../../helpers/tmp.js';

const execFileP = promisify(execFile);

function key(name: string, alg: 'ed25519' | 'ecdsa-p256'): PolicyKey {
  const p = generatePrivateKey(alg).publicKey;
  return { name, algorithm: alg, fingerprint: p.fingerprint, publicKeyPem: p.pem };
}
const alice = key('Alice', 'ecdsa-p256');
const bob = key('Bob Smith', 'ed25519');
const IMAGES = 'registry.example.com/team/*';

/** Minimal structural check: every path must exist with the given JS type. */
function has(doc: unknown, path: string, type: 'string' | 'number' | 'boolean' | 'object' | 'array'): unknown {
  let v: any = doc;
  for (const part of path.split('.')) {
    assert.ok(v !== null && typeof v === 'object', `${path}: parent of ${part} is not an object`);
    v = Array.isArray(v) && /^\d+$/.test(part) ? v[Number(part)] : v[part];
  }
  const actual = Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v;
  assert.equal(actual, type, `${path} should be ${type}`);
  return v;
}

test('containers: scope from the pattern; policy.json with sigstoreSigned keyData + matchRepository; registries.d snippet', () => {
  assert.equal(containersScope('registry.example.com/team/*'), 'registry.example.com/team');
  assert.equal(containersScope('registry.example.com/team/**'), 'registry.example.com/team');
  assert.equal(containersScope('registry.example.com/team/app'), 'registry.example.com/team/app');
  assert.throws(() => containersScope('registry.example.com/team/app-*'), (e: unknown) => e instanceof SignetError && e.code === 'USAGE');
  const out = exportPolicy('containers', { keys: [alice], images: IMAGES });
  assert.deepEqual(out.files.map((f) => f.path), ['policy.json', 'registries.d/signet.yaml']);
  const policy = JSON.parse(out.files[0]!.content);
  has(policy, 'default', 'array');
  has(policy, 'transports.docker', 'object');
  const scoped = policy.transports.docker['registry.example.com/team'];
  assert.equal(scoped.length, 1);
  assert.equal(scoped[0].type, 'sigstoreSigned');
  assert.equal(Buffer.from(scoped[0].keyData, 'base64').toString(), alice.publicKeyPem);
  assert.deepEqual(scoped[0].signedIdentity, { type: 'matchRepository' });
  const reg = parseYaml(out.files[1]!.content);
  assert.deepEqual(reg, { docker: { 'registry.example.com/team': { 'use-sigstore-attachments': true } } });
  const two = JSON.parse(exportPolicy('containers', { keys: [alice, bob], images: IMAGES }).files[0]!.content);
  assert.equal(two.transports.docker['registry.example.com/team'][0].keyDatas.length, 2, 'several keys: any of them (keyDatas), not all');
});

test('kyverno ClusterPolicy: verifyImages with imageReferences, one key entry per key, tlog ignored', () => {
  const out = exportPolicy('kyverno', { keys: [alice, bob], images: IMAGES });
  const doc = parseYaml(out.files[0]!.content);
  assert.equal(doc.apiVersion, 'kyverno.io/v1');
  assert.equal(doc.kind, 'ClusterPolicy');
  has(doc, 'metadata.name', 'string');
  const vi = has(doc, 'spec.rules.0.verifyImages.0', 'object') as any;
  has(doc, 'spec.rules.0.name', 'string');
  has(doc, 'spec.rules.0.match.any.0.resources.kinds', 'array');
  assert.deepEqual(vi.imageReferences, [IMAGES]);
  assert.equal(vi.attestors[0].count, 1);
  assert.equal(vi.attestors[0].entries.length, 2);
  for (const [i, k] of [alice, bob].entries()) {
    const e = vi.attestors[0].entries[i].keys;
    assert.equal(e.publicKeys, k.publicKeyPem);
    assert.equal(e.rekor.ignoreTlog, true);
    assert.equal(e.ctlog.ignoreSCT, true);
  }
  assert.ok(out.notes.some((n) => /Bob Smith is an Ed25519 key/.test(n)));
});

test('kyverno ImageValidatingPolicy: matchImageReferences glob, cosign key attestors, CEL validation naming them', () => {
  const doc = parseYaml(exportPolicy('kyverno-ivp', { keys: [alice, bob], images: IMAGES }).files[0]!.content);
  assert.match(doc.apiVersion, /^policies\.kyverno\.io\/v1/);
  assert.equal(doc.kind, 'ImageValidatingPolicy');
  assert.deepEqual(doc.spec.matchImageReferences, [{ glob: IMAGES }]);
  has(doc, 'spec.matchConstraints.resourceRules.0.resources', 'array');
  assert.deepEqual(doc.spec.attestors.map((a: any) => a.name), ['key_alice', 'key_bob_smith']);
  for (const a of doc.spec.attestors) {
    assert.match(a.name, /^[a-z_][a-z0-9_]*$/, 'a CEL identifier');
    has(a, 'cosign.key.data', 'string');
    assert.equal(a.cosign.ctlog.insecureIgnoreTlog, true);
  }
  const expr = has(doc, 'spec.validations.0.expression', 'string') as string;
  assert.match(expr, /verifyImageSignatures\(image, \[attestors\.key_alice, attestors\.key_bob_smith\]\)/);
});

test('policy-controller ClusterImagePolicy: spec.images[].glob and spec.authorities[].key.data', () => {
  const doc = parseYaml(exportPolicy('policy-controller', { keys: [alice, bob], images: IMAGES }).files[0]!.content);
  assert.equal(doc.apiVersion, 'policy.sigstore.dev/v1beta1');
  assert.equal(doc.kind, 'ClusterImagePolicy');
  assert.deepEqual(doc.spec.images, [{ glob: IMAGES }]);
  assert.deepEqual(doc.spec.authorities.map((a: any) => a.key.data), [alice.publicKeyPem, bob.publicKeyPem]);
  for (const a of doc.spec.authorities) has(a, 'name', 'string');
});

test('cosign: a script that runs cosign verify --key per key and passes when any verifies', async () => {
  const out = exportPolicy('cosign', { keys: [alice, bob], images: IMAGES });
  const dir = await makeTempDir();
  for (const f of out.files) {
    await mkdir(join(dir, f.path, '..'), { recursive: true });
    await writeFile(join(dir, f.path), f.content, { mode: f.mode ?? 0o644 });
  }
  assert.equal(await readFile(join(dir, 'alice.pub'), 'utf8'), alice.publicKeyPem);
  // A stand-in cosign: records its arguments; "verifies" only with bob-smith.pub.
  const bin = join(dir, 'bin');
  await mkdir(bin);
  await writeFile(join(bin, 'cosign'), `#!/bin/sh\necho "$@" >> "${dir}/calls"\ncase "$3" in *bob-smith.pub) exit 0;; esac\nexit 1\n`);
  await chmod(join(bin, 'cosign'), 0o755);
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
  await execFileP(join(dir, 'verify.sh'), ['registry.example.com/team/app:1'], { env });
  const calls = (await readFile(join(dir, 'calls'), 'utf8')).trim().split('\n');
  assert.deepEqual(calls, [
    `verify --key ${dir}/alice.pub --insecure-ignore-tlog=true registry.example.com/team/app:1`,
    `verify --key ${dir}/bob-smith.pub --insecure-ignore-tlog=true registry.example.com/team/app:1`,
  ]);
  await assert.rejects(execFileP(join(dir, 'verify.sh'), ['other.example.com/x:1'], { env }), (e: any) => e.code === 2 && /not covered/.test(e.stderr));
});

test('no keys, or a pattern that is not one, is a usage error', () => {
  assert.throws(() => exportPolicy('kyverno', { keys: [], images: IMAGES }), (e: unknown) => e instanceof SignetError && e.code === 'USAGE');
  assert.throws(() => exportPolicy('kyverno', { keys: [alice], images: 'a b' }), (e: unknown) => e instanceof SignetError && e.code === 'USAGE');
});
