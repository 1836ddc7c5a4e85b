// scripts/install-app-deps.sh, the README's first command, run for real with bash. The commands it
// drives (apt-get, dpkg-query, sudo, npm, id, uname, pkg-config) are stand-ins on PATH that record
// how they were called, and SIGNET_OS_RELEASE stands in for /etc/os-release: no package is
// installed and nothing is downloaded, so what is checked is which distribution gets which
// command. scripts/check-fresh-machine.sh checks the real installs on a fresh Debian 12.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repoRoot } from '../../helpers/paths.js';
import { makeTempDir } from '../../helpers/tmp.js';

const STUBS: Record<string, string> = {
  'apt-get': 'echo "apt-get $*" >> "$CALLS"',
  sudo: 'echo "sudo $*" >> "$CALLS"; exec "$@"',
  // Installed unless named in STUB_MISSING.
  'dpkg-query': 'p=${!#}; case " $STUB_MISSING " in *" $p "*) exit 1 ;; esac; echo "install ok installed"',
  npm: 'echo "npm $* build_from_source=${npm_config_build_from_source:-} nodedir=${npm_config_nodedir:-}" >> "$CALLS"; exit "${STUB_NPM_EXIT:-0}"',
  id: 'if [ "$1" = -u ]; then echo "${STUB_UID:-0}"; else exec /usr/bin/id "$@"; fi',
  uname: 'if [ "$1" = -s ]; then echo "${STUB_UNAME:-Linux}"; else exec /bin/uname "$@"; fi',
  'pkg-config': 'exit "${STUB_PKGCONFIG_EXIT:-1}"',
};

interface Run { status: number | null; out: string; calls: string[] }

/** Runs a copy of the script in a temp repo with the stand-ins; `withSudo` puts a sudo stand-in on PATH. */
async function runScript(osRelease: string, env: Record<string, string> = {}, args: string[] = [], withSudo = false): Promise<Run> {
  const dir = await makeTempDir('signet-app-deps-');
  const bin = join(dir, 'bin');
  mkdirSync(join(dir, 'scripts'), { recursive: true });
  mkdirSync(bin);
  copyFileSync(join(repoRoot, 'scripts', 'install-app-deps.sh'), join(dir, 'scripts', 'install-app-deps.sh'));
  for (const [name, body] of Object.entries(STUBS)) {
    if (name === 'sudo' && !withSudo) continue;
    writeFileSync(join(bin, name), `#!/bin/bash\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  writeFileSync(join(dir, 'os-release'), osRelease);
  const calls = join(dir, 'calls.log');
  writeFileSync(calls, '');
  // The stand-ins first, then the running Node (the script asks it for its headers), then the system.
  const path = [bin, dirname(process.execPath), '/usr/bin', '/bin'].join(':');
  const r = spawnSync('bash', [join(dir, 'scripts', 'install-app-deps.sh'), ...args], {
    encoding: 'utf8',
    env: { PATH: path, HOME: dir, CALLS: calls, SIGNET_OS_RELEASE: join(dir, 'os-release'), ...env },
  });
  return { status: r.status, out: r.stdout + r.stderr, calls: readFileSync(calls, 'utf8').split('\n').filter(Boolean) };
}

const DEBIAN = 'ID=debian\nVERSION_ID="12"\n';
const UBUNTU = 'ID=ubuntu\nID_LIKE=debian\nVERSION_ID="24.04"\n';

test('Debian with everything installed: no apt-get call, then npm install built from source', async () => {
  const r = await runScript(DEBIAN);
  assert.equal(r.status, 0, r.out);
  assert.deepEqual(r.calls.filter((c) => !c.startsWith('npm ')), []);
  const npm = r.calls.filter((c) => c.startsWith('npm '));
  assert.equal(npm.length, 1);
  assert.match(npm[0]!, /^npm install --no-audit --no-fund build_from_source=true nodedir=/);
});

test('Ubuntu (ID_LIKE debian): only the missing packages, with the extra ones, in one apt-get install; --ci runs npm ci', async () => {
  const r = await runScript(UBUNTU, { STUB_MISSING: 'libsecret-1-dev dbus' }, ['--ci', 'skopeo', 'dbus']);
  assert.equal(r.status, 0, r.out);
  assert.deepEqual(r.calls.filter((c) => c.startsWith('apt-get')), [
    'apt-get update -qq',
    'apt-get install -y -qq --no-install-recommends libsecret-1-dev dbus',
  ]);
  assert.match(r.calls.find((c) => c.startsWith('npm ')) ?? '', /^npm ci --no-audit --no-fund /);
});

test('not root: apt-get goes through sudo; without sudo it says what to run as root and stops before npm', async () => {
  const withSudo = await runScript(DEBIAN, { STUB_UID: '1000', STUB_MISSING: 'libsecret-1-dev' }, [], true);
  assert.equal(withSudo.status, 0, withSudo.out);
  assert.ok(withSudo.calls.includes('sudo apt-get install -y -qq --no-install-recommends libsecret-1-dev'), withSudo.calls.join('\n'));

  const noSudo = await runScript(DEBIAN, { STUB_UID: '1000', STUB_MISSING: 'libsecret-1-dev' });
  assert.equal(noSudo.status, 1);
  assert.match(noSudo.out, /sudo is not installed; as root run:\n {2}apt-get install libsecret-1-dev/);
  assert.deepEqual(noSudo.calls, []);
});

test('Fedora and Arch: nothing installed, the packages named, npm install still runs', async () => {
  const fedora = await runScript('ID=fedora\nVERSION_ID=40\n', {}, ['skopeo']);
  assert.equal(fedora.status, 0, fedora.out);
  assert.match(fedora.out, /not Debian or Ubuntu \(fedora\), so nothing is installed for you\. keytar needs: sudo dnf install libsecret-devel/);
  assert.match(fedora.out, /also needed \(Debian's names\): skopeo/);
  assert.deepEqual(fedora.calls.map((c) => c.split(' ')[0]), ['npm']);

  const arch = await runScript('ID=arch\n', { STUB_PKGCONFIG_EXIT: '0' });
  assert.equal(arch.status, 0, arch.out);
  assert.match(arch.out, /libsecret-1 is there, so keytar should build\. If npm fails, install: sudo pacman -S --needed libsecret/);
  assert.deepEqual(arch.calls.map((c) => c.split(' ')[0]), ['npm']);
});

test('macOS: no system packages and no build from source (keytar downloads its prebuilt binary)', async () => {
  const r = await runScript('', { STUB_UNAME: 'Darwin' });
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /Darwin needs no system packages for the app/);
  assert.deepEqual(r.calls, ['npm install --no-audit --no-fund build_from_source= nodedir=']);
});

test('a failing npm install fails the command, so npm start does not run', async () => {
  const r = await runScript(DEBIAN, { STUB_NPM_EXIT: '3' });
  assert.equal(r.status, 3);
});
