// The stage the hostile-input integration tests share: a real docker-registry (no auth), the
// fault proxy in front of it (a node:http test double that rewrites what the registry answers and
// logs every request), the hostile registry double for answers no registry gives, and a signing
// key pair made by the CLI (`key`.key / `key`.pub, password in `env`).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startRegistry, type TestRegistry } from './registry.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { startHostileRegistry, type HostileRegistry } from './hostile-registry.js';
import { runSignet } from './cli.js';
import { makeTempDir } from './tmp.js';

export interface HostileStage {
  dir: string;
  reg: TestRegistry;
  proxy: FaultProxy;
  hostile: HostileRegistry;
  env: NodeJS.ProcessEnv;
  /** The key pair's path prefix: `${key}.key`, `${key}.pub`. */
  key: string;
  stop(): Promise<void>;
}

export async function startHostileStage(): Promise<HostileStage> {
  const dir = await makeTempDir();
  const reg = await startRegistry({ auth: 'none' });
  const proxy = await startFaultProxy(reg.url);
  const hostile = await startHostileRegistry();
  const env = { SIGNET_HOME: join(dir, 'home'), COSIGN_PASSWORD: 'hostile stage key' };
  const key = join(dir, 'release');
  const gen = await runSignet(['keys', 'generate-file', key, '--alg', 'ed25519'], { env });
  assert.equal(gen.code, 0, gen.stderr);
  return {
    dir, reg, proxy, hostile, env, key,
    async stop() {
      await proxy.stop();
      await hostile.stop();
      await reg.stop();
    },
  };
}
