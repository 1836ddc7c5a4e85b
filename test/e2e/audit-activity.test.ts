// Every audited change, made through the desktop (and, for what only the CLI does, through the
// CLI), appears in the Activity screen and in `signet log --json`: one test per kind (keys,
// teammates, registries, policies), each checking the records' local time and zone (the web host
// and the CLI run in America/New_York here), the OS user, and that no secret is recorded. Then the
// screen's filter, search and JSON-lines export. Debian Chromium, a real registry, a real
// gnome-keyring.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { keychainToolsMissing, startKeyringSession, type KeyringSession } from '../helpers/keychain.js';
import { jsonLines, runSignet } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/tmp.js';
import { chromiumMissing } from './chromium.js';
import { openDesktop, type Desktop, type WebHostProcess } from './web-host-process.js';
import { ActivityPage, AppPage, KeysPage, RegistriesPage } from './pages.js';

const missing = chromiumMissing() ?? keychainToolsMissing();
const ZONE = 'America/New_York';

describe('every audited change in Activity and signet log --json, a test per kind', { skip: missing ?? false }, () => {
  let open: TestRegistry;
  let locked: TestRegistry;
  let kc: KeyringSession;
  let host: WebHostProcess;
  let desktop: Desktop;
  let page: Page;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let app: AppPage;
  let keys: KeysPage;

  /** A cosign key pair made by the CLI, `<dir>/<name>.key` (encrypted with `password`) and `.pub`. */
  async function keyFiles(name: string, password: string): Promise<void> {
    const made = await runSignet(['keys', 'generate-file', join(dir, name), '--alg', 'ecdsa-p256'], { env: { ...env, COSIGN_PASSWORD: password } });
    assert.equal(made.code, 0, made.stderr);
  }

  /** The change records of one kind in `signet log --json`, oldest first, each checked for who and when. */
  async function logged(kind: string): Promise<any[]> {
    const r = await runSignet(['log', '--json'], { env });
    assert.equal(r.code, 0, r.stderr);
    const records = jsonLines(r.stdout).filter((e) => e.outcome === 'changed' && e.kind === kind);
    for (const e of records) {
      assert.equal(e.user, userInfo().username, 'the OS user');
      assert.equal(e.zone, ZONE);
      assert.match(e.localTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}-0[45]:00$/, 'New York time, with its offset');
      assert.equal(new Date(e.localTime).getTime(), new Date(e.time).getTime(), 'the same instant as the UTC time');
    }
    return records;
  }

  /** The Activity rows of one kind, newest first, as their text. */
  async function activity(kind: 'keys' | 'teammates' | 'registries' | 'policies'): Promise<string[]> {
    const a = new ActivityPage(page);
    await app.go('Activity');
    await a.refresh();
    await a.show(kind);
    await a.entries().first().waitFor();
    return a.entries().allTextContents();
  }

  before(async () => {
    [open, locked, kc, dir] = await Promise.all([startRegistry(), startRegistry({ auth: 'htpasswd' }), startKeyringSession(), makeTempDir()]);
    env = { ...kc.env, SIGNET_HOME: join(dir, 'home'), TZ: ZONE };
    desktop = await openDesktop(env, { acceptDownloads: true, permissions: ['clipboard-read', 'clipboard-write'] });
    ({ host, page } = desktop);
    [app, keys] = [new AppPage(page), new KeysPage(page)];
    await page.goto(host.url);
  });
  after(async () => {
    await desktop?.close();
    await kc?.stop();
    await open?.stop();
    await locked?.stop();
  });

  test('keys: generated, imported, renamed, private key exported (CLI), deleted', async () => {
    await keyFiles('imported', 'import-password');
    await app.go('Keys & teammates');
    await keys.generate('Release Key');
    await keys.importKey(join(dir, 'imported.key'), 'CI Key', 'import-password');
    await keys.rename('CI Key', 'Build Key');
    const exported = await runSignet(['keys', 'export-private', 'Build Key', '--out', join(dir, 'build.key')], { env: { ...env, COSIGN_PASSWORD: 'export-password' } });
    assert.equal(exported.code, 0, exported.stderr);
    const del = await keys.deleteKey('Build Key');
    await del.root.getByLabel('Fingerprint').fill((await del.root.locator('p.mono').textContent()) ?? '');
    await del.confirm('Delete for good');

    const records = await logged('key');
    assert.deepEqual(records.map((e) => [e.action, e.subject, e.via]), [
      ['generated', 'Release Key', 'desktop'], ['imported', 'CI Key', 'desktop'], ['renamed', 'Build Key', 'desktop'],
      ['exported-private', 'Build Key', 'cli'], ['deleted', 'Build Key', 'desktop'],
    ]);
    assert.equal(records[2].details.from, 'CI Key');
    assert.equal(records[3].details.file, join(dir, 'build.key'));
    assert.ok(records.every((e) => /^SHA256:[0-9a-f]{64}$/.test(e.fingerprint)));
    const rows = await activity('keys');
    assert.equal(rows.length, 5);
    assert.deepEqual(rows.map((r) => /(key generated|key imported|key renamed|private key exported|key deleted)/.exec(r)?.[1]), ['key deleted', 'private key exported', 'key renamed', 'key imported', 'key generated']);
    assert.ok(rows.every((r) => r.includes(ZONE) && r.includes(userInfo().username)), rows.join('\n'));
    assert.match(rows[2]!, /Build Key.*from CI Key, via desktop/);
    const log = await readFile(join(dir, 'home', 'audit.log'), 'utf8');
    for (const secret of ['import-password', 'export-password', 'PRIVATE KEY']) assert.ok(!log.includes(secret), `no "${secret}" in audit.log`);
  });

  test('teammates: added, revoked, restored, removed', async () => {
    await keyFiles('alice', 'alice-password');
    await app.go('Keys & teammates');
    const fp = await keys.addTeammate('Alice', await readFile(join(dir, 'alice.pub'), 'utf8'));
    for (const [change, label] of [['Revoke', 'Revoke Alice'], ['Restore', 'Restore Alice']] as const) {
      await (await keys.changeTeammate(change, 'Alice')).confirm(label);
      await keys.teammateRow('Alice').getByRole('button', { name: change === 'Revoke' ? 'Restore Alice' : 'Revoke Alice' }).waitFor();
    }
    await (await keys.changeTeammate('Remove', 'Alice')).confirm('Remove Alice');
    await keys.teammateRow('Alice').waitFor({ state: 'detached' });

    const records = await logged('teammate');
    assert.deepEqual(records.map((e) => [e.action, e.subject, e.fingerprint]), [['added', 'Alice', fp], ['revoked', 'Alice', fp], ['restored', 'Alice', fp], ['removed', 'Alice', fp]]);
    const rows = await activity('teammates');
    assert.deepEqual(rows.map((r) => /teammate (added|revoked|restored|removed)/.exec(r)?.[1]), ['removed', 'restored', 'revoked', 'added']);
    assert.ok(rows.every((r) => r.includes('Alice') && r.includes(fp.slice(0, 23))), rows.join('\n'));
  });

  test('registries: added, credentials changed, edited (a new host), removed; never the password', async () => {
    const registries = new RegistriesPage(page);
    await app.go('Registries');
    await registries.add(open.host, 'none');
    await registries.row(open.host).getByText(/✓ Reached/).waitFor();
    let form = await registries.edit(open.host);
    await form.fill({ auth: 'docker-login' });
    await form.submit('Save changes');
    await form.root.waitFor({ state: 'detached' });
    const alias = open.host.replace('127.0.0.1', 'localhost');
    form = await registries.edit(open.host);
    await form.fill({ host: alias });
    await form.submit('Save changes');
    await registries.row(alias).waitFor();
    await registries.add(locked.host, 'keychain', { username: locked.username, password: locked.password });
    await registries.row(locked.host).getByText(/✓ Signed in/).waitFor();
    for (const h of [alias, locked.host]) {
      await (await registries.remove(h)).confirm(`Remove ${h}`);
      await registries.row(h).waitFor({ state: 'detached' });
    }

    const records = await logged('registry');
    assert.deepEqual(records.map((e) => [e.action, e.subject, e.details]), [
      ['added', open.host, { auth: 'none' }],
      ['credentials-changed', open.host, { auth: 'docker-login' }],
      ['edited', alias, { from: open.host }],
      ['added', locked.host, { auth: 'keychain', username: locked.username }],
      ['removed', alias, { auth: 'docker-login' }],
      ['removed', locked.host, { auth: 'keychain' }],
    ]);
    const rows = await activity('registries');
    assert.deepEqual(rows.map((r) => /registry (added|credentials changed|edited|removed)/.exec(r)?.[1]), ['removed', 'removed', 'added', 'edited', 'credentials changed', 'added']);
    assert.ok(!(await readFile(join(dir, 'home', 'audit.log'), 'utf8')).includes(locked.password), 'no password in audit.log');
    assert.ok(!(await page.textContent('body'))!.includes(locked.password), 'nor in the Activity screen');
  });

  test('policies: the team policy in audit mode, copied, and a CLI export; both recorded with format, mode, images and keys', async () => {
    await app.go('Keys & teammates');
    const policy = keys.teamPolicy();
    await policy.show({ format: 'kyverno', mode: 'Audit', images: 'registry.example.com/team/*' });
    const content = await policy.file('kyverno-clusterpolicy.yaml').inputValue();
    assert.match(content, /validationFailureAction: Audit/);
    assert.match(content, /failureAction: Audit/);
    await policy.copy('kyverno-clusterpolicy.yaml');
    await policy.root.getByRole('status').filter({ hasText: 'Copied.' }).waitFor();
    assert.equal(await page.evaluate(() => (globalThis as any).navigator.clipboard.readText()), content, 'the clipboard holds the file as shown');
    // containers has no audit mode: the choice is disabled, and the form says why.
    await policy.root.getByLabel('Policy format').selectOption('containers');
    assert.equal(await policy.mode('Audit').isDisabled(), true);
    assert.equal(await policy.mode('Enforce').isChecked(), true);
    await policy.root.getByText('containers policy.json has no audit mode').waitFor();

    const cli = await runSignet(['policy', 'export', '--format', 'policy-controller', '--mode', 'audit', '--images', 'registry.example.com/team/*'], { env });
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /mode: warn/);

    const records = await logged('policy');
    assert.deepEqual(records.map((e) => [e.subject, e.via, e.details.mode, e.details.images]), [
      ['kyverno', 'desktop', 'audit', 'registry.example.com/team/*'], ['policy-controller', 'cli', 'audit', 'registry.example.com/team/*'],
    ]);
    assert.match(records[0].details.keys, /^Release Key \(SHA256:[0-9a-f]{64}\)$/, 'the team: the one own key left, no teammate');
    const rows = await activity('policies');
    assert.equal(rows.length, 2);
    assert.match(rows[1]!, /policy exported.*kyverno.*mode audit, images registry\.example\.com\/team\/\*, keys Release Key/);
  });

  test('Activity: the filter and the search narrow the list; the export is the shown entries as JSON lines', async () => {
    const a = new ActivityPage(page);
    await app.go('Activity');
    await a.show('everything');
    const all = await a.entries().count();
    assert.equal(all, 5 + 4 + 6 + 2, 'every change above');
    await a.search('alice removed');
    assert.deepEqual((await a.entries().allTextContents()).map((r) => /teammate (added|revoked|restored|removed)/.exec(r)?.[0]), ['teammate removed']);
    await a.search('Alice');
    await a.show('teammates');
    assert.equal(await a.entries().count(), 4);
    const [download] = await Promise.all([page.waitForEvent('download'), a.exportButton().click()]);
    assert.match(download.suggestedFilename(), /^signet-activity-\d{4}-\d\d-\d\d\.jsonl$/);
    const exported = jsonLines(await readFile((await download.path())!, 'utf8'));
    const stored = (await logged('teammate'));
    assert.deepEqual(exported, stored, 'the shown entries, oldest first, as audit.log holds them');
  });
});
