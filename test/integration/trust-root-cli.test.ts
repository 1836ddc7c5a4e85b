// `signet trust root show` and `signet trust root update`, through the real CLI: the shipped
// snapshot, a file for one command, installing from a file, and refreshing through a TUF
// repository (a real one made here and served on 127.0.0.1, verified by the real TUF client).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { runSignet, jsonLines } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/tmp.js';
import { publicGoodRootText, trimmedRoot } from '../helpers/keyless-fixtures.js';
import { startTufRepository } from '../helpers/tuf-repository.js';

const PUBLIC_GOOD_SHA = '6494e21ea73fa7ee769f85f57d5a3e6a08725eae1e38c755fc3517c9e6bc0b66';

async function workspace() {
  const dir = await makeTempDir();
  const env = { SIGNET_HOME: join(dir, 'home') };
  const noV2 = trimmedRoot(publicGoodRootText(), (list, e) => !(list === 'tlogs' && String(e['baseUrl']).includes('log2025')));
  await writeFile(join(dir, 'no-v2.json'), noV2);
  await writeFile(join(dir, 'bad.json'), '{"mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1", "tlogs": 3}');
  return { dir, env, noV2 };
}

test('show: the shipped snapshot, what it holds and how old it is; --json; --trusted-root FILE shows that file', async () => {
  const { dir, env } = await workspace();
  const r = await runSignet(['trust', 'root', 'show'], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Trusted root: the snapshot shipped with Signet$/m);
  assert.match(r.stdout, /source {4}Sigstore public-good TUF repository https:\/\/tuf-repo-cdn\.sigstore\.dev/);
  assert.match(r.stdout, /obtained {2}2026-12-05 \(\d+ days? ago\)/);
  assert.match(r.stdout, /Fulcio certificate authorities \(2\)/);
  assert.match(r.stdout, /https:\/\/rekor\.sigstore\.dev {2}Rekor v1/);
  assert.match(r.stdout, /https:\/\/log2025-1\.rekor\.sigstore\.dev {2}Rekor v2 {2}PKIX_ED25519/);
  assert.match(r.stdout, /Timestamp authorities \(1\)/);

  const j = await runSignet(['trust', 'root', 'show', '--json'], { env });
  const [doc] = jsonLines(j.stdout);
  assert.equal(doc.origin.kind, 'shipped');
  assert.equal(doc.sha256, PUBLIC_GOOD_SHA);
  assert.equal(doc.transparencyLogs.length, 2);

  const f = await runSignet(['trust', 'root', 'show', '--trusted-root', join(dir, 'no-v2.json')], { env });
  assert.equal(f.code, 0, f.stderr);
  assert.match(f.stdout, /^Trusted root: the file .*no-v2\.json$/m);
  assert.match(f.stdout, /Transparency logs \(1\)/);
  const bad = await runSignet(['trust', 'root', 'show', '--trusted-root', join(dir, 'bad.json')], { env });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /bad\.json is not a usable Sigstore trusted root: "tlogs" is not a list/);
});

test('update --from FILE installs a valid root (then used and shown with its source), refuses an invalid one and keeps the one in use', async () => {
  const { dir, env, noV2 } = await workspace();
  const r = await runSignet(['trust', 'root', 'update', '--from', join(dir, 'no-v2.json')], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Installed the trusted root from file .*no-v2\.json: 2 Fulcio CAs, 1 transparency log, 2 CT logs, 1 timestamp authority/);
  assert.equal(await readFile(join(env.SIGNET_HOME, 'sigstore', 'trusted_root.json'), 'utf8'), noV2);
  const s = await runSignet(['trust', 'root', 'show'], { env });
  assert.match(s.stdout, /^Trusted root: installed by signet trust root update/m);
  assert.match(s.stdout, /source {4}file .*no-v2\.json/);
  assert.match(s.stdout, /Transparency logs \(1\)/);

  const bad = await runSignet(['trust', 'root', 'update', '--from', join(dir, 'bad.json')], { env });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /not a usable Sigstore trusted root/);
  assert.equal(await readFile(join(env.SIGNET_HOME, 'sigstore', 'trusted_root.json'), 'utf8'), noV2, 'unchanged');

  const both = await runSignet(['trust', 'root', 'update', '--from', join(dir, 'no-v2.json'), '--mirror', 'https://example.com'], { env });
  assert.equal(both.code, 64);
  const http = await runSignet(['trust', 'root', 'update', '--mirror', 'http://example.com', '--tuf-root', join(dir, 'bad.json')], { env });
  assert.equal(http.code, 2);
  assert.match(http.stderr, /not https/);
});

const repo = await startTufRepository();
after(() => repo.close());

test('update through a TUF repository: installs the verified target, picks up a new version, refuses a target whose bytes are not the signed ones', async () => {
  const { dir, env, noV2 } = await workspace();
  const tufRoot = join(dir, 'tuf-root.json');
  await writeFile(tufRoot, repo.rootJson);
  repo.publish(publicGoodRootText());
  const first = await runSignet(['trust', 'root', 'update', '--mirror', repo.url, '--tuf-root', tufRoot, '--json'], { env });
  assert.equal(first.code, 0, first.stderr);
  const [installed] = jsonLines(first.stdout);
  assert.equal(installed.changed, false, 'the same bytes as the shipped snapshot');
  assert.equal(installed.installed.sha256, PUBLIC_GOOD_SHA);
  assert.equal(installed.installed.origin.source, `TUF repository ${repo.url}`);
  assert.ok(repo.requests.includes('/timestamp.json') && repo.requests.some((p) => p.endsWith('.trusted_root.json')));

  repo.publish(noV2); // version 2 of targets, snapshot and timestamp
  const second = await runSignet(['trust', 'root', 'update', '--mirror', repo.url], { env }); // the cached TUF root is used now
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /Installed the trusted root from TUF repository .*1 transparency log/);

  // The same length as the signed bytes, so it is the hash that refuses them, not the length.
  repo.publish(publicGoodRootText().replace('"https://rekor.sigstore.dev"', '"https://rekor.sigstore.dex"'));
  repo.tamperTarget(publicGoodRootText()); // valid JSON, a valid root even: but not the bytes the targets role signed
  const tampered = await runSignet(['trust', 'root', 'update', '--mirror', repo.url], { env });
  repo.tamperTarget(undefined);
  assert.equal(tampered.code, 2);
  assert.match(tampered.stderr, /did not give a verified trusted root \(.*hash/i);
  assert.equal(await readFile(join(env.SIGNET_HOME, 'sigstore', 'trusted_root.json'), 'utf8'), noV2, 'the root in use is unchanged');
});

test('update with the TUF repository unreachable is NETWORK, and the root in use stays', async () => {
  const { dir, env } = await workspace();
  const closed = await new Promise<number>((resolve) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const a = s.address(); s.close(() => resolve(typeof a === 'object' && a ? a.port : 0)); }); });
  const tufRoot = join(dir, 'tuf-root.json');
  await writeFile(tufRoot, repo.rootJson);
  const r = await runSignet(['trust', 'root', 'update', '--mirror', `http://127.0.0.1:${closed}`, '--tuf-root', tufRoot], { env, timeoutMs: 60_000 });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Could not reach the TUF repository .* The trusted root in use is unchanged/);
  const s = await runSignet(['trust', 'root', 'show'], { env });
  assert.match(s.stdout, /snapshot shipped with Signet/);
});
