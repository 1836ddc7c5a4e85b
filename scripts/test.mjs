#!/usr/bin/env node
// The one test command: builds, runs every test file under dist/test with node:test, and ends
// with the line "N passed, N failed, N skipped". Arguments filter test files by substring
// (`npm test -- registry`). SIGNET_TEST_CONCURRENCY sets how many files run at once.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, mkdtempSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';

const root = new URL('..', import.meta.url).pathname;
const build = spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  console.log('the TypeScript build failed');
  console.log('0 passed, 1 failed, 0 skipped');
  process.exit(1);
}
// Electron main and preload need the electron package's types: built where it is installed.
if (existsSync(join(root, 'node_modules', 'electron', 'electron.d.ts'))) {
  const el = spawnSync('npx', ['tsc', '-p', 'tsconfig.electron.json'], { cwd: root, stdio: 'inherit' });
  if (el.status !== 0) {
    console.log('the Electron main/preload build failed');
    console.log('0 passed, 1 failed, 0 skipped');
    process.exit(1);
  }
} else {
  console.log('electron is not installed: Electron main and preload not built');
}
// The renderer has its own tsconfig (DOM + JSX): typecheck it, then build it with Vite into
// dist/renderer, which the web host serves and the e2e tests drive.
const rendererCheck = spawnSync('npx', ['tsc', '-p', join(root, 'renderer', 'tsconfig.json')], { cwd: root, stdio: 'inherit' });
const rendererBuild = rendererCheck.status === 0
  ? spawnSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(root, 'renderer', 'vite.config.ts'), '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' })
  : rendererCheck;
if (rendererBuild.status !== 0) {
  console.log('the renderer typecheck or Vite build failed');
  console.log('0 passed, 1 failed, 0 skipped');
  process.exit(1);
}

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}
const filters = process.argv.slice(2);
const files = findTests(join(root, 'dist', 'test'))
  .filter((f) => filters.length === 0 || filters.some((x) => relative(root, f).includes(x)))
  .sort();

const summaryDir = mkdtempSync(join(tmpdir(), 'signet-test-'));
const summaryFile = join(summaryDir, 'summary.txt');
const concurrency = process.env.SIGNET_TEST_CONCURRENCY ?? '2';
// A hung test file (a server left listening, a pipe left open) must fail the run, not stall CI:
// the whole run gets SIGNET_TEST_TIMEOUT_MIN minutes, each test file SIGNET_TEST_FILE_TIMEOUT_MIN
// (5), then its process group is killed. npm run fuzz and soak raise both: they run for longer.
const limitMin = Number(process.env.SIGNET_TEST_TIMEOUT_MIN ?? 14);
const fileLimitMin = Number(process.env.SIGNET_TEST_FILE_TIMEOUT_MIN ?? 5);
const child = spawn(process.execPath, [
  '--test', `--test-concurrency=${concurrency}`, `--test-timeout=${fileLimitMin * 60_000}`,
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  `--test-reporter=${join(root, 'scripts', 'summary-reporter.mjs')}`, `--test-reporter-destination=${summaryFile}`,
  ...files,
// Tests that do not choose their own data dir must never write into the user's real one
// (~/.config/signet): they all share a throwaway SIGNET_HOME for this run.
], { cwd: root, stdio: 'inherit', detached: true, env: { ...process.env, SIGNET_REPO_ROOT: root, SIGNET_HOME: join(summaryDir, 'home') } });
let timedOut = false;
const watchdog = setTimeout(() => {
  timedOut = true;
  console.log(`\nthe test run exceeded ${limitMin} minutes; stopping it`);
  try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
}, limitMin * 60_000);
process.on('SIGINT', () => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } process.exit(130); });
const status = await new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
clearTimeout(watchdog);
const run = { status: timedOut ? 1 : status };

let summary = '';
try { summary = readFileSync(summaryFile, 'utf8').trim(); } catch { /* runner died before reporting */ }
rmSync(summaryDir, { recursive: true, force: true });
if (files.length === 0) summary = 'no test files matched\n0 passed, 0 failed, 0 skipped';
console.log('');
if (timedOut) summary = summary.replace(/(\d+) failed/, (_, n) => `${Number(n) + 1} failed`) || '0 passed, 1 failed, 0 skipped';
console.log(summary || '0 passed, 1 failed, 0 skipped');
process.exit(run.status === 0 && files.length > 0 ? 0 : 1);
