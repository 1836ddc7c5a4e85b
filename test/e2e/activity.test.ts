// The Activity screen in Chromium against the web host process, over a damaged audit.log: the
// notice says, in plain words where the log is shown, that the log was moved aside and to which
// file; the recovery is a row of the history, readable without colour; and the intact signings
// are still listed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { AuditLog } from '../../electron/engine/audit/audit-log.js';
import { makeTempDir } from '../helpers/tmp.js';
import { chromiumMissing } from './chromium.js';
import { openDesktop, type Desktop, type WebHostProcess } from './web-host-process.js';
import { ActivityPage, AppPage } from './pages.js';

describe('Activity screen over a damaged audit log', { skip: chromiumMissing() ?? false }, () => {
  let home: string;
  let host: WebHostProcess;
  let desktop: Desktop;
  let page: Page;

  before(async () => {
    home = join(await makeTempDir(), 'home');
    await mkdir(home);
    const log = new AuditLog(home);
    const entry = (image: string) => ({ time: '2026-03-01T10:00:00.000Z', user: 'ci', outcome: 'signed' as const, key: { name: 'release', fingerprint: 'SHA256:abcdef', source: 'file' as const }, image, annotations: {} });
    await log.append(entry('registry.example/team/app:1'));
    await log.append(entry('registry.example/team/app:2'));
    writeFileSync(log.path, '{"time":"2026-03-01T10:05:00Z","user":"ci","outc', { flag: 'a' }); // torn by a crash
    desktop = await openDesktop({ SIGNET_HOME: home, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' });
    ({ host, page } = desktop);
  });
  after(async () => {
    await desktop?.close();
  });

  test('the move aside is reported by name, recorded in the history, and the intact signings stay listed', async () => {
    await page.goto(host.url);
    await new AppPage(page).go('Activity');
    const activity = new ActivityPage(page);
    const notice = await activity.damageNotice().textContent();
    const aside = readdirSync(home).filter((f) => f.startsWith('audit.log.corrupt-'));
    assert.equal(aside.length, 1, 'the host moved the damaged log aside');
    assert.match(notice ?? '', /was damaged at line 3, so it was moved aside, unchanged, to .*; a new log was started with its 2 intact entries\./);
    assert.ok(notice!.includes(join(home, aside[0]!)), notice!);
    const recovery = activity.row(/log recovered/);
    assert.match(await recovery.textContent() ?? '', new RegExp(`⚠ log recovered.*damaged at line 3.*moved aside, unchanged, to ${aside[0]!.replace(/[.]/g, '\\.')}`));
    assert.equal(await activity.row('registry.example/team/app:1').count(), 1);
    assert.equal(await activity.row('registry.example/team/app:2').count(), 1);
    // Seen again, the log is whole: no notice, and the recovery stays in the history.
    await page.getByRole('button', { name: 'Refresh' }).click();
    await activity.damageNotice().waitFor({ state: 'detached' });
    assert.equal(await activity.row(/log recovered/).count(), 1);
  });

  // Issue 11, finding 7: an entry's error quotes a registry, its image is whatever was asked for.
  // React escapes HTML but not a right-to-left override, which would make the cell read
  // otherwise; the row shows such characters as escapes, as `signet log` does.
  test('an entry with a bidi override and control characters is shown with them escaped', async () => {
    await new AuditLog(home).append({
      time: '2026-03-01T11:00:00.000Z', user: 'ci', outcome: 'failed', key: { name: 'release\u202e', fingerprint: 'SHA256:abcdef', source: 'file' },
      image: 'registry.example/team/evil\u202e1.0:gat', annotations: {}, error: 'The key "x\n2026\u2066" is bad\x1b[8m',
    });
    await page.getByRole('button', { name: 'Refresh' }).click();
    const row = new ActivityPage(page).row('registry.example/team/evil');
    const text = await row.textContent() ?? '';
    assert.ok(text.includes('registry.example/team/evil\\u202e1.0:gat'), text);
    assert.ok(text.includes('release\\u202e'), text);
    assert.ok(text.includes('The key "x\\n2026\\u2066" is bad\\x1b[8m'), text);
    assert.doesNotMatch(text, /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  });
});
