// The Sigstore trusted root: the shipped snapshot (its bytes, its provenance), strict loading,
// which root is used (file > installed > shipped), installing, and the summary `show` prints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PUBLIC_GOOD_SNAPSHOT } from '../../../electron/engine/trust/trusted-root/public-good-snapshot.js';
import { parseTrustedRoot } from '../../../electron/engine/trust/trusted-root/trusted-root.js';
import { installTrustedRoot, loadTrustedRoot, shippedTrustedRoot, trustedRootPaths } from '../../../electron/engine/trust/trusted-root/trusted-root-store.js';
import { summarizeTrustedRoot } from '../../../electron/engine/trust/trusted-root/trusted-root-summary.js';
import { formatTrustedRoot } from '../../../electron/cli/trusted-root-output.js';
import { SignetError } from '../../../electron/engine/errors.js';
import { makeTempDir } from '../../helpers/tmp.js';
import { publicGoodRootText, trimmedRoot } from '../../helpers/keyless-fixtures.js';

const code = (c: string, re?: RegExp) => (e: unknown) => e instanceof SignetError && e.code === c && (!re || re.test(e.message));
const fileOrigin = { kind: 'file', path: 'x', modified: '2026-01-01T00:00:00.000Z' } as const;

test('the shipped snapshot is the public-good trusted_root.json of the fixtures, byte for byte, with its sha256 and provenance', () => {
  assert.equal(PUBLIC_GOOD_SNAPSHOT.json, publicGoodRootText());
  const loaded = shippedTrustedRoot();
  assert.equal(loaded.sha256, '6494e21ea73fa7ee769f85f57d5a3e6a08725eae1e38c755fc3517c9e6bc0b66');
  assert.deepEqual(loaded.origin, { kind: 'shipped', source: PUBLIC_GOOD_SNAPSHOT.source, obtained: '2026-12-05' });
  assert.match(PUBLIC_GOOD_SNAPSHOT.source, /tuf-repo-cdn\.sigstore\.dev.*@sigstore\/tuf 4\.0\.2/);
  assert.equal(loaded.material.certificateAuthorities.length, 2);
  assert.equal(loaded.material.tlogs.length, 2);
});

test('show\'s summary: both Fulcio CAs with validity, Rekor v1 and v2 told apart by their log IDs, CT logs, the TSA, and the age', () => {
  const s = summarizeTrustedRoot(shippedTrustedRoot(), new Date('2027-03-05T12:00:00Z'));
  assert.equal(s.ageDays, 90);
  assert.equal(s.newestEntry, '2025-09-23T00:00:00.000Z');
  assert.deepEqual(s.certificateAuthorities.map((c) => [c.uri, c.from, c.until, c.chain.length]), [
    ['https://fulcio.sigstore.dev', '2021-03-07T03:20:29.000Z', '2022-12-31T23:59:59.999Z', 1],
    ['https://fulcio.sigstore.dev', '2022-04-13T20:06:15.000Z', undefined, 2],
  ]);
  assert.deepEqual(s.transparencyLogs.map((l) => [l.baseUrl, l.api, l.keyType]), [
    ['https://rekor.sigstore.dev', 'Rekor v1', 'PKIX_ECDSA_P256_SHA_256'],
    ['https://log2025-1.rekor.sigstore.dev', 'Rekor v2', 'PKIX_ED25519'],
  ]);
  assert.deepEqual(s.ctLogs.map((l) => l.baseUrl), ['https://ctfe.sigstore.dev/test', 'https://ctfe.sigstore.dev/2022']);
  assert.deepEqual(s.timestampAuthorities.map((t) => t.uri), ['https://timestamp.sigstore.dev/api/v1/timestamp']);
  const text = formatTrustedRoot(s);
  assert.match(text, /obtained {2}2026-12-05 \(90 days ago\)/);
  assert.doesNotMatch(text, /Refresh it/, 'not stale at 90 days');
  assert.match(formatTrustedRoot(summarizeTrustedRoot(shippedTrustedRoot(), new Date('2027-03-06T12:00:00Z'))), /91 days old: .* signet trust root update/);
});

test('a trusted root is read strictly: each defect is TRUSTED_ROOT_INVALID naming it', () => {
  const good = JSON.parse(publicGoodRootText()) as Record<string, any>;
  const variant = (f: (d: Record<string, any>) => void) => { const d = structuredClone(good); f(d); return JSON.stringify(d); };
  const cases: Array<[string, string, RegExp]> = [
    ['not JSON', '{"mediaType": ', /not valid JSON/],
    ['a repeated key', publicGoodRootText().replace('"tlogs": [', '"mediaType": "x", "tlogs": ['), /appears twice/],
    ['another media type', variant((d) => { d.mediaType = 'application/vnd.dev.sigstore.bundle+json;version=0.1'; }), /mediaType is "application\/vnd\.dev\.sigstore\.bundle/],
    ['tlogs not a list', variant((d) => { d.tlogs = {}; }), /"tlogs" is not a list/],
    ['a log without a key', variant((d) => { delete d.tlogs[0].publicKey; }), /tlogs\[0\] has no public key/],
    ['a log without a log ID', variant((d) => { delete d.tlogs[1].logId; }), /tlogs\[1\] has no logId/],
    ['a CA without certificates', variant((d) => { d.certificateAuthorities[1].certChain.certificates = []; }), /certificateAuthorities\[1\] has no certificates/],
    ['a certificate that does not parse', variant((d) => { d.certificateAuthorities[0].certChain.certificates[0].rawBytes = Buffer.from('not a certificate').toString('base64'); }), /cannot be read/],
    ['a key node:crypto refuses', variant((d) => { d.ctlogs[0].publicKey.rawBytes = Buffer.from('not a key').toString('base64'); }), /cannot be read/],
    ['a validity that is not a time', variant((d) => { d.timestampAuthorities[0].validFor.start = 'yesterday'; }), /timestampAuthorities\[0\] has a validFor\.start that is not a time/],
  ];
  for (const [what, text, re] of cases) {
    assert.throws(() => parseTrustedRoot(text, 'The trusted root in r.json', fileOrigin), code('TRUSTED_ROOT_INVALID', re), what);
  }
  // A trimmed root is still a root: keyless verification then fails for what it lacks, not here.
  const trimmed = parseTrustedRoot(trimmedRoot(publicGoodRootText(), (list) => list !== 'tlogs'), 'r', fileOrigin);
  assert.equal(trimmed.material.tlogs.length, 0);
});

test('which root is used: --trusted-root FILE, else the installed one, else the shipped snapshot; installing validates first and records where it came from', async () => {
  const home = await makeTempDir();
  const paths = trustedRootPaths(home);
  assert.equal((await loadTrustedRoot({ dataDir: home })).origin.kind, 'shipped');

  const noLogs = trimmedRoot(publicGoodRootText(), (list) => list !== 'tlogs');
  const file = join(home, 'other-root.json');
  await writeFile(file, noLogs);
  const fromFile = await loadTrustedRoot({ dataDir: home, file });
  assert.equal(fromFile.origin.kind, 'file');
  assert.equal(fromFile.material.tlogs.length, 0);

  // A root that does not validate is not installed, and nothing is written.
  await assert.rejects(installTrustedRoot(home, '{"mediaType":"x"}', 'file bad.json'), code('TRUSTED_ROOT_INVALID'));
  await assert.rejects(readdir(paths.dir), (e: NodeJS.ErrnoException) => e.code === 'ENOENT');

  const r = await installTrustedRoot(home, noLogs, 'file other-root.json', new Date('2026-12-06T10:00:00Z'));
  assert.equal(r.changed, true);
  assert.equal(r.previousSha256, shippedTrustedRoot().sha256);
  const used = await loadTrustedRoot({ dataDir: home });
  assert.deepEqual(used.origin, { kind: 'installed', path: paths.root, source: 'file other-root.json', obtained: '2026-12-06T10:00:00.000Z' });
  assert.equal(used.material.tlogs.length, 0);
  assert.equal(await readFile(paths.root, 'utf8'), noLogs, 'stored byte for byte');
  assert.equal((await installTrustedRoot(home, noLogs, 'file other-root.json')).changed, false);
  // A file named for one command still wins over the installed root.
  await writeFile(file, publicGoodRootText());
  assert.equal((await loadTrustedRoot({ dataDir: home, file })).material.tlogs.length, 2);
});

test('an installed root that no longer parses is moved aside and reported, never silently replaced by the snapshot', async () => {
  const home = await makeTempDir();
  await installTrustedRoot(home, publicGoodRootText(), 'file r.json');
  const paths = trustedRootPaths(home);
  await writeFile(paths.root, publicGoodRootText().slice(0, 500));
  await assert.rejects(loadTrustedRoot({ dataDir: home }), code('DATA_CORRUPT', /moved aside to .*corrupt-.*signet trust root update/));
  assert.ok((await readdir(paths.dir)).some((f) => f.startsWith('trusted_root.json.corrupt-')));
  assert.equal((await loadTrustedRoot({ dataDir: home })).origin.kind, 'shipped', 'once moved aside, the snapshot is used');
});

test('an installed root whose origin record is missing or for other bytes shows its origin as unknown', async () => {
  const home = await makeTempDir();
  await installTrustedRoot(home, publicGoodRootText(), 'file r.json');
  const paths = trustedRootPaths(home);
  await writeFile(paths.root, trimmedRoot(publicGoodRootText(), () => true));
  const loaded = await loadTrustedRoot({ dataDir: home });
  assert.equal(loaded.origin.kind, 'installed');
  assert.match(loaded.origin.kind === 'installed' ? loaded.origin.source : '', /unknown/);
});
