// Issue 11, finding 5: layout files that are not regular files inside the layout. A FIFO where a
// blob belongs hung `verify` forever (the size of a FIFO reads as 0, so it was read whole), and an
// index.json linked to /dev/zero grew to 12 GB. Each case here runs the real CLI with a time
// limit, so a hang fails the test instead of stalling it, and must end as "could not check" with
// a message naming the file and why.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { cliKeyWorkspace, jsonLines, runSignet } from '../helpers/cli.js';
import { runSignetMeasured } from '../helpers/measured-run.js';
import { blobPath, nameImage, writeImage } from '../helpers/layout.js';

const IDENTITY = '127.0.0.1:5000/team/app:v1';
/** A verify of one small layout image takes well under a second; a hang meets this limit. */
const LIMIT_MS = 15_000;

let dir: string;
let env: NodeJS.ProcessEnv;
let key: string;

before(async () => {
  ({ dir, env, key } = await cliKeyWorkspace());
});

function layout(name: string): { lay: string; img: ReturnType<typeof writeImage> } {
  const lay = join(dir, name);
  const img = writeImage(lay, { layers: 1 });
  nameImage(lay, 'v1', img);
  return { lay, img };
}

function mkfifo(path: string): void {
  rmSync(path, { force: true });
  execFileSync('mkfifo', [path]);
}

/** `signet verify` of the layout's v1, within LIMIT_MS; returns its one JSON row and the run. */
async function verifyWithin(lay: string) {
  const r = await runSignetMeasured(['verify', `oci:${lay}:v1`, '--key', `${key}.pub`, '--identity', IDENTITY, '--json'], { env, timeoutMs: LIMIT_MS });
  assert.equal(r.timedOut, false, `verify of ${lay} did not finish within ${LIMIT_MS} ms (a hang or unbounded read)`);
  assert.equal(r.code, 2, `could not check: ${r.stdout}${r.stderr}`);
  const [row] = jsonLines(r.stdout);
  assert.equal(row.verdict, 'error');
  return { row, run: r };
}

const cases: Array<[string, (lay: string, img: ReturnType<typeof writeImage>) => string, RegExp]> = [
  ['a FIFO as the manifest blob', (lay, img) => { mkfifo(blobPath(lay, img.digest)); return blobPath(lay, img.digest); }, /is a FIFO \(named pipe\), not a regular file/],
  ['a FIFO as index.json', (lay) => { mkfifo(join(lay, 'index.json')); return join(lay, 'index.json'); }, /is a FIFO \(named pipe\), not a regular file/],
  ['index.json linked to /dev/zero', (lay) => { rmSync(join(lay, 'index.json')); symlinkSync('/dev/zero', join(lay, 'index.json')); return join(lay, 'index.json'); }, /leads to \/dev\/zero, outside/],
  ['the manifest blob linked to /etc/passwd, outside the layout', (lay, img) => { rmSync(blobPath(lay, img.digest)); symlinkSync('/etc/passwd', blobPath(lay, img.digest)); return blobPath(lay, img.digest); }, /leads to \/etc\/passwd, outside/],
  ['a directory where the manifest blob belongs', (lay, img) => { rmSync(blobPath(lay, img.digest)); mkdirSync(blobPath(lay, img.digest)); return blobPath(lay, img.digest); }, /is a directory, not a regular file/],
];

for (const [label, damage, why] of cases) {
  test(`${label}: verify ends within seconds as could-not-check, naming the file`, { timeout: LIMIT_MS * 2 }, async () => {
    const { lay, img } = layout(label.replace(/\W+/g, '-'));
    const path = damage(lay, img);
    const { row, run } = await verifyWithin(lay);
    assert.match(row.message, why);
    assert.ok(row.message.includes(path), `names ${path}: ${row.message}`);
    assert.ok(run.peakRssBytes === undefined || run.peakRssBytes < 300 * 1024 * 1024, `peak RSS ${run.peakRssBytes} bytes`);
  });
}

test('a FIFO as a layer blob: sign and push stop at once, naming it', { timeout: LIMIT_MS * 4 }, async () => {
  const { lay, img } = layout('fifo-layer');
  const path = blobPath(lay, img.layerDigests[0]!);
  mkfifo(path);
  for (const args of [['sign', `oci:${lay}:v1`, '--key', `${key}.key`, '--identity', IDENTITY], ['push', `oci:${lay}:v1`, '127.0.0.1:9/never/pushed:v1']]) {
    const r = await runSignetMeasured(args, { env, timeoutMs: LIMIT_MS });
    assert.equal(r.timedOut, false, `${args[0]} did not finish within ${LIMIT_MS} ms`);
    assert.equal(r.code, 2, `${args[0]}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /is a FIFO \(named pipe\), not a regular file/);
    assert.ok(r.stderr.includes(path), r.stderr);
  }
});

test('symlinks that stay inside the layout still work: blobs and index.json moved and linked', { timeout: LIMIT_MS * 4 }, async () => {
  const { lay, img } = layout('inside-links');
  const s = await runSignet(['sign', `oci:${lay}:v1`, '--key', `${key}.key`, '--identity', IDENTITY], { env });
  assert.equal(s.code, 0, s.stderr);
  mkdirSync(join(lay, 'store'));
  renameSync(blobPath(lay, img.digest), join(lay, 'store', 'manifest'));
  symlinkSync('../../store/manifest', blobPath(lay, img.digest));
  renameSync(join(lay, 'index.json'), join(lay, 'store', 'index.json'));
  symlinkSync('store/index.json', join(lay, 'index.json'));
  const v = await runSignet(['verify', `oci:${lay}:v1`, '--key', `${key}.pub`, '--identity', IDENTITY, '--json'], { env, timeoutMs: LIMIT_MS });
  assert.equal(v.code, 0, v.stdout + v.stderr);
  assert.equal(jsonLines(v.stdout)[0].verdict, 'verified');
  // The layout directory itself may be reached through a symlink too.
  symlinkSync(lay, join(dir, 'via-link'));
  const viaLink = await runSignet(['verify', `oci:${join(dir, 'via-link')}:v1`, '--key', `${key}.pub`, '--identity', IDENTITY, '--json'], { env, timeoutMs: LIMIT_MS });
  assert.equal(viaLink.code, 0, viaLink.stdout + viaLink.stderr);
});
