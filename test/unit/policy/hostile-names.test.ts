// Generated scripts and policies quote everything that comes from a file name or user input
// (issue 11, finding 8). Key names are hostile (they can come from a public key file's name):
// newlines with a command, $(…), backticks, quotes, YAML syntax, a leading '-', U+2028. The
// cosign script is run with sh against a stand-in cosign that records its argv; the YAML and
// JSON are parsed back and the names must come back as data, in their field, with nothing added.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { access, chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { exportPolicy, POLICY_FORMATS, slug, uniqueSlugs, type PolicyKey } from '../../../electron/engine/policy/index.js';
import { shellCasePattern, shellQuote } from '../../../electron/engine/policy/shell-quote.js';
import { generatePrivateKey } from '../../../electron/engine/keys/private-key.js';
import { SignetError } from '../../../electron/engine/errors.js';
import { makeTempDir } from '../../helpers/tmp.js';

const execFileP = promisify(execFile);
const IMAGES = 'registry.example.com/team/*';

function key(name: string): PolicyKey {
  const p = generatePrivateKey('ecdsa-p256').publicKey;
  return { name, algorithm: 'ecdsa-p256', fingerprint: p.fingerprint, publicKeyPem: p.pem };
}

/** Names that would run `touch MARK` if they reached the shell unquoted, or break YAML. */
function hostileNames(mark: string): string[] {
  return [
    `evil\ntouch ${mark}`,
    `cr\r\ntouch ${mark}`,
    `$(touch ${mark})`,
    `\`touch ${mark}\``,
    `x'; touch ${mark}; echo '`,
    `say "hi"; touch ${mark}`,
    'a: b #c',
    '{}',
    '[x, y]',
    '- leading dash',
    `line\u2028sep\u2029x\u0085y`,
    '../../etc/passwd',
    '--',
    'alice', 'alice', 'alice-2',
  ];
}

/** A temp dir whose path has a space, a quote and a $, so the script's "$here" quoting is exercised too. */
async function awkwardDir(): Promise<string> {
  const dir = join(await makeTempDir(), `p o'l $x`);
  await mkdir(dir);
  return dir;
}

const exists = (p: string) => access(p).then(() => true, () => false);

/** A stand-in cosign: appends its argc and argv, NUL-separated, to $CALLS; verifies nothing. */
async function fakeCosign(dir: string): Promise<{ env: NodeJS.ProcessEnv; calls: () => Promise<string[][]> }> {
  const bin = join(dir, 'bin');
  await mkdir(bin);
  await writeFile(join(bin, 'cosign'), '#!/bin/sh\nprintf \'%s\\0\' "$#" "$@" >> "$CALLS"\nexit 1\n');
  await chmod(join(bin, 'cosign'), 0o755);
  const file = join(dir, 'calls');
  return {
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, CALLS: file },
    async calls() {
      const parts = (await readFile(file, 'utf8').catch(() => '')).split('\0');
      const out: string[][] = [];
      for (let i = 0; i < parts.length - 1;) {
        const n = Number(parts[i]);
        out.push(parts.slice(i + 1, i + 1 + n));
        i += 1 + n;
      }
      return out;
    },
  };
}

test('cosign: verify.sh with hostile key names runs no injected command and calls cosign with exactly the intended argv', async () => {
  const dir = await awkwardDir();
  const mark = join(dir, 'INJECTED');
  const keys = hostileNames(mark).map(key);
  const out = exportPolicy('cosign', { keys, images: IMAGES });
  for (const f of out.files) await writeFile(join(dir, f.path), f.content, { mode: f.mode ?? 0o644 });
  const keyFiles = out.files.slice(1).map((f) => f.path);
  assert.equal(new Set(keyFiles).size, keys.length, 'one key file per key, none overwriting another');
  for (const [i, f] of keyFiles.entries()) {
    assert.match(f, /^[a-z0-9]+(-[a-z0-9]+)*\.pub$/, `${JSON.stringify(keys[i]!.name)} gives a plain file name`);
    assert.equal(await readFile(join(dir, f), 'utf8'), keys[i]!.publicKeyPem, 'each file holds its own key');
  }
  const cosign = await fakeCosign(dir);
  const image = 'registry.example.com/team/app:1';
  const r = await execFileP('sh', [join(dir, 'verify.sh'), image], { env: cosign.env }).then(() => assert.fail('no key verifies'), (e: any) => e);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(await exists(mark), false, 'no injected command ran');
  assert.deepEqual(await cosign.calls(), keyFiles.map((f) => ['verify', '--key', join(dir, f), '--insecure-ignore-tlog=true', image]));
  const lines = r.stderr.split('\n').filter((l: string) => l !== '');
  assert.equal(lines.length, 1, `one line of output, no injected lines: ${r.stderr}`);
  for (const k of keys) assert.ok(lines[0].includes(`${JSON.stringify(k.name)} ${k.fingerprint}`), `names ${JSON.stringify(k.name)} as data`);
  // A hostile image given to the script is data too.
  const hostileImage = `registry.example.com/team/$(touch ${mark})\`touch ${mark}\``;
  await execFileP('sh', [join(dir, 'verify.sh'), hostileImage], { env: cosign.env }).catch(() => undefined);
  assert.equal(await exists(mark), false);
  assert.deepEqual((await cosign.calls()).slice(-1)[0]!.slice(-1), [hostileImage]);
});

test('cosign: a key file never takes the script\'s own name (--out alice.pub)', () => {
  const out = exportPolicy('cosign', { keys: [key('alice')], images: IMAGES, mainFile: 'alice.pub' });
  assert.deepEqual(out.files.map((f) => f.path), ['alice.pub', 'alice-2.pub']);
});

test('the image pattern stays a glob in the script\'s case, and only its wildcards are unquoted', async () => {
  const dir = await awkwardDir();
  const mark = join(dir, 'INJECTED');
  const cases: Array<[string, string, boolean]> = [
    ['registry.example.com/team/*', 'registry.example.com/team/app:1', true],
    ['registry.example.com/team/*', 'registry.example.com/teamx/app:1', false],
    ['registry.example.com/*/app', 'registry.example.com/team/app', true],
    ['registry.example.com/*/app', 'registry.example.com/team/other', false],
    ['registry.example.com/team/app-?', 'registry.example.com/team/app-1', true],
    // shellCasePattern itself, on text the pattern grammar would refuse: still literal.
    [`$(touch ${mark})*`, `$(touch ${mark})x`, true],
    [`\`touch ${mark}\`'"\n*`, `\`touch ${mark}\`'"\nx`, true],
    ['[a-z]*', 'b', false],
  ];
  for (const [glob, subject, matches] of cases) {
    const script = `case "$1" in\n  ${shellCasePattern(glob)}) echo in ;;\n  *) echo out ;;\nesac\n`;
    const { stdout } = await execFileP('sh', ['-c', script, 'sh', subject]);
    assert.equal(stdout.trim(), matches ? 'in' : 'out', `${JSON.stringify(glob)} against ${JSON.stringify(subject)}`);
  }
  assert.equal(await exists(mark), false);
  const { stdout } = await execFileP('sh', ['-c', `printf %s ${shellQuote(`it's $(x) \`y\` "z"\n`)}`]);
  assert.equal(stdout, `it's $(x) \`y\` "z"\n`);
});

test('a hostile --images pattern is refused (USAGE) by every format; the grammar is host/path characters plus * and ?', () => {
  const bad = ['reg.example.com/$(touch x)/*', 'reg.example.com/`id`/*', "reg.example.com/a'b", 'reg.example.com/a"b', 'reg.example.com/a\n*', 'a: #b', '{}', '-reg.example.com/*', 'reg.example.com/a\u2028b', 'reg example.com/*', '', 'a'.repeat(1025)];
  for (const format of POLICY_FORMATS) {
    for (const images of bad) {
      assert.throws(() => exportPolicy(format, { keys: [key('alice')], images }), (e: unknown) => e instanceof SignetError && e.code === 'USAGE', `${format} ${JSON.stringify(images)}`);
    }
  }
});

/** Every document of a YAML text, which must parse without error. */
function yamlDocs(text: string): unknown[] {
  const docs = parseAllDocuments(text);
  for (const d of docs) assert.deepEqual(d.errors, [], text);
  return docs.map((d) => d.toJS());
}

test('kyverno, kyverno-ivp, policy-controller: hostile names round-trip as data in the description, one document, no extra keys', () => {
  const keys = hostileNames('/tmp/never').map(key);
  const expected: Record<string, { spec: string[]; annotations: string[]; entries: (doc: any) => any[] }> = {
    kyverno: { spec: ['background', 'rules', 'validationFailureAction', 'webhookTimeoutSeconds'], annotations: ['policies.kyverno.io/description', 'policies.kyverno.io/title'], entries: (d) => d.spec.rules[0].verifyImages[0].attestors[0].entries.map((e: any) => e.keys.publicKeys) },
    'kyverno-ivp': { spec: ['attestors', 'matchConstraints', 'matchImageReferences', 'validationActions', 'validations', 'webhookConfiguration'], annotations: ['policies.kyverno.io/description'], entries: (d) => d.spec.attestors.map((a: any) => a.cosign.key.data) },
    'policy-controller': { spec: ['authorities', 'images', 'mode'], annotations: ['signet/description'], entries: (d) => d.spec.authorities.map((a: any) => a.key.data) },
  };
  for (const [format, want] of Object.entries(expected)) {
    const out = exportPolicy(format as 'kyverno', { keys, images: IMAGES });
    assert.equal(out.files.length, 1);
    const docs = yamlDocs(out.files[0]!.content);
    assert.equal(docs.length, 1, `${format}: one document`);
    const doc = docs[0] as any;
    assert.deepEqual(Object.keys(doc).sort(), ['apiVersion', 'kind', 'metadata', 'spec'], format);
    assert.deepEqual(Object.keys(doc.metadata).sort(), ['annotations', 'name'], format);
    assert.deepEqual(Object.keys(doc.metadata.annotations).sort(), want.annotations, format);
    assert.deepEqual(Object.keys(doc.spec).sort(), want.spec, format);
    const description: string = Object.entries(doc.metadata.annotations).find(([k]) => k.endsWith('description'))![1] as string;
    for (const k of keys) assert.ok(description.includes(`${k.name} (${k.fingerprint})`), `${format}: ${JSON.stringify(k.name)} round-trips in the description`);
    assert.deepEqual(want.entries(doc), keys.map((k) => k.publicKeyPem), `${format}: one key entry per key, in order`);
  }
  const ivp = yamlDocs(exportPolicy('kyverno-ivp', { keys, images: IMAGES }).files[0]!.content)[0] as any;
  const names: string[] = ivp.spec.attestors.map((a: any) => a.name);
  assert.equal(new Set(names).size, keys.length, 'attestor names are unique');
  for (const n of names) assert.match(n, /^key_[a-z0-9_]+$/, 'a CEL identifier');
  assert.equal(ivp.spec.validations[0].expression, `images.containers.map(image, verifyImageSignatures(image, [${names.map((n) => `attestors.${n}`).join(', ')}])).all(e, e > 0)`);
  for (const k of keys) assert.ok(ivp.spec.validations[0].message.includes(k.name), 'the message holds the names as data');
  const pc = yamlDocs(exportPolicy('policy-controller', { keys, images: IMAGES }).files[0]!.content)[0] as any;
  const authorities: string[] = pc.spec.authorities.map((a: any) => a.name);
  assert.equal(new Set(authorities).size, keys.length);
  for (const n of authorities) assert.match(n, /^[a-z0-9]+(-[a-z0-9]+)*$/, 'a Kubernetes name');
});

test('containers: policy.json (JSON) and registries.d (YAML) parse back with only the scope and the keys', () => {
  const keys = hostileNames('/tmp/never').map(key);
  const out = exportPolicy('containers', { keys, images: IMAGES });
  const policy = JSON.parse(out.files[0]!.content);
  assert.deepEqual(Object.keys(policy).sort(), ['default', 'transports']);
  assert.deepEqual(Object.keys(policy.transports.docker), ['registry.example.com/team']);
  const [req] = policy.transports.docker['registry.example.com/team'];
  assert.deepEqual(Object.keys(req).sort(), ['keyDatas', 'signedIdentity', 'type']);
  assert.deepEqual(req.keyDatas.map((d: string) => Buffer.from(d, 'base64').toString()), keys.map((k) => k.publicKeyPem));
  assert.deepEqual(yamlDocs(out.files[1]!.content), [{ docker: { 'registry.example.com/team': { 'use-sigstore-attachments': true } } }]);
});

test('slugs (file names beside --out, Kubernetes names) are plain: never "..", "/", a leading "-", a newline; unique even against a name that looks generated', () => {
  const names = [...hostileNames('/x'), '..', '.', '/', '', '-', `${'a'.repeat(39)}-b`, 'é', 'ÄÖÜ', 'İ'];
  for (const n of names) {
    const s = slug(n);
    assert.match(s, /^[a-z0-9]+(-[a-z0-9]+)*$/, `${JSON.stringify(n)} → ${JSON.stringify(s)}`);
    assert.ok(s.length <= 40);
  }
  const slugs = uniqueSlugs(['alice', 'Alice!', 'alice-2', 'alice'].map(key));
  assert.deepEqual(slugs, ['alice', 'alice-2', 'alice-2-2', 'alice-3']);
});
