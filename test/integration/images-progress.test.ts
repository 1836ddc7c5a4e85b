// Engine.images as the desktop follows it, against a real registry: the names come first, every
// verdict is delivered once as soon as it is decided (one image held back by a fault proxy does not
// hold back the others), and with `facts` each row comes again with its platforms and creation
// time, read from the index or the config blob, without a failed read changing any verdict. The
// returned list is exactly what was delivered. Without `facts` (the CLI) the rows keep their shape.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { Engine } from '../../electron/engine/engine.js';
import type { ImageListing } from '../../electron/engine/image-facts.js';
import type { VerifyResult } from '../../electron/engine/verify.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { pushFixtureImage, pushImageWithConfig, pushIndex } from '../helpers/push.js';
import { blobPath, nameImage, writeImage, writeIndexImage } from '../helpers/layout.js';
import { makeTempDir } from '../helpers/tmp.js';

const REPO = 'list/app';

function within<T>(ms: number, p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms); });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
const CREATED = '2024-03-05T06:07:08Z';

describe('Engine.images: progressive delivery and facts', () => {
  let reg: TestRegistry;
  let proxy: FaultProxy;
  let engine: Engine;
  const ref = (tag: string) => `${proxy.host}/${REPO}:${tag}`;

  before(async () => {
    reg = await startRegistry();
    proxy = await startFaultProxy(reg.url);
    const amd = await pushImageWithConfig(reg, REPO, undefined, { os: 'linux', architecture: 'amd64', created: '2023-01-01T00:00:00Z', rootfs: { type: 'layers', diff_ids: [] } });
    const arm = await pushImageWithConfig(reg, REPO, undefined, { os: 'linux', architecture: 'arm64', created: '2023-01-01T00:00:00Z', rootfs: { type: 'layers', diff_ids: [] } });
    const attestation = await pushImageWithConfig(reg, REPO, undefined, { os: 'unknown', architecture: 'unknown', rootfs: { type: 'layers', diff_ids: [] } });
    await pushIndex(reg, REPO, 'multi', [
      { ...amd, platform: { os: 'linux', architecture: 'amd64' } },
      { ...arm, platform: { os: 'linux', architecture: 'arm64' } },
      // How buildx stores provenance: not a platform the image runs on.
      { ...attestation, platform: { os: 'unknown', architecture: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': amd.digest } },
    ]);
    await pushImageWithConfig(reg, REPO, 'single', { os: 'linux', architecture: 'arm64', variant: 'v8', created: CREATED, rootfs: { type: 'layers', diff_ids: [] } });
    await pushImageWithConfig(reg, REPO, 'broken-config', Buffer.from('this is not JSON'));
    await pushFixtureImage(reg, REPO, 'slow');
    await pushFixtureImage(reg, REPO, 'plain');
    engine = new Engine({ registry: { credentials: async () => null, retryBaseMs: 1 } });
  });
  after(async () => {
    await engine?.close();
    await proxy?.stop();
    await reg?.stop();
  });

  test('names first, each verdict once as it is decided, then facts; the list returned is what was delivered', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => { release = r; });
    proxy.setHandler(async (req) => {
      if (req.method === 'GET' && req.path === `/v2/${REPO}/manifests/slow`) await released;
      return { kind: 'pass' };
    });
    const events: string[] = [];
    let listed: string[] = [];
    const results = new Map<number, VerifyResult[]>();
    const facts = new Map<number, ImageListing[]>();
    let allButOne!: () => void;
    const othersDecided = new Promise<void>((r) => { allButOne = r; });
    const before = proxy.requests.length;
    const listing = engine.images(`${proxy.host}/${REPO}`, { keys: [] }, {}, {
      facts: true,
      onListed: (images) => { events.push('listed'); listed = images; },
      onResult: (row, i) => {
        events.push(`result ${row.image}`);
        results.set(i, [...(results.get(i) ?? []), row]);
        if (results.size === listed.length - 1) allButOne();
      },
      onFacts: (row, i) => { events.push(`facts ${row.image}`); facts.set(i, [...(facts.get(i) ?? []), row]); },
    });
    // While the registry holds one manifest, every other image is decided and delivered.
    await within(10_000, othersDecided, 'the other images\' verdicts while one is held');
    const tags = ['broken-config', 'multi', 'plain', 'single', 'slow'];
    assert.deepEqual(listed, tags.map(ref));
    assert.equal(events[0], 'listed');
    assert.ok(![...results.values()].flat().some((r) => r.image === ref('slow')), 'the held image has no verdict yet');
    assert.ok(!events.some((e) => e.startsWith('facts')), 'facts are read after the verdicts');
    release();
    const rows = await listing;

    assert.equal(rows.length, tags.length);
    for (let i = 0; i < rows.length; i++) {
      assert.equal(results.get(i)?.length, 1, `image ${i} delivered once`);
      assert.equal(facts.get(i)?.length, 1, `image ${i}'s facts delivered once`);
      const { platforms, created, factsError, ...verdictOnly } = rows[i]!;
      assert.deepEqual(verdictOnly, results.get(i)![0], 'the verdict delivered is the one returned');
      assert.deepEqual(rows[i], facts.get(i)![0], 'the row with facts delivered is the one returned');
      assert.ok(platforms !== undefined || factsError !== undefined || created !== undefined);
    }
    const byTag = (tag: string) => rows.find((r) => r.image === ref(tag))!;
    assert.deepEqual(byTag('multi').platforms, ['linux/amd64', 'linux/arm64']);
    assert.equal(byTag('multi').created, undefined, 'an index has no creation time of its own');
    assert.deepEqual(byTag('single').platforms, ['linux/arm64/v8']);
    assert.equal(byTag('single').created, CREATED);
    assert.equal(byTag('single').factsError, undefined);
    assert.match(byTag('broken-config').factsError ?? '', /image config could not be read: The image config is not valid JSON/);
    assert.equal(byTag('broken-config').platforms, undefined);
    for (const r of rows) assert.equal(r.verdict, 'unsigned', `${r.image}: ${r.message}`);
    // The one tag listing that named the images also told which have a .sig tag: read once, and
    // no image was probed for a signature tag it does not have.
    const made = proxy.requests.slice(before);
    assert.equal(made.filter((r) => r.path.startsWith(`/v2/${REPO}/tags/list`)).length, 1, 'the tags are listed once');
    assert.equal(made.filter((r) => /\.sig$/.test(r.path)).length, 0, 'no .sig probe for unsigned images');
  });

  test('without facts (the CLI): no config is fetched and the rows keep the verify --json shape', async () => {
    proxy.setHandler(() => ({ kind: 'pass' }));
    const before = proxy.requests.length;
    const rows = await engine.images(`${proxy.host}/${REPO}`, { keys: [] });
    const blobGets = proxy.requests.slice(before).filter((r) => r.path.includes('/blobs/'));
    assert.deepEqual(blobGets, [], 'unsigned images need no blob at all');
    for (const r of rows) assert.deepEqual(Object.keys(r).sort(), ['digest', 'image', 'message', 'signatures', 'signers', 'verdict']);
  });

  test('a config the registry cannot serve leaves the verdict as it was and says why', async () => {
    const without = await engine.images(`${proxy.host}/${REPO}`, { keys: [] });
    proxy.setHandler((req) => (req.path.includes('/blobs/') ? { kind: 'status', status: 500, body: 'boom' } : { kind: 'pass' }));
    const withFacts = await engine.images(`${proxy.host}/${REPO}`, { keys: [] }, {}, { facts: true });
    proxy.setHandler(() => ({ kind: 'pass' }));
    assert.deepEqual(withFacts.map((r) => [r.image, r.verdict, r.message]), without.map((r) => [r.image, r.verdict, r.message]));
    const single = withFacts.find((r) => r.image === ref('single'))!;
    assert.equal(single.platforms, undefined);
    assert.match(single.factsError ?? '', /^The image config could not be read: .*500/);
    // The index's platforms come from the index already fetched, so they are still there.
    assert.deepEqual(withFacts.find((r) => r.image === ref('multi'))!.platforms, ['linux/amd64', 'linux/arm64']);
  });

  test('an OCI layout: the same callbacks, facts from its files, a damaged config a reason', async () => {
    const dir = await makeTempDir();
    nameImage(dir, 'multi', writeIndexImage(dir));
    nameImage(dir, 'single', writeImage(dir, { arch: 'arm64' }));
    const damaged = writeImage(dir);
    nameImage(dir, 'damaged', damaged);
    const manifest = JSON.parse(readFileSync(blobPath(dir, damaged.digest), 'utf8')) as { config: { digest: string } };
    const config = readFileSync(blobPath(dir, manifest.config.digest));
    config[config.length - 2] = config[config.length - 2]! ^ 0x01;
    writeFileSync(blobPath(dir, manifest.config.digest), config);

    const order: string[] = [];
    const rows = await engine.images(`oci:${dir}`, { keys: [] }, { identity: `${reg.host}/team/app` }, {
      facts: true,
      onListed: (images) => order.push(`listed ${images.length}`),
      onResult: (r) => order.push(`result ${r.image}`),
      onFacts: (r) => order.push(`facts ${r.image}`),
    });
    const names = ['multi', 'single', 'damaged'].map((n) => `oci:${dir}:${n}`);
    // Layout verdicts are decided one after another, in order; facts are read concurrently (8 at
    // a time), so they may arrive in any order, but all of them after every verdict.
    assert.deepEqual(order.slice(0, 4), ['listed 3', ...names.map((n) => `result ${n}`)]);
    assert.deepEqual(order.slice(4).sort(), names.map((n) => `facts ${n}`).sort());
    assert.deepEqual(rows.map((r) => r.verdict), ['unsigned', 'unsigned', 'unsigned']);
    assert.deepEqual(rows[0]!.platforms, ['linux/amd64', 'linux/arm64']);
    assert.deepEqual(rows[1]!.platforms, ['linux/arm64']);
    assert.equal(rows[1]!.created, undefined, 'this config records no creation time');
    assert.match(rows[2]!.factsError ?? '', /^The image config could not be read: .*altered or damaged/);
  });
});
