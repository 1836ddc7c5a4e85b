// The web host listens on 127.0.0.1 only: the socket's own address says so, and the same port on
// every other address of this machine (127.0.0.2, ::1, each network interface) refuses the
// connection. Bound to 0.0.0.0 or ::, each of those connections would be accepted.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startWebHost, type WebHost } from '../../electron/host/web-host.js';
import { makeTempDir } from '../helpers/tmp.js';

let host: WebHost;

before(async () => {
  const dir = await makeTempDir();
  await mkdir(join(dir, 'renderer'));
  await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><title>t</title>');
  host = await startWebHost({ dataDir: join(dir, 'home'), rendererDir: join(dir, 'renderer') });
});
after(async () => { await host?.close(); });

/** Connects to address:port; resolves 'connected' or the error code. */
function tryConnect(address: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port, timeout: 3000 });
    socket.once('connect', () => { socket.destroy(); resolve('connected'); });
    socket.once('timeout', () => { socket.destroy(); resolve('ETIMEDOUT'); });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

test('the server listens on 127.0.0.1', async () => {
  assert.equal(host.address, '127.0.0.1');
  assert.equal(await tryConnect('127.0.0.1', host.port), 'connected', 'control: the port is open on 127.0.0.1');
});

test('the same port on any other address of this machine refuses the connection', async () => {
  const others = ['127.0.0.2', '::1', ...Object.values(networkInterfaces()).flat()
    .filter((i) => i !== undefined && !i.internal && !i.address.startsWith('fe80:')) // link-local needs a scope id
    .map((i) => i!.address)];
  const answers: Record<string, string> = {};
  for (const address of others) answers[address] = await tryConnect(address, host.port);
  console.log(`web host bind: port ${host.port} on ${JSON.stringify(answers)}`);
  for (const [address, answer] of Object.entries(answers)) {
    // ECONNREFUSED: nothing listens there. EADDRNOTAVAIL/ENETUNREACH: no such address configured (e.g. no IPv6).
    assert.ok(['ECONNREFUSED', 'EADDRNOTAVAIL', 'ENETUNREACH'].includes(answer), `${address}:${host.port} answered ${answer}`);
  }
  assert.equal(answers['127.0.0.2'], 'ECONNREFUSED', 'another loopback address reaches this machine, and is refused');
});
