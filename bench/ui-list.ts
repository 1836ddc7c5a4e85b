// ui-list: how fast the desktop UI shows a big source. A loopback registry gets --images unique
// images in one repository (one config/layer pair, each manifest made unique by an annotation);
// the web host runs in its own process, as `npm run start:web` does (nothing is signed: verdicts
// are "unsigned" after a real tag listing and per-image checks by the engine). Debian Chromium opens the UI with
// the source already added, and we time, median of --runs, from navigation start (in the page:
// performance.now() when a MutationObserver sees the count reach each state):
//   (a) to the table listing all N rows (names from the tag listing, "checking…"), the first rendered;
//   (b) to every one of the N verdicts shown (no row still being checked);
//   (c) scrolling the virtualised table from top to bottom in 40 steps, one per animation frame:
//       frame times (median, p95, max) from requestAnimationFrame.
// It also reports how long the images.list request took (verdicts, then platforms and created),
// and the peer: the raw floor of the same registry requests with plain undici, just before each run.
//
//   npx tsc -p . && npm run build:renderer && npm run bench:ui [-- --images 1000 --runs 3]
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import pLimit from 'p-limit';
import { Agent } from 'undici';
import { startRegistry } from '../test/helpers/registry.js';
import { pushBlob, pushManifest, makeTar, OCI_MANIFEST } from '../test/helpers/push.js';
import { makeTempDir } from '../test/helpers/tmp.js';
import { startWebHostProcess } from '../test/e2e/web-host-process.js';
import { SourceStore } from '../electron/host/host-stores.js';
import { launchChromium } from '../test/e2e/chromium.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
}
/**
 * The peer: the least any client must do to show these verdicts, one tag listing and the 1,000
 * manifest GETs (32 at a time, bodies read, nothing checked), with plain undici against the same
 * registry, just before each UI run. The UI's time to all verdicts over this is its overhead.
 */
async function rawFloor(origin: string, repo: string, n: number): Promise<number> {
  const agent = new Agent({ connections: 32 });
  const accept = 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json';
  const start = performance.now();
  try {
    const list = await agent.request({ origin, path: `/v2/${repo}/tags/list?n=${n + 10}`, method: 'GET' });
    await list.body.arrayBuffer();
    let next = 0;
    await Promise.all(Array.from({ length: 32 }, async () => {
      while (next < n) {
        const res = await agent.request({ origin, path: `/v2/${repo}/manifests/v${next++}`, method: 'GET', headers: { accept } });
        await res.body.arrayBuffer();
        if (res.statusCode !== 200) throw new Error(`the floor's manifest GET answered ${res.statusCode}`);
      }
    }));
    return performance.now() - start;
  } finally {
    await agent.close();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

async function main(): Promise<void> {
  const n = arg('images', 1000);
  const runs = arg('runs', 3);
  const reg = await startRegistry();
  const dir = await makeTempDir('signet-bench-ui-');
  const repo = 'bench/many';
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
  const layer = gzipSync(makeTar({ 'hello.txt': 'hello' }));
  const [cfgDigest, layerDigest] = [await pushBlob(reg, repo, config), await pushBlob(reg, repo, layer)];
  const limit = pLimit(32);
  const t0 = Date.now();
  await Promise.all(Array.from({ length: n }, (_, i) => limit(() => pushManifest(reg, repo, `v${i}`, JSON.stringify({
    schemaVersion: 2, mediaType: OCI_MANIFEST,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: cfgDigest, size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: layer.length }],
    annotations: { 'bench.index': String(i) },
  }), OCI_MANIFEST))));
  console.error(`pushed ${n} images in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const dataDir = join(dir, 'home');
  await new SourceStore(dataDir).add('registry', `${reg.host}/${repo}`);
  // The host in its own process, as `npm run start:web` and Electron's main run it: in this
  // process it would share one event loop with the Playwright client driving the page.
  const host = await startWebHostProcess({ SIGNET_HOME: dataDir });
  const browser = await launchChromium();
  const toList: number[] = [];
  const toVerdicts: number[] = [];
  const frames: number[] = [];
  const apiMs: number[] = [];
  const floorMs: number[] = [];
  try {
    for (let r = 0; r <= runs; r++) {
      const floor = await rawFloor(`http://${reg.host}`, repo, n);
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      // The moments are taken in the page, by a MutationObserver installed before the app loads,
      // as performance.now() (milliseconds since navigation start): Playwright's own waiting polls,
      // and timing it from here would add its polling interval to every figure.
      await page.addInitScript((total: number) => {
        const g = globalThis as unknown as { __marks: Record<string, number>; document: any; MutationObserver: any };
        g.__marks = {};
        const observe = () => new g.MutationObserver(() => {
          const count = g.document.querySelector('[data-testid="image-count"]')?.textContent ?? '';
          const rows = g.document.querySelectorAll('[data-testid="image-rows"] [role="row"]').length;
          if (g.__marks.listed === undefined && count.startsWith(`${total} of ${total} images`) && rows >= 5) g.__marks.listed = performance.now();
          if (g.__marks.verdicts === undefined && count === `${total} of ${total} images`) g.__marks.verdicts = performance.now();
        }).observe(g.document, { subtree: true, childList: true, characterData: true });
        if (g.document.readyState === 'loading') g.document.addEventListener('DOMContentLoaded', observe); else observe();
      }, n);
      const count = page.getByTestId('image-count');
      await page.goto(host.url);
      // "N of N images, K still being checked" while verdicts arrive; "N of N images" once all are in.
      await count.filter({ hasText: new RegExp(`^${n} of ${n} images$`) }).waitFor({ timeout: 120_000 });
      const marks = await page.evaluate(() => (globalThis as unknown as { __marks: { listed?: number; verdicts?: number } }).__marks);
      if (marks.listed === undefined || marks.verdicts === undefined) throw new Error(`the page did not record its moments: ${JSON.stringify(marks)}`);
      const ms = Math.round(marks.listed);
      const verdictsMs = Math.round(marks.verdicts);
      // The request answers after the platforms and created are read too; wait for it before timing it.
      await page.getByRole('button', { name: 'Refresh' }).and(page.locator(':enabled')).waitFor({ timeout: 120_000 });
      // The images.list request, from the page's Resource Timing: the engine's whole work; and when
      // the page got to ask for it (its own load, the source list, the event stream).
      const { api, timeline } = await page.evaluate(() => {
        const perf = (globalThis as unknown as { performance: { getEntriesByType(t: string): Array<{ name: string; duration: number; startTime: number; responseEnd: number }> } }).performance;
        const entries = perf.getEntriesByType('resource');
        const entry = entries.find((e) => e.name.includes('/api/images.list'));
        const at = (part: string) => { const e = entries.find((x) => x.name.includes(part)); return e ? `${Math.round(e.startTime)}` : '-'; };
        const nav = perf.getEntriesByType('navigation')[0] as unknown as { domContentLoadedEventEnd: number } | undefined;
        return {
          api: entry ? Math.round(entry.duration) : -1,
          timeline: `DOMContentLoaded ${Math.round(nav?.domContentLoadedEventEnd ?? -1)}, sources.list ${at('/api/sources.list')}, images.list ${at('/api/images.list')} ms`,
        };
      });
      // Runs in the page (DOM types are not in this Node build's lib, hence the casts).
      const f = await page.evaluate(async () => {
        const g = globalThis as unknown as { document: { querySelector(s: string): any }; requestAnimationFrame(cb: () => void): void };
        const el = g.document.querySelector('[data-testid="image-rows"]') as { scrollTop: number; scrollHeight: number; clientHeight: number; querySelectorAll(s: string): { length: number }; querySelector(s: string): { textContent: string | null } | null };
        const times: number[] = [];
        let last = performance.now();
        for (let i = 1; i <= 40; i++) {
          el.scrollTop = (el.scrollHeight - el.clientHeight) * (i / 40);
          await new Promise((res) => g.requestAnimationFrame(() => res(undefined)));
          const now = performance.now();
          times.push(now - last);
          last = now;
        }
        const rendered = el.querySelectorAll('[role="row"]').length;
        return { times, rendered, bottom: el.querySelector('[aria-rowindex]:last-child')?.textContent ?? '' };
      });
      if (r > 0) { toList.push(ms); toVerdicts.push(verdictsMs); apiMs.push(api); floorMs.push(floor); frames.push(...f.times); } // the first run warms up
      console.error(`run ${r}${r === 0 ? ' (warm-up)' : ''}: ${ms} ms to ${n} rows listed, ${verdictsMs} ms to ${n} verdicts (images.list request ${api} ms; raw floor ${Math.round(floor)} ms); ${f.rendered} rows in the DOM; scroll frames median ${median(f.times).toFixed(1)} ms, max ${Math.max(...f.times).toFixed(1)} ms; page asked at: ${timeline}`);
      await page.close();
    }
  } finally {
    await browser.close();
    await host.stop();
    await reg.stop();
  }
  console.log(JSON.stringify({
    images: n, runs, cpus: cpus().length, load: loadavg()[0]!.toFixed(2),
    toListedRowsMs: { median: median(toList), all: toList },
    toAllVerdictsMs: { median: median(toVerdicts), all: toVerdicts },
    imagesListRequestMs: { median: median(apiMs), all: apiMs },
    rawFloorMs: { median: Math.round(median(floorMs)), all: floorMs.map(Math.round) },
    verdictsOverFloor: +(median(toVerdicts) / median(floorMs)).toFixed(2),
    scrollFrameMs: { median: +median(frames).toFixed(1), p95: +pct(frames, 0.95).toFixed(1), max: +Math.max(...frames).toFixed(1) },
  }));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
