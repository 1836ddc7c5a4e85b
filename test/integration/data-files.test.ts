// Data files under hostile conditions: a truncated or corrupt keys.json or trust.json is reported
// (DATA_CORRUPT), moved aside byte for byte, and never silently replaced; a damaged audit.log line
// is reported and later entries are not glued onto it; and a process killed with SIGKILL at random
// points while writing leaves the old or the new file, never half of one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TrustStore, defaultTrustedKeys } from '../../electron/engine/trust/trust-store.js';
import { readKeyMetadata } from '../../electron/engine/keystore/key-metadata.js';
import { AuditLog } from '../../electron/engine/audit/audit-log.js';
import { generatePrivateKey } from '../../electron/engine/keys/private-key.js';
import { SignetError } from '../../electron/engine/errors.js';
import { makeTempDir } from '../helpers/tmp.js';
import { asideFiles, byteCorruptions } from '../helpers/data-corruption.js';
import { runSignet } from '../helpers/cli.js';
import { checksum } from './data-file-writer.js';

const WRITER = fileURLToPath(new URL('./data-file-writer.js', import.meta.url));
const ITERATIONS = Number(process.env.SIGNET_CRASH_ITERATIONS ?? 25);

async function validTrustFile(dir: string): Promise<Buffer> {
  const store = new TrustStore(dir);
  await store.add(generatePrivateKey('ed25519').publicKey.pem, 'alice');
  await store.add(generatePrivateKey('ecdsa-p256').publicKey.pem, 'bob');
  return readFileSync(store.path);
}

function corruptions(valid: Buffer): Array<{ how: string; bytes: Buffer }> {
  const flipped = Buffer.from(valid);
  const at = valid.indexOf('BEGIN PUBLIC KEY') + 40;
  flipped[at] = flipped[at] === 0x41 ? 0x42 : 0x41;
  return [
    ...byteCorruptions(valid),
    { how: 'valid JSON of the wrong shape', bytes: Buffer.from('{"version":1,"keys":{}}') },
    { how: 'a future version', bytes: Buffer.from(valid.toString().replace('"version": 1', '"version": 2')) },
    { how: 'a public key with a flipped character', bytes: flipped },
  ];
}

test('a truncated or corrupt trust.json / keys.json is reported, moved aside byte for byte, never silently replaced', async () => {
  const seedDir = await makeTempDir();
  const valid = await validTrustFile(seedDir);
  for (const name of ['trust.json', 'keys.json'] as const) {
    for (const c of corruptions(valid)) {
      const dir = await makeTempDir();
      const path = join(dir, name);
      writeFileSync(path, name === 'keys.json' ? c.bytes.toString().replace(/"added"/g, '"created"') : c.bytes);
      const before = readFileSync(path);
      const read = name === 'trust.json' ? () => new TrustStore(dir).list() : () => readKeyMetadata(dir);
      await assert.rejects(read(), (e: unknown) => {
        assert.ok(e instanceof SignetError, String(e));
        assert.equal(e.code, 'DATA_CORRUPT', `${name} ${c.how}: ${e.message}`);
        assert.ok(e.message.includes(path) && /moved aside/.test(e.message), e.message);
        return true;
      }, `${name} ${c.how}`);
      const aside = asideFiles(dir, name);
      assert.equal(aside.length, 1, `${name} ${c.how}: moved aside once`);
      assert.deepEqual(readFileSync(join(dir, aside[0]!)), before, 'the corrupt bytes are kept as they were');
      assert.equal(existsSync(path), false, 'nothing was written in its place');
      // The trust set built from the data dir fails too rather than silently trusting less.
      if (name === 'trust.json') {
        writeFileSync(path, before);
        await assert.rejects(defaultTrustedKeys(dir), (e: unknown) => e instanceof SignetError && e.code === 'DATA_CORRUPT');
      }
    }
  }
});

test('the CLI reports a corrupt trust.json plainly, and a later add starts a new file beside the kept one', async () => {
  const dir = await makeTempDir();
  writeFileSync(join(dir, 'trust.json'), '{"version":1,"keys":[{"name":"al');
  const r = await runSignet(['trust', 'list'], { env: { SIGNET_HOME: dir } });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /trust\.json was corrupt .*moved aside/s);
  assert.doesNotMatch(r.stderr, /\.js:\d+/);
  writeFileSync(join(dir, 'k.pub'), generatePrivateKey('ed25519').publicKey.pem);
  const add = await runSignet(['trust', 'add', join(dir, 'k.pub'), '--name', 'carol'], { env: { SIGNET_HOME: dir } });
  assert.equal(add.code, 0, add.stderr);
  assert.equal(asideFiles(dir, 'trust.json').length, 1, 'the moved-aside file is still there');
  assert.deepEqual((await new TrustStore(dir).list()).map((e) => e.name), ['carol']);
});

test('a damaged audit.log line is reported; entries appended after a torn last line stay readable', async () => {
  const dir = await makeTempDir();
  const log = new AuditLog(dir);
  const entry = (image: string) => ({ time: new Date().toISOString(), user: 't', outcome: 'signed' as const, key: { name: 'k', fingerprint: 'SHA256:00', source: 'file' as const }, image, annotations: {} });
  await log.append(entry('one'));
  appendFileSync(log.path, '{"time":"2026-01-01T00:00:00Z","user":"t","outc'); // a torn write, no newline
  await log.append(entry('two'));
  writeFileSync(log.path, Buffer.concat([readFileSync(log.path), Buffer.from('\u0000\u0000garbage\n')]));
  await log.append(entry('three'));
  const { entries, damaged } = await log.read();
  assert.deepEqual(entries.map((e) => e.image), ['one', 'two', 'three']);
  assert.deepEqual(damaged, [2, 4]);
  const r = await runSignet(['log', '--json'], { env: { SIGNET_HOME: dir } });
  assert.match(r.stderr, /2 damaged line\(s\) \(line 2, 4\)/);
});

function startWriter(mode: 'json' | 'audit', target: string, startGen: number): Promise<{ kill: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, mode, target], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, START_GEN: String(startGen) } });
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    child.on('error', reject);
    child.stdout.once('data', () => resolve({
      kill: () => new Promise<void>((done) => {
        child.once('exit', () => done());
        child.kill('SIGKILL');
      }),
    }));
    child.once('exit', (code, sig) => { if (sig !== 'SIGKILL') reject(new Error(`writer exited early (${code}): ${err}`)); });
  });
}

test(`kill -9 at random points while writing (${ITERATIONS} times per file): the old or the new file, never half`, async () => {
  const dir = await makeTempDir();
  const json = join(dir, 'trust.json');
  let lastGen = -1;
  let auditCount = 0;
  let tornBefore: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    // JSON data file (keys.json / trust.json / index.json all go through writeJsonAtomic).
    const w = await startWriter('json', json, lastGen + 1);
    await new Promise((r) => setTimeout(r, 5 + Math.random() * 120));
    await w.kill();
    if (existsSync(json)) {
      const doc = JSON.parse(readFileSync(json, 'utf8')) as { gen: number; padding: string; checksum: string };
      assert.equal(doc.checksum, checksum(doc.gen, doc.padding), `iteration ${i}: a whole version, not a mix`);
      assert.ok(doc.gen >= lastGen, 'never an older version than one seen before');
      lastGen = doc.gen;
    }
    // Append-only audit log.
    const a = await startWriter('audit', dir, 0);
    await new Promise((r) => setTimeout(r, 5 + Math.random() * 120));
    await a.kill();
    const { entries, damaged } = await new AuditLog(dir).read();
    // Linux may cut a write(2) short when SIGKILL arrives between two pages of the file, so the
    // line being written at the kill can be torn: no append can prevent that. What must hold: only
    // that last line may be newly damaged, every earlier entry is intact, and the next append
    // starts a fresh line instead of gluing itself onto the torn one.
    const lines = readFileSync(join(dir, 'audit.log'), 'utf8').split('\n');
    let lastLine = lines.length;
    while (lastLine > 0 && lines[lastLine - 1]!.trim() === '') lastLine--;
    const newlyTorn = damaged.filter((n) => !tornBefore.includes(n));
    assert.ok(newlyTorn.every((n) => n === lastLine), `iteration ${i}: only the line being written may be torn (damaged ${JSON.stringify(damaged)}, last line ${lastLine})`);
    tornBefore = damaged;
    assert.ok(entries.length >= auditCount, 'no audit entry lost');
    auditCount = entries.length;
  }
  // Temp files of killed writers are litter, cleared by the next successful write.
  const w = await startWriter('json', json, lastGen + 1);
  await new Promise((r) => setTimeout(r, 300));
  await w.kill();
  const leftovers = readdirSync(dir).filter((f) => f.includes('.tmp-'));
  console.log(`kill -9 test: ${ITERATIONS} kills per file, last JSON generation ${lastGen}, ${auditCount} audit entries, ${leftovers.length} temp file(s) left`);
  assert.ok(leftovers.length <= 1, `at most the last killed writer's temp file is left: ${leftovers.join(', ')}`);
  assert.ok(lastGen >= 0 && auditCount > 0, 'the writers made progress');
});
