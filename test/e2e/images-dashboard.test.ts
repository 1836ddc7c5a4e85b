// The Images screen as a dashboard of trust, in Debian Chromium against the web host (started as
// `npm run start:web` is) and a real registry holding one repository with every verdict:
//  1.3.5 signed by Alice (a trusted teammate) · 1.3.6 carrying 1.3.5's signature (a replay) ·
//  mirror carrying a signature Alice made for team/other · carol signed by Carol, then revoked ·
//  bob signed by Bob, whom nobody trusts yet · 1.4.0 and a long tag, unsigned · crowded, whose
//  signature manifest holds more layers than Signet reads (could not check).
// It checks the verdict chips and their counts and filters, the default order (INVALID and revoked
// first), the counts in the side list and the host said once; the replay headline and its link to
// the image the signature was copied from; "Add as teammate…" from Bob's signature, through the
// dialog's fingerprint check, to "verified by Bob"; the search, filter and open detail kept across
// screens, with no new check unless the teammates changed. No keychain is needed: the keys are
// cosign key files, and teammates live in the trust store.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { getManifest, pushBlob, pushImageWithConfig, pushManifest, rawRequest, OCI_MANIFEST } from '../helpers/push.js';
import { runSignet } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/tmp.js';
import { chromiumMissing } from './chromium.js';
import { openDesktop, type Desktop, type WebHostProcess } from './web-host-process.js';
import { AppPage, ImagesPage } from './pages.js';
import { screenshot } from './screenshots.js';

const REPO = 'team/app';
const LONG_TAG = '2024.11.05-build.12345-release-candidate-with-a-long-suffix-that-never-ends';
const rootfs = { type: 'layers', diff_ids: [] };

/** A public key's fingerprint as Signet writes it, computed here independently: SHA-256 of its SPKI DER. */
function fingerprintOf(pem: string): string {
  return `SHA256:${createHash('sha256').update(createPublicKey(pem).export({ type: 'spki', format: 'der' })).digest('hex')}`;
}

/** WCAG contrast ratio of two computed colours ("rgb(r, g, b)"). */
function contrast(a: string, b: string): number {
  const lum = (c: string) => {
    const [r, g, bl] = (c.match(/[\d.]+/g) ?? []).slice(0, 3).map((x) => Number(x) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

interface BadgeLook { verdict: string; color: string; background: string; cut: boolean; outsideCell: boolean; text: string }

/** Every verdict badge in the table: its colours, and whether its text is cut or runs out of its cell. */
async function badgeLooks(page: Page): Promise<BadgeLook[]> {
  return page.locator('[role="grid"] [role="row"] .badge').evaluateAll((els) => els.map((e) => {
    const style = e.ownerDocument.defaultView!.getComputedStyle(e);
    const cell = e.closest('[role="gridcell"]')!;
    const [b, c] = [e.getBoundingClientRect(), cell.getBoundingClientRect()];
    return {
      verdict: e.getAttribute('data-verdict') ?? '', color: style.color, background: style.backgroundColor, text: e.textContent ?? '',
      cut: e.scrollWidth > e.clientWidth || cell.scrollWidth > cell.clientWidth,
      outsideCell: b.right > c.right + 0.5 || b.left < c.left - 0.5,
    };
  }));
}

describe('the Images screen as a dashboard of trust, in Chromium', { skip: chromiumMissing() ?? false }, () => {
  let reg: TestRegistry;
  let host: WebHostProcess;
  let desktop: Desktop;
  let page: Page;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const ref = (tag: string) => `${reg.host}/${REPO}:${tag}`;
  const digests: Record<string, string> = {};

  const signet = async (...args: string[]) => {
    const r = await runSignet(args, { env });
    assert.equal(r.code, 0, `signet ${args.join(' ')}: ${r.stderr}`);
  };
  /** The app loaded afresh (a goto to the same address only moves to its fragment), its source checked. */
  const reload = async (images: ImagesPage) => {
    await page.reload();
    await images.count().filter({ hasText: /^8 of 8 images$/ }).waitFor();
  };
  const sigTag = (digest: string) => `${digest.replace(':', '-')}.sig`;
  /** Copies the signature manifest of `from` (in fromRepo) to be the one of `to` in team/app, blobs included. */
  const copySignature = async (fromRepo: string, from: string, to: string) => {
    const sig = await getManifest(reg, fromRepo, sigTag(from));
    assert.equal(sig.status, 200);
    if (fromRepo !== REPO) {
      const doc = JSON.parse(sig.body.toString('utf8')) as { config: { digest: string }; layers: Array<{ digest: string }> };
      for (const d of [doc.config.digest, ...doc.layers.map((l) => l.digest)]) {
        await pushBlob(reg, REPO, (await rawRequest(reg, 'GET', `/v2/${fromRepo}/blobs/${d}`)).body);
      }
    }
    await pushManifest(reg, REPO, sigTag(to), sig.body, sig.mediaType ?? OCI_MANIFEST);
  };

  before(async () => {
    [reg, dir] = await Promise.all([startRegistry(), makeTempDir()]);
    env = { SIGNET_HOME: join(dir, 'home'), COSIGN_PASSWORD: 'a-password', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' };
    const image = (repo: string, tag: string, label: string) => pushImageWithConfig(reg, repo, tag, { os: 'linux', architecture: 'amd64', rootfs, config: { Labels: { id: label } } });
    for (const tag of ['1.3.5', '1.3.6', '1.4.0', LONG_TAG, 'bob', 'carol', 'crowded']) digests[tag] = (await image(REPO, tag, tag)).digest;
    digests.mirror = (await image(REPO, 'mirror', 'mirror')).digest;
    assert.equal((await image('team/other', 'v1', 'mirror')).digest, digests.mirror, 'the same image in two repositories');
    for (const who of ['alice', 'bob', 'carol']) await signet('keys', 'generate-file', join(dir, who), '--alg', 'ecdsa-p256');
    await signet('sign', ref('1.3.5'), '--key', join(dir, 'alice.key'));
    await signet('sign', `${reg.host}/team/other:v1`, '--key', join(dir, 'alice.key'));
    await signet('sign', ref('bob'), '--key', join(dir, 'bob.key'));
    await signet('sign', ref('carol'), '--key', join(dir, 'carol.key'));
    await copySignature(REPO, digests['1.3.5']!, digests['1.3.6']!); // a replay: 1.3.5's signature under 1.3.6
    await copySignature('team/other', digests.mirror!, digests.mirror!); // made for team/other, found in team/app
    // 101 copies of one signature layer: past the 100 Signet reads of one image, so it could not check it.
    const sig = await getManifest(reg, REPO, sigTag(digests['1.3.5']!));
    const crowded = JSON.parse(sig.body.toString('utf8')) as { layers: unknown[] };
    crowded.layers = Array.from({ length: 101 }, () => crowded.layers[0]);
    await pushManifest(reg, REPO, sigTag(digests.crowded!), JSON.stringify(crowded), sig.mediaType ?? OCI_MANIFEST);
    await signet('trust', 'add', join(dir, 'alice.pub'), '--name', 'Alice');
    await signet('trust', 'add', join(dir, 'carol.pub'), '--name', 'Carol');
    await signet('trust', 'revoke', 'Carol');
    desktop = await openDesktop({ SIGNET_HOME: env.SIGNET_HOME, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' });
    ({ host, page } = desktop);
  });
  after(async () => {
    await desktop?.close();
    await reg?.stop();
  });

  test('verdict chips count every verdict and filter by it; INVALID and revoked come first; the side list counts; the host is said once', async () => {
    const images = new ImagesPage(page);
    await page.goto(host.url);
    await images.addSource('Registry repository', `${reg.host}/${REPO}`);
    await images.count().filter({ hasText: /^8 of 8 images$/ }).waitFor();
    const counts: Record<string, number> = {};
    for (const chip of ['All', 'verified', 'unknown key', 'INVALID', 'revoked', 'unsigned', 'could not check'] as const) counts[chip] = await images.chipCount(chip);
    assert.deepEqual(counts, { All: 8, verified: 1, 'unknown key': 1, INVALID: 2, revoked: 1, unsigned: 2, 'could not check': 1 });
    assert.deepEqual(await images.references(), [ref('1.3.6'), ref('mirror'), ref('carol'), ref('bob'), ref('crowded'), ref('1.4.0'), ref(LONG_TAG), ref('1.3.5')], 'INVALID, revoked, unknown key, could not check, unsigned, verified');
    assert.equal(await images.sourceCounts(`${reg.host}/${REPO}`), '8 images, 2 INVALID, 1 revoked, 1 could not be checked');
    assert.match((await images.banner().innerText()).replace(/\s+/g, ' '), /1 of 8 images could not be checked: .*more than the 100/);

    // The host once, above the table; each reference without it, in full on hover and for assistive tech.
    assert.equal((await page.locator('.table-caption').textContent())?.trim(), `Registry ${reg.host}`);
    const refCell = await images.cell(ref('1.3.5'), 'Reference');
    assert.equal((await refCell.textContent())?.trim(), `${REPO}:1.3.5`);
    assert.equal(await refCell.getAttribute('title'), ref('1.3.5'));

    // A chip filters; pressed again, it shows all.
    await images.filterVerdict('INVALID');
    await images.count().filter({ hasText: /^2 of 8 images$/ }).waitFor();
    assert.equal(await images.chip('INVALID').getAttribute('aria-pressed'), 'true');
    assert.deepEqual(await images.references(), [ref('1.3.6'), ref('mirror')]);
    await images.filterVerdict('unsigned');
    assert.deepEqual(await images.references(), [ref('1.4.0'), ref(LONG_TAG)]);
    await images.filterVerdict('unsigned');
    await images.count().filter({ hasText: /^8 of 8 images$/ }).waitFor();

    // Columns sort: by reference, then back to verdicts.
    await images.table().getByRole('columnheader', { name: 'Reference' }).getByRole('button').click();
    assert.deepEqual(await images.references(), [ref('1.3.5'), ref('1.3.6'), ref('1.4.0'), ref(LONG_TAG), ref('bob'), ref('carol'), ref('crowded'), ref('mirror')]);
    assert.equal(await images.table().getByRole('columnheader', { name: /Reference/ }).getAttribute('aria-sort'), 'ascending');
    await images.table().getByRole('columnheader', { name: /Verdict/ }).getByRole('button').click();
    assert.equal((await images.references())[0], ref('1.3.6'));

    // The long tag ends in "…" inside its column: it never runs into the digest.
    const longCell = await images.cell(ref(LONG_TAG), 'Reference');
    const clipped = await longCell.locator('.ref-tag').evaluate((e) => ({ cut: e.scrollWidth > e.clientWidth, right: e.getBoundingClientRect().right }));
    const digestLeft = await (await images.cell(ref(LONG_TAG), 'Digest')).evaluate((e) => e.getBoundingClientRect().left);
    assert.ok(clipped.cut, 'the long tag is cut with an ellipsis');
    assert.ok(clipped.right < digestLeft, `the tag ends (${clipped.right}) before the digest column starts (${digestLeft})`);
    await screenshot(page, 'images-dashboard');
  });

  test('light and dark themes follow the system, badges stay readable (contrast ≥ 4.5) and are never cut at 1024×700; the favicon is served', async () => {
    const browser = page.context().browser()!;
    const looks: Record<string, { body: string; badges: BadgeLook[] }> = {};
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ viewport: { width: 1024, height: 700 }, colorScheme });
      try {
        const p = await context.newPage();
        const images = new ImagesPage(p);
        await p.goto(host.url);
        await images.count().filter({ hasText: /^8 of 8 images$/ }).waitFor();
        const body = await p.locator('body').evaluate((b) => b.ownerDocument.defaultView!.getComputedStyle(b).backgroundColor);
        const closed = await badgeLooks(p);
        // With the detail panel open the table is at its narrowest.
        await images.row(ref('bob')).click();
        await images.detail().waitFor();
        const opened = await badgeLooks(p);
        for (const b of [...closed, ...opened]) {
          assert.equal(b.cut, false, `${colorScheme}: the ${b.verdict} badge "${b.text}" is cut`);
          assert.equal(b.outsideCell, false, `${colorScheme}: the ${b.verdict} badge "${b.text}" runs out of its cell`);
          assert.ok(contrast(b.color, b.background) >= 4.5, `${colorScheme}: the ${b.verdict} badge's contrast is ${contrast(b.color, b.background).toFixed(2)} (${b.color} on ${b.background})`);
        }
        assert.deepEqual([...new Set(closed.map((b) => b.verdict))].sort(), ['error', 'invalid', 'revoked', 'unknown-key', 'unsigned', 'verified'], 'every verdict was looked at');
        assert.equal(opened.length, closed.length);
        looks[colorScheme] = { body, badges: closed };
        if (colorScheme === 'light') {
          const icon = await p.locator('link[rel="icon"][type="image/svg+xml"]').getAttribute('href');
          const res = await p.request.get(new URL(icon!, host.url).href);
          assert.equal(res.status(), 200);
          assert.equal(res.headers()['content-type'], 'image/svg+xml');
          assert.match(await res.text(), /^<svg /);
          const png = await p.request.get(new URL('favicon-32.png', host.url).href);
          assert.equal(png.headers()['content-type'], 'image/png');
        }
      } finally {
        await context.close();
      }
    }
    assert.notEqual(looks.dark!.body, looks.light!.body, 'the page background follows the theme');
    const colours = (t: 'light' | 'dark') => looks[t]!.badges.map((b) => `${b.verdict} ${b.color} ${b.background}`).sort();
    for (const [i, light] of colours('light').entries()) assert.notEqual(colours('dark')[i], light, 'each verdict\'s badge has its dark colours');
  });

  test('a replayed signature: "copied from app:1.3.5 — possible replay", linking to that row; a signature for another repository says so', async () => {
    const images = new ImagesPage(page);
    await reload(images);
    await images.row(ref('1.3.6')).click();
    const headline = images.headlines().first();
    await headline.filter({ hasText: 'Signature copied from app:1.3.5 — possible replay' }).waitFor();
    assert.match((await images.detail().locator('.next').first().textContent()) ?? '', /copied a signature made for another image/);
    // Digests are short in the panel, whole on demand (title, copy).
    const detailText = await images.detail().innerText();
    assert.doesNotMatch(detailText, /sha256:[0-9a-f]{13,}/, 'no whole digest in the panel\'s text');
    assert.equal(await images.detail().locator(`[data-digest="${digests['1.3.5']}"]`).first().getAttribute('title'), digests['1.3.5']);
    await images.detail().getByRole('button', { name: `Copy the full digest ${digests['1.3.6']}` }).waitFor();
    await screenshot(page, 'images-replay');

    // The link selects the row the signature was made for.
    await headline.getByRole('button', { name: 'app:1.3.5' }).click();
    await images.detail().getByRole('heading', { name: ref('1.3.5') }).waitFor();
    assert.equal(await images.row(ref('1.3.5')).getAttribute('aria-selected'), 'true');
    await images.headlines().filter({ hasText: 'Signed by Alice' }).waitFor();

    await images.row(ref('mirror')).click();
    await images.headlines().filter({ hasText: `Made for another repository: ${reg.host}/team/other` }).waitFor();
  });

  test('"Add as teammate…" from an unknown signer: the dialog checks the key against the fingerprint claimed, adds it, and the row is verified by the teammate', async () => {
    const images = new ImagesPage(page);
    const bobPem = await readFile(join(dir, 'bob.pub'), 'utf8');
    await reload(images);
    await images.row(ref('bob')).click();
    await images.headlines().filter({ hasText: 'Signed by an unknown key, which claims the fingerprint below' }).waitFor();
    assert.equal(await images.detail().getByTestId('key-hint').textContent(), fingerprintOf(bobPem));
    assert.doesNotMatch(await images.detail().innerText(), /--key|trust store/, 'the app\'s words, not the CLI\'s');

    // Escape closes the dialog and gives the focus back to the button that opened it.
    const open = images.detail().getByRole('button', { name: 'Add as teammate…' });
    await open.click();
    const dialog = page.getByRole('dialog', { name: 'Add the signer as a teammate' });
    await dialog.waitFor();
    assert.equal(await dialog.evaluate((d) => d.contains(d.ownerDocument.activeElement)), true, 'the focus moved into the dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await open.evaluate((b) => b === b.ownerDocument.activeElement), true, 'the focus came back');
    assert.equal(await images.detail().count(), 1, 'Escape closed the dialog only');

    // Another key: its fingerprint is not the one claimed, and it cannot be added from here.
    await open.click();
    const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await dialog.getByLabel("Teammate's name").fill('Bob');
    await dialog.getByLabel('or paste the public key (PEM)').fill(stranger);
    await dialog.getByRole('button', { name: 'Check fingerprint' }).click();
    await dialog.getByText('This is not the key this signature claims').waitFor();
    assert.equal(await dialog.getByRole('button', { name: 'Add teammate' }).isDisabled(), true);
    // Bob's key file: its fingerprint is the one claimed.
    await dialog.getByLabel('Public key file').setInputFiles(join(dir, 'bob.pub'));
    await dialog.getByRole('button', { name: 'Check fingerprint' }).click();
    assert.equal(await dialog.getByTestId('dialog-fingerprint').textContent(), fingerprintOf(bobPem));
    await dialog.getByText('It is the key this signature claims').waitFor();
    await screenshot(page, 'images-add-teammate');
    await dialog.getByRole('button', { name: 'Add teammate' }).click();
    await dialog.waitFor({ state: 'detached' });
    await images.badge(ref('bob')).filter({ hasText: 'verified by Bob' }).waitFor({ timeout: 30_000 });
    await images.headlines().filter({ hasText: 'Signed by Bob' }).waitFor();
    assert.equal(await images.chipCount('verified'), 2);
    assert.equal(await images.chipCount('unknown key'), 0);
  });

  test('search, filter, sorting and the open detail are kept across screens, with no new check; a change of teammates checks again', async () => {
    const app = new AppPage(page);
    const images = new ImagesPage(page);
    const lists: string[] = [];
    page.on('request', (r) => { if (r.url().endsWith('/api/images.list')) lists.push(r.url()); });
    await reload(images);
    assert.equal(lists.length, 1);
    await page.getByLabel('Search').fill(':1.');
    await images.filterVerdict('verified');
    await images.count().filter({ hasText: /^1 of 8 images$/ }).waitFor();
    await images.row(ref('1.3.5')).click();
    await images.detail().getByRole('heading', { name: ref('1.3.5') }).waitFor();
    await images.checkedAt().filter({ hasText: 'checked just now' }).waitFor();

    for (const screen of ['Keys & teammates', 'Activity', 'Sign'] as const) {
      await app.go(screen);
      assert.equal(await images.detail().isVisible(), false);
      await app.go('Images');
      assert.equal(await page.getByLabel('Search').inputValue(), ':1.');
      assert.equal(await images.chip('verified').getAttribute('aria-pressed'), 'true');
      await images.detail().getByRole('heading', { name: ref('1.3.5') }).waitFor();
      assert.equal(await images.count().textContent(), '1 of 8 images');
    }
    await page.waitForTimeout(300); // time for a check that should not start
    assert.equal(lists.length, 1, 'coming back checked nothing again');

    // Alice is revoked elsewhere (here, the CLI on the same data): back on Images, the rows are checked again.
    await images.filterVerdict('All');
    await signet('trust', 'revoke', 'Alice');
    await app.go('Keys & teammates');
    await app.go('Images');
    await images.badge(ref('1.3.5')).filter({ hasText: 'revoked' }).waitFor({ timeout: 30_000 });
    assert.equal(lists.length, 2);
  });

});
