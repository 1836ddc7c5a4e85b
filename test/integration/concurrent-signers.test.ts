// Ten signers at once, each with its own key, on the same image, through a fault proxy that fails
// 10% of requests at random: mostly connection resets and 503s, and also stalls past the timeout,
// 500/502, 429 with Retry-After and short reads. All ten must succeed, and every one of the ten
// signatures must be stored once and verify afterwards. One signer in ten used to give up now and
// then after five 503s on one blob upload; retries now come from a budget per signing operation.
//
// SIGNET_SIGNER_ROUNDS (default 1; `npm run soak`: 5) repeats it on a fresh image per round, each
// round asserting ten of ten. Each round prints its wall time, the faults injected, and the
// retries the signers made (from their --debug lines).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { getManifest, pushRandomImage } from '../helpers/push.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { faultMix, type FaultKind } from '../helpers/fault-mix.js';
import { makeTempDir } from '../helpers/tmp.js';
import { dockerConfigWith, jsonLines, runSignet } from '../helpers/cli.js';

const SIGNERS = 10;
const ROUNDS = Number(process.env.SIGNET_SIGNER_ROUNDS ?? 1);
const RATE = Number(process.env.RATE ?? 0.1);
/** Resets and 503s are six in eleven of the faults; every other kind is still in the mix. */
const FAULTS: readonly FaultKind[] = ['reset', 'reset', 'reset', '503', '503', '503', 'stall', '500', '502', '429', 'truncate'];
let reg: TestRegistry;
let proxy: FaultProxy;
let dir: string;
let env: NodeJS.ProcessEnv;

before(async () => {
  reg = await startRegistry({ auth: 'htpasswd' });
  proxy = await startFaultProxy(reg.url);
  dir = await makeTempDir();
  env = {
    COSIGN_PASSWORD: 'pw-for-tests',
    SIGNET_HTTP_TIMEOUT_MS: '1500',
    DOCKER_CONFIG: dockerConfigWith([{ host: proxy.host, username: reg.username, password: reg.password }]),
  };
  const made = await Promise.all(Array.from({ length: SIGNERS }, (_, i) => runSignet(['keys', 'generate-file', join(dir, `signer${i}`), '--alg', i % 2 ? 'ecdsa-p256' : 'ed25519'], { env })));
  for (const r of made) assert.equal(r.code, 0, r.stderr);
});
after(async () => {
  await proxy?.stop();
  await reg?.stop();
});

for (let round = 1; round <= ROUNDS; round++) {
  test(`${SIGNERS} processes sign one image with ${SIGNERS} keys at once through ${RATE * 100}% faults: all ${SIGNERS} succeed and verify (round ${round} of ${ROUNDS})`, async () => {
    const tag = `v${round}`;
    const img = await pushRandomImage(reg, 'concurrent/app', tag);
    const seed = process.env.SIGNET_FAULT_SEED !== undefined ? Number(process.env.SIGNET_FAULT_SEED) + round - 1 : undefined;
    const mix = faultMix({ rate: RATE, stallMs: 2500, kinds: FAULTS, ...(seed !== undefined ? { seed } : {}) });
    const firstRequest = proxy.requests.length;
    proxy.setHandler(mix.handler);
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: SIGNERS }, (_, i) =>
      runSignet(['--debug', 'sign', `${proxy.host}/concurrent/app:${tag}`, '--key', join(dir, `signer${i}.key`), '--json'], { env, timeoutMs: 150_000 })));
    const seconds = (Date.now() - started) / 1000;
    mix.enabled = false;

    const retries = results.map((r) => r.stderr.split('\n').filter((l) => /^debug: retry \d+\//.test(l)).length);
    const writes = results.filter((r) => r.code === 0).flatMap((r) => jsonLines(r.stdout)[0].signatures.map((s: { attempts: number }) => s.attempts));
    const failed = results.map((r, i) => ({ i, r })).filter(({ r }) => r.code !== 0);
    const most = (xs: number[]) => xs.reduce((a, b) => Math.max(a, b), 0);
    console.log(`concurrent signers, round ${round} of ${ROUNDS}: ${SIGNERS - failed.length} of ${SIGNERS} signed in ${seconds.toFixed(1)} s; fault seed ${mix.seed}, injected ${JSON.stringify(mix.counts)} over ${proxy.requests.length - firstRequest} requests; ${retries.reduce((a, b) => a + b, 0)} retries (at most ${most(retries)} by one signer); manifest writes per signer: at most ${most(writes)}`);
    for (const { i, r } of failed) {
      assert.doesNotMatch(r.stderr, /\.js:\d+|TypeError|RangeError/, `signer ${i} failed with a crash: ${r.stderr}`);
    }
    assert.deepEqual(failed.map(({ i, r }) => `signer ${i}: ${r.stderr.split('\n').filter((l) => !l.startsWith('debug: ')).join(' ').trim()}`), [], `${SIGNERS} of ${SIGNERS} signers succeeded`);
    assert.ok((mix.counts.reset ?? 0) > 0 && (mix.counts['503'] ?? 0) > 0, `the faults included resets and 503s: ${JSON.stringify(mix.counts)}`);

    const sig = await getManifest(reg, 'concurrent/app', `sha256-${img.digest.slice(7)}.sig`);
    assert.equal(JSON.parse(sig.body.toString()).layers.length, SIGNERS, 'one layer per signer, none lost, none duplicated');
    const keys = Array.from({ length: SIGNERS }, (_, i) => ['--key', join(dir, `signer${i}.pub`)]).flat();
    const v = await runSignet(['verify', `${proxy.host}/concurrent/app:${tag}`, ...keys, '--json'], { env });
    const out = jsonLines(v.stdout)[0];
    assert.equal(out.verdict, 'verified', v.stdout + v.stderr);
    assert.deepEqual([...out.signers].sort(), Array.from({ length: SIGNERS }, (_, i) => `signer${i}.pub`).sort());
    assert.equal(out.signatures.length, SIGNERS);
    assert.ok(out.signatures.every((s: { ok: boolean }) => s.ok), 'every stored signature verifies');
  });
}
