// Finding 9 of issue 11: a registry sending one byte every 1.5 s kept `signet verify` running past
// 120 s with a 2 s timeout, because the idle timeout never fires on a trickle. Here the fault proxy
// (a hostile loopback test double in front of a real docker-registry, so that everything else is
// a real registry) answers one image's manifest that way. With a whole-request deadline and a
// budget per image, `verify` of that image ends within the budget as "could not check" (exit 2),
// and in a batch the other images are verified meanwhile.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { pushRandomImage } from '../helpers/push.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { makeTempDir } from '../helpers/tmp.js';
import { jsonLines, runSignet } from '../helpers/cli.js';

let reg: TestRegistry;
let proxy: FaultProxy;
let dir: string;
const TRICKLED = '/v2/slow/app/manifests/v1';
const env = {
  COSIGN_PASSWORD: 'pw-for-tests',
  SIGNET_HTTP_TIMEOUT_MS: '2000', // silent for 2 s: never, at one byte every 1.5 s
  SIGNET_HTTP_DEADLINE_MS: '4000', // one whole answer
  SIGNET_IMAGE_BUDGET_MS: '10000', // one image's whole check, retries included
};

before(async () => {
  reg = await startRegistry({ auth: 'none' });
  proxy = await startFaultProxy(reg.url);
  dir = await makeTempDir();
  const key = await runSignet(['keys', 'generate-file', join(dir, 'signer'), '--alg', 'ed25519'], { env });
  assert.equal(key.code, 0, key.stderr);
  // Three signed images: had the trickled manifest arrived, all three would verify.
  for (const repo of ['slow/app', 'fine/a', 'fine/b']) {
    await pushRandomImage(reg, repo, 'v1');
    const s = await runSignet(['sign', `${proxy.host}/${repo}:v1`, '--key', join(dir, 'signer.key')], { env });
    assert.equal(s.code, 0, s.stderr);
  }
  proxy.setHandler((req) => (req.method === 'GET' && req.path === TRICKLED ? { kind: 'trickle', everyMs: 1_500 } : { kind: 'pass' }));
});
after(async () => {
  await proxy?.stop();
  await reg?.stop();
});

test('a manifest trickled one byte every 1.5 s: verify gives up within the image budget (could not check, exit 2); in a batch the others verify', async () => {
  const started = Date.now();
  const timed = async (images: string[]) => {
    const r = await runSignet(['verify', ...images.map((i) => `${proxy.host}/${i}:v1`), '--key', join(dir, 'signer.pub'), '--json'], { env, timeoutMs: 60_000 });
    return { ...r, seconds: (Date.now() - started) / 1000 };
  };
  const [single, batch] = await Promise.all([timed(['slow/app']), timed(['fine/a', 'slow/app', 'fine/b'])]);
  console.log(`trickle: verify of the trickled image ended after ${single.seconds.toFixed(1)} s, the batch after ${batch.seconds.toFixed(1)} s`);

  const giveUp = new RegExp(`^could not check: Gave up after 10 s, the time allowed for checking one image\\. The last problem: GET http://${proxy.host}${TRICKLED}: the whole answer did not arrive within 4 s\\.$`);
  assert.ok(single.seconds < 30, `verify ended within 30 s (${single.seconds} s)`);
  assert.equal(single.code, 2, single.stdout + single.stderr);
  const [only] = jsonLines(single.stdout);
  assert.equal(only.verdict, 'error');
  assert.match(only.message, giveUp);

  assert.ok(batch.seconds < 30, `the batch ended within 30 s (${batch.seconds} s)`);
  assert.equal(batch.code, 2, batch.stdout + batch.stderr);
  const rows = jsonLines(batch.stdout);
  assert.deepEqual(rows.map((r: { verdict: string }) => r.verdict), ['verified', 'error', 'verified'], batch.stdout);
  assert.match(rows[1].message, giveUp);
  assert.ok(proxy.requests.filter((r) => r.path === TRICKLED).length >= 4, 'the trickled manifest was asked for again after each deadline');
});
