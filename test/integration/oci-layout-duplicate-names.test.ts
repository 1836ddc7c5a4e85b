// Issue 11, finding 2: an OCI layout whose index.json gives one ref name to two different
// manifests. containers/image (skopeo, podman, buildah) resolves such a name to its first entry;
// Signet took the last, so an unsigned entry put first under a signed image's name verified in
// Signet while skopeo shipped the unsigned one. Now such a name is an error naming both digests,
// everywhere a name is resolved, and the same for two different `sha256-<hex>.sig` entries.
// The image is a real one (the fixture skopeo copied into a layout), signed here by Signet.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { skopeoInspect } from '../helpers/skopeo.js';
import { cliKeyWorkspace, jsonLines, runSignet } from '../helpers/cli.js';
import { fixturesDir } from '../helpers/paths.js';
import { writeImage, type Desc } from '../helpers/layout.js';

const REF_NAME = 'org.opencontainers.image.ref.name';
const IDENTITY = '127.0.0.1:5000/team/app:v1';

let dir: string;
let env: NodeJS.ProcessEnv;
let key: string;

before(async () => {
  ({ dir, env, key } = await cliKeyWorkspace());
});

/** The skopeo-made fixture layout (image named v1), signed by Signet; returns the signed digest. */
async function signedLayout(name: string): Promise<{ lay: string; signed: string }> {
  const lay = join(dir, name);
  cpSync(join(fixturesDir, 'image-oci'), lay, { recursive: true });
  const s = await runSignet(['sign', `oci:${lay}:v1`, '--key', `${key}.key`, '--identity', IDENTITY, '--json'], { env });
  assert.equal(s.code, 0, s.stderr);
  const signed = JSON.parse(s.stdout).digest as string;
  const v = await verify(`oci:${lay}:v1`);
  assert.equal(v.code, 0, `the signed layout verifies before the attack: ${v.stdout}${v.stderr}`);
  return { lay, signed };
}

function verify(image: string) {
  return runSignet(['verify', image, '--key', `${key}.pub`, '--identity', IDENTITY, '--json'], { env });
}

function readIndex(lay: string): { manifests: Desc[] } {
  return JSON.parse(readFileSync(join(lay, 'index.json'), 'utf8'));
}

/** Puts an entry naming `d` as `name` into index.json, first or last. */
function addEntry(lay: string, name: string, d: Desc, where: 'first' | 'last'): void {
  const index = readIndex(lay);
  const entry = { mediaType: d.mediaType, digest: d.digest, size: d.size, annotations: { [REF_NAME]: name } };
  if (where === 'first') index.manifests.unshift(entry);
  else index.manifests.push(entry);
  writeFileSync(join(lay, 'index.json'), JSON.stringify(index));
}

test('an unsigned entry put first under a signed image\'s name: verify, images, inspect, sign and push refuse and name both digests; skopeo resolves the first', async () => {
  const { lay, signed } = await signedLayout('attack');
  const signedEntry = readIndex(lay).manifests.find((m) => m.annotations?.[REF_NAME] === 'v1')!;
  addEntry(lay, 'v2', signedEntry, 'last'); // another name for the signed image, not ambiguous
  const unsigned = writeImage(lay);
  addEntry(lay, 'v1', unsigned, 'first');
  const both = (text: string, label: string) => {
    assert.ok(text.includes(signed), `${label} names the signed digest: ${text}`);
    assert.ok(text.includes(unsigned.digest), `${label} names the unsigned digest: ${text}`);
  };

  // What the disagreement is: containers/image takes the first entry, the unsigned image.
  assert.equal((await skopeoInspect(`oci:${lay}:v1`)).Digest, unsigned.digest, 'skopeo inspect resolves the first entry of the name');

  const v = await verify(`oci:${lay}:v1`);
  assert.notEqual(v.code, 0, `never verified: ${v.stdout}`);
  assert.equal(v.code, 2, 'could not check');
  const [row] = jsonLines(v.stdout);
  assert.equal(row.verdict, 'error');
  assert.match(row.message, /gives the name "v1" to 2 different manifests/);
  both(row.message, 'verify');

  // images: the ambiguous name once, as could-not-check; the other name still checked.
  const imgs = await runSignet(['images', `oci:${lay}`, '--key', `${key}.pub`, '--identity', IDENTITY, '--json'], { env });
  const rows = jsonLines(imgs.stdout);
  assert.deepEqual(rows.map((r) => [r.image, r.verdict]), [[`oci:${lay}:v1`, 'error'], [`oci:${lay}:v2`, 'verified']], imgs.stdout);
  both(rows[0].message, 'images');

  const before = readFileSync(join(lay, 'index.json'), 'utf8');
  const cases: Array<[string, string[]]> = [
    ['inspect', ['inspect', `oci:${lay}:v1`, '--json']],
    ['sign', ['sign', `oci:${lay}:v1`, '--key', `${key}.key`, '--identity', IDENTITY]],
    ['push', ['push', `oci:${lay}:v1`, '127.0.0.1:9/never/pushed:v1']],
  ];
  for (const [label, args] of cases) {
    const r = await runSignet(args, { env });
    assert.equal(r.code, 2, `${label}: ${r.stdout}${r.stderr}`);
    both(r.stderr, label);
  }
  assert.equal(readFileSync(join(lay, 'index.json'), 'utf8'), before, 'nothing was signed into the layout');
});

test('entries of one name with the same digest are not ambiguous', async () => {
  const { lay } = await signedLayout('same');
  const signedEntry = readIndex(lay).manifests.find((m) => m.annotations?.[REF_NAME] === 'v1')!;
  addEntry(lay, 'v1', signedEntry, 'first');
  const v = await verify(`oci:${lay}:v1`);
  assert.equal(v.code, 0, v.stdout + v.stderr);
  const imgs = await runSignet(['images', `oci:${lay}`, '--key', `${key}.pub`, '--identity', IDENTITY, '--json'], { env });
  assert.deepEqual(jsonLines(imgs.stdout).map((r) => [r.image, r.verdict]), [[`oci:${lay}:v1`, 'verified']], 'listed once');
});

test('two different sha256-<hex>.sig entries: verify could not check, naming both; sign refuses rather than drop one', async () => {
  const { lay, signed } = await signedLayout('sigs');
  const sigName = `sha256-${signed.slice(7)}.sig`;
  const real = readIndex(lay).manifests.find((m) => m.annotations?.[REF_NAME] === sigName)!;
  // Another manifest put first under the signature name (any manifest will do: it must not be
  // silently preferred, nor silently ignored in favour of the real one).
  const other = writeImage(lay);
  addEntry(lay, sigName, other, 'first');
  const v = await verify(`oci:${lay}:v1`);
  assert.equal(v.code, 2, `could not check: ${v.stdout}`);
  const [row] = jsonLines(v.stdout);
  assert.equal(row.verdict, 'error');
  assert.ok(row.message.includes(real.digest) && row.message.includes(other.digest), row.message);

  const before = readFileSync(join(lay, 'index.json'), 'utf8');
  const s = await runSignet(['sign', `oci:${lay}:v1`, '--key', `${key}.key`, '--identity', IDENTITY], { env });
  assert.equal(s.code, 2, s.stdout + s.stderr);
  assert.match(s.stderr, /will not add a signature there/);
  assert.ok(s.stderr.includes(real.digest) && s.stderr.includes(other.digest), s.stderr);
  assert.equal(readFileSync(join(lay, 'index.json'), 'utf8'), before, 'index.json untouched: no signature manifest dropped');
});
