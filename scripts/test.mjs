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

// A hung test file (a server left listening, a pipe left open) must fail the run, not stall CI:
// the whole run (both Nodes) gets SIGNET_TEST_TIMEOUT_MIN minutes, each test file
// SIGNET_TEST_FILE_TIMEOUT_MIN (5), then its process group is killed. npm run fuzz and soak raise
// both: they run for longer.
const concurrency = process.env.SIGNET_TEST_CONCURRENCY ?? '2';
const limitMin = Number(process.env.SIGNET_TEST_TIMEOUT_MIN ?? 14);
const fileLimitMin = Number(process.env.SIGNET_TEST_FILE_TIMEOUT_MIN ?? 5);
const deadline = Date.now() + limitMin * 60_000;
let running = null;
process.on('SIGINT', () => { try { if (running) process.kill(-running.pid, 'SIGKILL'); } catch { /* gone */ } process.exit(130); });

/** Runs `testFiles` under the Node at `nodePath`; returns its summary lines, the last one the counts. */
async function runTests(nodePath, testFiles) {
  const summaryDir = mkdtempSync(join(tmpdir(), 'signet-test-'));
  const summaryFile = join(summaryDir, 'summary.txt');
  const child = spawn(nodePath, [
    '--test', `--test-concurrency=${concurrency}`, `--test-timeout=${fileLimitMin * 60_000}`,
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    `--test-reporter=${join(root, 'scripts', 'summary-reporter.mjs')}`, `--test-reporter-destination=${summaryFile}`,
    ...testFiles,
  // Tests that do not choose their own data dir must never write into the user's real one
  // (~/.config/signet): they all share a throwaway SIGNET_HOME for this run.
  ], { cwd: root, stdio: 'inherit', detached: true, env: { ...process.env, SIGNET_REPO_ROOT: root, SIGNET_HOME: join(summaryDir, 'home') } });
  running = child;
  let timedOut = false;
  const watchdog = setTimeout(() => {
    timedOut = true;
    console.log(`\nthe test run exceeded ${limitMin} minutes; stopping it`);
    try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
  }, Math.max(0, deadline - Date.now()));
  const status = await new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
  clearTimeout(watchdog);
  running = null;
  let summary = '';
  try { summary = readFileSync(summaryFile, 'utf8').trim(); } catch { /* runner died before reporting */ }
  rmSync(summaryDir, { recursive: true, force: true });
  const lines = summary ? summary.split('\n') : ['failed: the test runner wrote no summary'];
  const [passed, failed, skipped] = counts(lines.pop() ?? '');
  // A run that timed out, or whose runner failed with no test failing, counts as one failure more.
  const extra = timedOut || (status !== 0 && failed === 0) ? 1 : 0;
  if (timedOut) lines.push(`failed: the run exceeded ${limitMin} minutes`);
  else if (extra) lines.push(`failed: the test runner exited with ${status}`);
  return [...lines, `${passed} passed, ${failed + extra} failed, ${skipped} skipped`];
}

/** The three counts of a summary line; a line that is not one counts as one failure. */
function counts(line) {
  const m = line.match(/^(\d+) passed, (\d+) failed, (\d+) skipped$/);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 1, 0];
}

/**
 * The second Node the unit and integration tests run under: Node 24 (what Electron 41 embeds) as
 * install-test-deps.sh fetches it into .cache/node24, or SIGNET_TEST_NODE24=/path/to/node.
 * SIGNET_TEST_NODE24=0 skips it, and so does running under Node 24 already.
 */
function secondNode() {
  const setting = process.env.SIGNET_TEST_NODE24 ?? '';
  if (setting === '0') return { skip: 'SIGNET_TEST_NODE24=0' };
  if (process.versions.node.startsWith('24.')) return { skip: 'this run is Node 24 already' };
  const path = setting || join(root, '.cache', 'node24', 'node_modules', 'node', 'bin', 'node');
  const probe = existsSync(path) ? spawnSync(path, ['--version'], { encoding: 'utf8' }) : null;
  const version = probe?.status === 0 ? probe.stdout.trim() : '';
  if (!version.startsWith('v24.')) return { missing: `no Node 24 at ${path}${version ? ` (it is ${version})` : ''}; bash scripts/install-test-deps.sh fetches one` };
  return { path, version };
}

const runs = [];
if (files.length === 0) {
  runs.push({ label: `Node ${process.version}`, lines: ['no test files matched', '0 passed, 0 failed, 0 skipped'] });
} else {
  runs.push({ label: `Node ${process.version}, ${files.length} test files`, lines: await runTests(process.execPath, files) });
  const unitAndIntegration = files.filter((f) => /^dist\/test\/(unit|integration)\//.test(relative(root, f)));
  const second = secondNode();
  if (unitAndIntegration.length === 0) {
    // e.g. `npm test -- e2e/`: nothing for the second Node to run.
  } else if ('skip' in second) {
    console.log(`\nNode 24 run skipped: ${second.skip}`);
  } else if ('missing' in second) {
    // In CI a missing Node 24 fails the run, so Node 24 support cannot silently go untested.
    console.log(`\n${second.missing}`);
    if (process.env.CI === 'true') runs.push({ label: 'Node 24', lines: ['failed: Node 24 was not found', '0 passed, 1 failed, 0 skipped'] });
  } else {
    console.log(`\nThe unit and integration tests again, under Node ${second.version}:`);
    runs.push({ label: `Node ${second.version}, ${unitAndIntegration.length} unit and integration test files`, lines: await runTests(second.path, unitAndIntegration) });
  }
}

// Each run's own summary, then the sum of both on the last line, which CI reads.
const total = [0, 0, 0];
console.log('');
for (const { label, lines } of runs) {
  const last = lines[lines.length - 1];
  console.log(`${label}:`);
  for (const l of lines.slice(0, -1)) console.log(`  ${l}`);
  console.log(`  ${last}`);
  counts(last).forEach((n, i) => { total[i] += n; });
}
console.log(`${total[0]} passed, ${total[1]} failed, ${total[2]} skipped`);
process.exit(total[1] === 0 && files.length > 0 ? 0 : 1);
