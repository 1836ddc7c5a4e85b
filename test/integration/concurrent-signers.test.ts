// Ten signers at once, each with its own key, on the same image, through a fault proxy that
// injects resets, stalls past the timeout, 5xx, 429 with Retry-After and short reads at 10% of
// requests: every one of the ten signatures must be stored and verify afterwards.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { getManifest, pushRandomImage } from '../helpers/push.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { faultMix } from '../helpers/fault-mix.js';
import { makeTempDir } from '../helpers/tmp.js';
import { dockerConfigWith, jsonLines, runSignet } from '../helpers/cli.js';

const SIGNERS = 10;
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

test(`${SIGNERS} processes sign one image with ${SIGNERS} keys at once through 10% faults: all ${SIGNERS} signatures verify`, async () => {
  const img = await pushRandomImage(reg, 'concurrent/app', 'v1');
  const mix = faultMix({ rate: Number(process.env.RATE ?? 0.1), stallMs: 2500 });
  proxy.setHandler(mix.handler);
  const results = await Promise.all(Array.from({ length: SIGNERS }, (_, i) =>
    runSignet(['sign', `${proxy.host}/concurrent/app:v1`, '--key', join(dir, `signer${i}.key`), '--json'], { env, timeoutMs: 150_000 })));
  mix.enabled = false;
  const failed = results.map((r, i) => ({ i, r })).filter(({ r }) => r.code !== 0);
  console.log(`concurrent signers: fault seed ${mix.seed}, injected ${JSON.stringify(mix.counts)} over ${proxy.requests.length} requests; ${failed.length} signer(s) failed`);
  for (const { i, r } of failed) {
    assert.doesNotMatch(r.stderr, /\.js:\d+|TypeError|RangeError/, `signer ${i} failed with a crash: ${r.stderr}`);
  }
  assert.deepEqual(failed.map(({ i, r }) => `signer ${i}: ${r.stderr.trim()}`), [], 'every signer succeeded');
  const sig = await getManifest(reg, 'concurrent/app', `sha256-${img.digest.slice(7)}.sig`);
  assert.equal(JSON.parse(sig.body.toString()).layers.length, SIGNERS, 'one layer per signer, none lost, none duplicated');
  const keys = Array.from({ length: SIGNERS }, (_, i) => ['--key', join(dir, `signer${i}.pub`)]).flat();
  const v = await runSignet(['verify', `${proxy.host}/concurrent/app:v1`, ...keys, '--json'], { env });
  const out = jsonLines(v.stdout)[0];
  assert.equal(out.verdict, 'verified', v.stdout + v.stderr);
  assert.deepEqual([...out.signers].sort(), Array.from({ length: SIGNERS }, (_, i) => `signer${i}.pub`).sort());
  assert.ok(out.signatures.every((s: { ok: boolean }) => s.ok), 'every stored signature verifies');
});
