// Issue 11, findings 5 and 9 for docker archives: an archive path that is a FIFO or a device
// must be refused at once, and a sparse archive (804 KB on disk) whose many `.json` entries of up
// to 16 MiB were all buffered while indexing drove `signet images` to 3.4 GB RSS. The real CLI
// runs in a child process; its peak RSS is measured (getrusage at exit).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../helpers/tmp.js';
import { jsonLines } from '../helpers/cli.js';
import { runSignetMeasured } from '../helpers/measured-run.js';
import { writeArchive } from '../helpers/archive.js';

const LIMIT_MS = 15_000;
const MIB = 1 << 20;

let dir: string;
let env: NodeJS.ProcessEnv;
before(async () => {
  dir = await makeTempDir();
  env = { SIGNET_HOME: join(dir, 'home') };
});

test('a docker archive path that is a FIFO, /dev/zero or a symlink to it: images ends at once with a plain error', { timeout: LIMIT_MS * 4 }, async () => {
  const fifo = join(dir, 'fifo.tar');
  execFileSync('mkfifo', [fifo]);
  const linked = join(dir, 'zero.tar');
  symlinkSync('/dev/zero', linked);
  const cases: Array<[string, RegExp]> = [[fifo, /is a FIFO \(named pipe\), not a regular file/], ['/dev/zero', /is a character device, not a regular file/], [linked, /is a character device, not a regular file/]];
  for (const [path, why] of cases) {
    const r = await runSignetMeasured(['images', `docker-archive:${path}`, '--json'], { env, timeoutMs: LIMIT_MS });
    assert.equal(r.timedOut, false, `${path}: did not finish within ${LIMIT_MS} ms`);
    assert.equal(r.code, 2, `${path}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, why, path);
    assert.ok(r.stderr.includes(path), r.stderr);
  }
});

test('a sparse archive of 60 × 15 MiB .json entries: images lists its image in bounded memory', { timeout: 120_000 }, async () => {
  const file = join(dir, 'sparse.tar');
  const bulk = { count: 60, bytes: 15 * MIB };
  await writeArchive(file, [{ tags: ['127.0.0.1:5000/demo/sparse:v1'] }], { bulkJson: bulk });
  const st = statSync(file);
  assert.ok(st.size > bulk.count * bulk.bytes, 'the entries are all there');
  const r = await runSignetMeasured(['images', `docker-archive:${file}`, '--json'], { env, timeoutMs: 90_000 });
  assert.equal(r.timedOut, false, r.stderr);
  assert.deepEqual(jsonLines(r.stdout).map((row) => [row.image, row.verdict]), [[`docker-archive:${file}:127.0.0.1:5000/demo/sparse:v1`, 'unsigned']], r.stderr);
  assert.ok(r.peakRssBytes !== undefined, 'peak RSS measured');
  // Before the fix every entry was buffered: 900 MiB of JSON entries, above 900 MB RSS.
  const peakMb = Math.round(r.peakRssBytes / 1e6);
  assert.ok(peakMb < 300, `peak RSS ${peakMb} MB for ${Math.round(st.size / 1e6)} MB of archive (${Math.round(st.blocks * 512 / 1e6)} MB on disk)`);
});
