// hostile-local-files: peak RSS and wall time of the real CLI on the hostile local inputs of issue
// 11 (findings 5 and 9): FIFOs and /dev/zero where layout or archive files belong, and a sparse
// docker archive of many large `.json` entries. It prints figures; nothing is asserted here (the
// regression tests assert the outcomes: test/integration/oci-layout-hostile-files.test.ts and
// docker-archive-hostile.test.ts). A case that runs past --timeout is killed and reported as such.
//
//   npx tsc -p . && node dist/bench/hostile-local-files.js [--count 200] [--mib 16] [--timeout 60]
//
// --count × --mib is the sparse archive's `.json` entries (zero bytes, holes on disk): the issue's
// archive was 804 KB on disk and drove `signet images` to 3.4 GB RSS before the fix.
import { execFileSync } from 'node:child_process';
import { rmSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, removeTempDir } from '../test/helpers/tmp.js';
import { runSignetMeasured, type MeasuredRun } from '../test/helpers/measured-run.js';
import { blobPath, nameImage, writeImage } from '../test/helpers/layout.js';
import { writeArchive } from '../test/helpers/archive.js';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const v = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} takes a positive number`);
  return v;
}

const count = option('count', 200);
const mib = option('mib', 16);
const timeoutMs = option('timeout', 60) * 1000;
const IDENTITY = '127.0.0.1:5000/bench/app:v1';

const dir = await makeTempDir('signet-bench-hostile-');
const env = { COSIGN_PASSWORD: 'bench', SIGNET_HOME: join(dir, 'home') };
const key = join(dir, 'bench');
const made = await runSignetMeasured(['keys', 'generate-file', key, '--alg', 'ecdsa-p256'], { env });
if (made.code !== 0) throw new Error(`keys generate-file failed: ${made.stderr}`);

function layout(name: string): { lay: string; img: ReturnType<typeof writeImage> } {
  const lay = join(dir, name);
  const img = writeImage(lay);
  nameImage(lay, 'v1', img);
  return { lay, img };
}

function mkfifo(path: string): void {
  rmSync(path, { force: true });
  execFileSync('mkfifo', [path]);
}

const verifyArgs = (lay: string) => ['verify', `oci:${lay}:v1`, '--key', `${key}.pub`, '--identity', IDENTITY, '--json'];

const cases: Array<{ label: string; args: () => Promise<string[]> }> = [
  { label: 'layout: FIFO as the manifest blob (verify)', args: async () => { const { lay, img } = layout('fifo-blob'); mkfifo(blobPath(lay, img.digest)); return verifyArgs(lay); } },
  { label: 'layout: FIFO as index.json (verify)', args: async () => { const { lay } = layout('fifo-index'); mkfifo(join(lay, 'index.json')); return verifyArgs(lay); } },
  { label: 'layout: index.json -> /dev/zero (verify)', args: async () => { const { lay } = layout('zero-index'); rmSync(join(lay, 'index.json')); symlinkSync('/dev/zero', join(lay, 'index.json')); return verifyArgs(lay); } },
  { label: 'archive: a FIFO (images)', args: async () => { const f = join(dir, 'fifo.tar'); mkfifo(f); return ['images', `docker-archive:${f}`, '--json']; } },
  { label: 'archive: /dev/zero (images)', args: async () => ['images', 'docker-archive:/dev/zero', '--json'] },
  {
    label: `archive: sparse, ${count} × ${mib} MiB .json entries (images)`,
    args: async () => {
      const f = join(dir, 'sparse.tar');
      await writeArchive(f, [{ tags: ['127.0.0.1:5000/bench/sparse:v1'] }], { bulkJson: { count, bytes: mib << 20 } });
      const st = statSync(f);
      console.log(`  (sparse archive: ${(st.size / 1e9).toFixed(2)} GB long, ${Math.round(st.blocks * 512 / 1e3)} KB on disk)`);
      return ['images', `docker-archive:${f}`, '--json'];
    },
  },
];

const mb = (r: MeasuredRun) => (r.peakRssBytes === undefined ? '?' : `${Math.round(r.peakRssBytes / 1e6)} MB`);
console.log(`node ${process.version}; per-case limit ${timeoutMs / 1000} s`);
console.log('case | exit | wall | peak RSS | outcome');
for (const c of cases) {
  const args = await c.args();
  const r = await runSignetMeasured(args, { env, timeoutMs });
  const outcome = r.timedOut ? `killed after ${timeoutMs / 1000} s` : (r.stdout.trim().split('\n')[0] || r.stderr.trim().split('\n')[0] || '').slice(0, 140);
  console.log(`${c.label} | ${r.code} | ${(r.wallMs / 1000).toFixed(2)} s | ${mb(r)} | ${outcome}`);
}
await removeTempDir(dir);
